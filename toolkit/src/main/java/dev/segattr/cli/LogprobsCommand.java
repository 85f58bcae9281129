package dev.segattr.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.TokenScores;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

@Command(name = "logprobs", mixinStandardHelpOptions = true,
        description = {"Per-token log-probabilities (and entropies) of each record's text under a model.",
                "The text is the record's 'text' field, or else its trace rendered as attribute sees it: the chat "
                        + "prompt of the question, the reasoning, and \"</think> So, the final answer is \\boxed{ANSWER}\".",
                "Adds ids, logprobs (log p of token i given the tokens before it; the first is null) and entropies "
                        + "(nats, of the distribution that predicts token i; the first is null)."})
final class LogprobsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "tokenizer folder, if not the model's")
    Path tokenizer;

    @Option(names = "--in", required = true, paramLabel = "F", description = "records, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "G", description = "where to write them")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(in)) {
            throw new BadInputException(in + ": no such file");
        }
        if (!Files.isDirectory(model)) {
            throw new BadInputException("--model " + model + ": no such folder");
        }
        try (CausalLM lm = CausalLM.load(model, Device.cpu(), DataType.FLOAT32);
             Tokenizer tok = Tokenizer.load(tokenizer == null ? model : tokenizer);
             Stream<JsonLines.Line> lines = JsonLines.read(in)) {
            tok.checkFits(lm.config().vocabSize());
            EmbeddingModel em = EmbeddingModel.of(lm);
            UnaryOperator<String> prompt = TraceLayout.promptOf(tok);
            JsonLines.write(out, lines.map(line -> score(line, tok, em, prompt)));
        }
        return 0;
    }

    static ObjectNode score(JsonLines.Line line, Tokenizer tok, EmbeddingModel em, UnaryOperator<String> prompt) {
        JsonNode textNode = line.json().get("text");
        String text;
        if (textNode != null && !textNode.isNull()) {
            if (!textNode.isTextual()) {
                throw line.error("field 'text': expected a string");
            }
            text = textNode.asText();
        } else {
            Trace trace = Trace.fromJson(line);
            text = AnswerTarget.of(tok, prompt, trace, AttributeCommand.segmentsOf(trace)).text();
        }
        long[] ids = tok.encode(text).ids();
        ObjectNode record = line.json().deepCopy();
        ArrayNode idArray = record.putArray("ids");
        for (long id : ids) {
            idArray.add(id);
        }
        ArrayNode lp = record.putArray("logprobs");
        ArrayNode h = record.putArray("entropies");
        if (ids.length > 0) {
            TokenScores scores = TokenScores.compute(em, ids);
            for (int i = 0; i < ids.length; i++) {
                add(lp, scores.logprobs()[i]);
                add(h, scores.entropies()[i]);
            }
        }
        return record;
    }

    private static void add(ArrayNode array, double v) {
        if (Double.isFinite(v)) {
            array.add((float) v);
        } else {
            array.addNull();
        }
    }

}

package dev.segattr.stage;

import dev.segattr.tokenizer.TraceLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.TokenScores;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.experiment.OutputLock;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Per-token log-probabilities (and entropies) of each record's text under a model: the record's {@code text}, or
 * else its trace rendered as attribution sees it. Adds {@code ids}, {@code logprobs} (log p of token i given the
 * tokens before it; the first is null) and {@code entropies} (nats; the first is null).
 */
public final class LogprobsStage {

    public static final String NAME = "logprobs";

    /** @param model the checkpoint */
    public record Options(ModelSource model) {

        public Options {
            Objects.requireNonNull(model, "model");
        }

        public static Options of(Path model) {
            return new Options(ModelSource.of(model));
        }
    }

    private LogprobsStage() {
    }

    /** Scores every record of {@code in} into {@code out} (written atomically). */
    public static void run(Path in, Path out, Options options, StageListener listener) {
        if (!Files.isRegularFile(in)) {
            throw new BadInputException(in + ": no such file");
        }
        try (OutputLock lock = OutputLock.acquire(out); LoadedModel model = LoadedModel.load(options.model())) {
            write(in, out, options, model);
        }
    }

    /** As {@link #run(Path, Path, Options, StageListener)} with a model already loaded. */
    public static void run(Path in, Path out, Options options, LoadedModel model, StageListener listener) {
        try (OutputLock lock = OutputLock.acquire(out)) {
            write(in, out, options, model);
        }
    }

    private static void write(Path in, Path out, Options options, LoadedModel model) {
        try (RecordStage<TraceRecord, TraceRecord> stage = open(options, model);
             Stream<JsonLines.Line> lines = JsonLines.read(in)) {
            JsonLines.write(out, lines.map(line -> stage.apply(TraceRecord.of(line)).json()));
        }
    }

    /** The per-record work over a loaded model (the options' model is not read). */
    public static RecordStage<TraceRecord, TraceRecord> open(Options options, LoadedModel model) {
        Tokenizer tok = model.tokenizer();
        EmbeddingModel em = model.embeddings();
        UnaryOperator<String> prompt = TraceLayout.promptOf(tok);
        return record -> record.withFields(score(record.line(), tok, em, prompt));
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
            text = AnswerTarget.of(tok, prompt, trace, AttributeStage.segmentsOf(trace)).text();
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

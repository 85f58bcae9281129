package dev.segattr.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.cli.SparkBridge;
import dev.segattr.model.Tokenizer;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;

/** {@code logprobs}: per-token log-probabilities and entropies, the records {@code segattr logprobs} writes. */
final class LogprobsJob extends RecordJob {

    private final ModelSpec model;

    LogprobsJob(ModelSpec model) {
        this.model = model;
    }

    @Override
    String command() {
        return "logprobs";
    }

    @Override
    ModelSpec model() {
        return model;
    }

    /** The text scored: the record's 'text', else its trace as attribute renders it. */
    @Override
    long length(JsonLines.Line line) {
        Tokenizer tok = ModelCache.tokenizer(model);
        JsonNode text = line.json().get("text");
        if (text != null && !text.isNull()) {
            if (!text.isTextual()) {
                throw line.error("field 'text': expected a string");
            }
            return tok.encode(text.asText()).ids().length;
        }
        Trace trace = Trace.fromJson(line);
        return AnswerTarget.of(tok, AnswerTarget.promptOf(tok), trace, SparkBridge.segmentsOf(trace)).length();
    }

    @Override
    Work open(ModelCache.Loaded loaded) {
        Tokenizer tok = loaded.tokenizer();
        EmbeddingModel em = EmbeddingModel.of(loaded.lm());
        var prompt = AnswerTarget.promptOf(tok);
        return line -> SparkBridge.logprobs(line, tok, em, prompt);
    }
}

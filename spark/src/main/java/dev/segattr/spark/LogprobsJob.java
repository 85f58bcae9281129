package dev.segattr.spark;

import dev.segattr.tokenizer.TraceLayout;
import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.LogprobsStage;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;

/** {@code logprobs}: per-token log-probabilities and entropies, through {@link LogprobsStage}. */
final class LogprobsJob extends RecordJob {

    private final ModelSpec model;

    LogprobsJob(ModelSpec model) {
        this.model = model;
    }

    @Override
    String command() {
        return LogprobsStage.NAME;
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
        return AnswerTarget.of(tok, TraceLayout.promptOf(tok), trace, AttributeStage.segmentsOf(trace)).length();
    }

    @Override
    Work open(LoadedModel loaded) {
        return Work.of(LogprobsStage.open(new LogprobsStage.Options(model.source(loaded.dir(), null)), loaded));
    }
}

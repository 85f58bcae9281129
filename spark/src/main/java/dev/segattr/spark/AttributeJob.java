package dev.segattr.spark;

import dev.segattr.tokenizer.TraceLayout;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.cli.AttributionOptions;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.StageEvent;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code attribute}: integrated gradients per trace, through {@link AttributeStage}: the records {@code segattr attribute} writes. */
final class AttributeJob extends RecordJob {

    private final ModelSpec model;
    private final AttributionOptions attribution;
    private String out;
    private HashMap<String, String> kept = new HashMap<>();

    AttributeJob(ModelSpec model, AttributionOptions attribution) {
        this.model = model;
        this.attribution = attribution;
    }

    private AttributeStage.Options options(LoadedModel loaded) {
        return attribution.options(loaded == null ? model.asGiven() : model.source(loaded.dir(), null));
    }

    @Override
    String command() {
        return AttributeStage.NAME;
    }

    @Override
    ModelSpec model() {
        return model;
    }

    @Override
    boolean uniqueIds() {
        return true;
    }

    @Override
    void validate() {
        // The stage's own checks, with the command line's messages; float16 is refused when the stage opens.
        options(null).validate();
        if (model.dtype() != dev.segattr.stage.Dtype.FLOAT32) {
            throw new BadInputException("--dtype float16: gradients cannot pass DJL 0.36's dtype"
                    + " casts (the decoder's float32 norms would cut them), so attribution runs in float32 only");
        }
    }

    /** The sequence attribution runs on: prompt, reasoning and answer, in the model's tokens. */
    @Override
    long length(JsonLines.Line line) {
        Trace trace = Trace.fromJson(line);
        Tokenizer tok = ModelCache.tokenizer(model);
        return AnswerTarget.of(tok, TraceLayout.promptOf(tok), trace, AttributeStage.segmentsOf(trace)).length();
    }

    @Override
    String madeWith(ObjectNode kept) {
        return kept.path("attribution_settings").asText();
    }

    @Override
    void resumes(String out, Map<String, String> idByMadeWith) {
        this.out = out;
        this.kept = new HashMap<>(idByMadeWith);
    }

    @Override
    Work open(LoadedModel loaded) {
        AttributeStage.Attributor stage = AttributeStage.open(options(loaded), loaded, event -> {
            if (event instanceof StageEvent.Warning w) {
                System.err.println("segattr attribute: warning: " + w.message());
            }
        });
        for (var k : kept.entrySet()) {
            if (!k.getKey().equals(stage.settings())) {
                // The command line's refusal to mix settings in one output.
                throw new BadInputException(out + ": record " + k.getValue() + " was made with '" + k.getKey()
                        + "', this run uses '" + stage.settings() + "': rerun with the same options or remove the folder");
            }
        }
        return new Work() {
            @Override
            public List<ObjectNode> apply(List<TraceRecord> records) {
                // Gradients are per thread (ThreadGradients) and attribution never marks a weight as needing one,
                // so the tasks of one executor attribute side by side on its shared model.
                return records.stream().map(r -> stage.apply(r).json()).toList();
            }

            @Override
            public void close() {
                stage.close();
            }
        };
    }
}

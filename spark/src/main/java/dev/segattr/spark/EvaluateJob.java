package dev.segattr.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.sft.Evaluator;
import dev.segattr.stage.EvaluateStage;
import dev.segattr.stage.LoadedModel;
import dev.segattr.trace.JsonLines;

import java.util.List;

/**
 * {@code evaluate}: generation over a test set, through {@link EvaluateStage}: one prediction line per question, as
 * the file run writes. A task decodes its questions in batches of {@code --batch}. Greedy decoding gives the file
 * run's predictions; sampled decoding seeds each batch by its place, so its samples depend on the partitioning.
 */
final class EvaluateJob extends RecordJob {

    private final ModelSpec model;
    // Evaluator.Settings is not Serializable: its fields travel, the record is made again on the executor.
    private final int maxNewTokens;
    private final int samples;
    private final double temperature;
    private final double topP;
    private final long seed;
    private final int batch;

    EvaluateJob(ModelSpec model, Evaluator.Settings s) {
        this.model = model;
        this.maxNewTokens = s.maxNewTokens();
        this.samples = s.samples();
        this.temperature = s.temperature();
        this.topP = s.topP();
        this.seed = s.seed();
        this.batch = s.batchSize();
    }

    private Evaluator.Settings settings() {
        return new Evaluator.Settings(maxNewTokens, samples, temperature, topP, seed, batch);
    }

    @Override
    String command() {
        return EvaluateStage.NAME;
    }

    @Override
    ModelSpec model() {
        return model;
    }

    /** Generation's cost grows with the prompt and the tokens it may add: characters / 4 plus the length limit. */
    @Override
    long length(JsonLines.Line line) {
        Evaluator.Item item = Evaluator.itemOf(line);
        return item.question().length() / 4 + (long) maxNewTokens * samples;
    }

    @Override
    String id(JsonLines.Line line) {
        return Evaluator.itemOf(line).id();
    }

    @Override
    Work open(LoadedModel loaded) {
        EvaluateStage.Evaluations stage = EvaluateStage.open(new EvaluateStage.Options(model.source(loaded.dir(), null), settings()), loaded);
        return new Work() {
            @Override
            public List<ObjectNode> apply(List<dev.segattr.trace.TraceRecord> records) {
                return stage.applyAll(records).stream().map(Evaluator.Prediction::toJson).toList();
            }

            @Override
            public int chunk() {
                return batch;
            }
        };
    }
}

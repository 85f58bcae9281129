package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.model.CausalLM;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three updates of the trainer against three steps of PyTorch (torch.optim.AdamW, clip_grad_norm_,
 * transformers' cosine schedule with warmup) on the same tiny Qwen3 model and batch (fixtures/sft/untied and
 * tied, made by make_sft_fixtures.py). The first update runs at learning rate 0 but moves AdamW's moments; the
 * norm is clipped at every step. One update of the full batch and two accumulated micro-batches of one example
 * must both give PyTorch's full-batch result.
 *
 * <p>Tolerances (float32): loss and gradient norm 1e-5 relative; every weight after three updates 1e-5
 * relative to the tensor's largest value.
 */
class TrainerTorchParityTest {

    static final double TOLERANCE = 1e-5;

    @TempDir
    Path out;

    @ParameterizedTest(name = "{0}, batch {1} x accumulation {2}")
    @CsvSource({"untied, 2, 1", "untied, 1, 2", "tied, 2, 1"})
    void threeUpdatesAgreeWithPyTorch(String fixture, int batch, int accumulation) {
        Path dir = SftFixtures.dir(fixture);
        JsonNode f = SftFixtures.json(dir.resolve("steps.json"));
        JsonNode s = f.get("settings");
        TrainConfig config = TrainConfig.defaults().withEpochs(s.get("total_steps").asInt())
                .withLearningRate(s.get("lr").asDouble()).withBetas(s.get("betas").get(0).asDouble(), s.get("betas").get(1).asDouble())
                .withEps(s.get("eps").asDouble()).withWeightDecay(s.get("weight_decay").asDouble())
                .withMaxGradNorm(s.get("max_grad_norm").asDouble()).withWarmupSteps(s.get("warmup_steps").asInt())
                .withBatchSize(batch).withGradAccum(accumulation).withShuffle(false);
        try (CausalLM model = CausalLM.load(dir.resolve("model"))) {
            TrainResult result = new Trainer(config).train(model, examples(f), out);
            assertEquals(3, result.steps().size());
            for (int k = 0; k < 3; k++) {
                JsonNode expected = f.get("steps").get(k);
                TrainResult.Step step = result.steps().get(k);
                assertEquals(expected.get("lr").asDouble(), step.learningRate(), 1e-15);
                assertEquals(expected.get("loss").asDouble(), step.loss(), TOLERANCE * expected.get("loss").asDouble(), "loss at step " + (k + 1));
                assertEquals(expected.get("grad_norm").asDouble(), step.gradNorm(), TOLERANCE * expected.get("grad_norm").asDouble(),
                        "gradient norm at step " + (k + 1));
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                Map<String, NDArray> trained = SftFixtures.tensors(manager, dir.resolve("trained.safetensors"));
                assertEquals(trained.keySet(), model.parameters().keySet());
                double worst = 0;
                for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                    double err = SftFixtures.relativeError(e.getValue(), trained.get(e.getKey()));
                    assertTrue(err < TOLERANCE, e.getKey() + ": relative error " + err);
                    worst = Math.max(worst, err);
                }
                System.out.printf("%s batch %d x %d: worst relative weight error %.2e%n", fixture, batch, accumulation, worst);
            }
        }
    }

    /** The fixture's batch as examples: padding (attention mask 0) removed, the trainer pads again. */
    static List<MaskedExample> examples(JsonNode f) {
        List<MaskedExample> examples = new ArrayList<>();
        for (int i = 0; i < f.get("input_ids").size(); i++) {
            int n = 0;
            for (JsonNode m : f.get("attention_mask").get(i)) {
                n += m.asInt();
            }
            long[] ids = new long[n];
            long[] labels = new long[n];
            for (int t = 0; t < n; t++) {
                ids[t] = f.get("input_ids").get(i).get(t).asLong();
                labels[t] = f.get("labels").get(i).get(t).asLong();
            }
            examples.add(new MaskedExample("fixture-" + i, ids, labels, (int) Arrays.stream(labels).filter(l -> l != -100).count()));
        }
        return examples;
    }
}

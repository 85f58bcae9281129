package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The training loss with the head on supervised positions only equals the loss from whole logits, gradients too. */
class CrossEntropyTest {

    static final long I = MaskedExample.IGNORE;
    static final long[] IDS = {0, 0, 12, 40, 7, 99, 3, 61, /* */ 5, 5, 90, 14, 33, 2, 70, 41};
    static final long[] MASK = {0, 0, 1, 1, 1, 1, 1, 1, /* */ 1, 1, 1, 1, 1, 1, 1, 1};   // row 0 left-padded
    static final long[] LABELS = {I, I, I, 40, 7, I, 3, 61, /* */ I, I, 90, I, I, 2, 70, 41};

    @Test
    void headOnSupervisedPositionsGivesTheSameLossAndGradients() {
        ModelConfig config = ModelConfig.of("qwen3", 128, 32, 64, 2, 4, 2, 16).withTokens(null, List.of(1L), 0L);
        try (CausalLM model = CausalLM.init(config.withTiedEmbeddings(true), 5)) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            Result whole = step(model, true);
            Result picked = step(model, false);
            assertEquals(whole.loss, picked.loss, 1e-5 * Math.abs(whole.loss));
            assertEquals(whole.gradients.keySet(), picked.gradients.keySet());
            whole.gradients.forEach((name, g) -> assertArrayEquals(g, picked.gradients.get(name), 1e-5f, name));
        }
    }

    record Result(float loss, Map<String, float[]> gradients) {
    }

    static Result step(CausalLM model, boolean wholeLogits) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = scope.create(IDS, new Shape(2, 8));
            NDArray mask = scope.create(MASK, new Shape(2, 8));
            NDArray labels = scope.create(LABELS, new Shape(2, 8));
            float loss;
            try (GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
                NDArray total = wholeLogits ? CrossEntropy.sum(model.forwardIds(ids, mask), labels)
                        : CrossEntropy.sum(model, ids, mask, labels);
                collector.backward(total);
                loss = total.getFloat();
            }
            Map<String, float[]> gradients = new TreeMap<>();
            model.parameters().forEach((name, p) -> {
                gradients.put(name, p.getGradient().toFloatArray());
                p.getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            });
            return new Result(loss, gradients);
        }
    }
}

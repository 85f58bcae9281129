package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** forward(x, mask, from, to): the logits of some positions, as the full forward pass gives them, and their gradient. */
class HeadRangeTest {

    static final ModelConfig C = ModelConfig.of("qwen3", 50, 32, 64, 2, 4, 2, 8);

    @Test
    void somePositionsEqualTheFullLogitsThereAndTheirGradientToo() {
        try (CausalLM m = CausalLM.init(C, 9); NDManager scope = m.manager().newSubManager()) {
            NDArray ids = scope.create(new long[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}, new Shape(2, 6));
            NDArray x = m.embed(ids);
            NDArray full = m.forward(x, null).get(new NDIndex(":, 3:5, :"));
            NDArray part = m.forward(x, null, 3, 5);
            assertEquals(new Shape(2, 2, 50), part.getShape());
            assertArrayEquals(full.toFloatArray(), part.toFloatArray(), 1e-5f);

            assertArrayEquals(gradient(m, x, true), gradient(m, x, false), 1e-5f);
            assertThrows(IllegalArgumentException.class, () -> m.forward(x, null, 4, 7));
        }
    }

    /** d(sum of logits at positions 3, 4)/dx, through the full head or through the head on those positions. */
    private static float[] gradient(CausalLM m, NDArray x, boolean full) {
        NDArray leaf = x.duplicate();
        leaf.setRequiresGradient(true);
        try (GradientCollector c = m.manager().getEngine().newGradientCollector()) {
            NDArray logits = full ? m.forward(leaf, null).get(new NDIndex(":, 3:5, :")) : m.forward(leaf, null, 3, 5);
            c.backward(logits.sum());
        }
        return leaf.getGradient().toFloatArray();
    }
}

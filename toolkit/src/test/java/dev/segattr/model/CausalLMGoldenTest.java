package dev.segattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our decoder against transformers (float32, eager attention) on the golden checkpoints: logits agree
 * within 1e-4 (max abs, real tokens only) for every family, the bf16 one included, since its weights are
 * widened exactly and the reference ran in float32 on the same widened weights.
 */
class CausalLMGoldenTest {

    static final float TOLERANCE = 1e-4f;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LLAMA, Fixtures.QWEN2_BF16, Fixtures.QWEN3_SHARDED})
    void logitsMatchTransformers(String name) {
        try (CausalLM model = CausalLM.load(Fixtures.dir(name)); NDManager m = NDManager.newBaseManager()) {
            for (Fixtures.Case c : Fixtures.cases(name)) {
                NDArray mask = c.mask(m);
                NDArray logits = model.forwardIds(c.ids(m), mask);
                NDArray expected = Fixtures.referenceLogits(name, c, m);
                assertEquals(expected.getShape(), logits.getShape(), name + "/" + c.name());
                float diff = Fixtures.maxDiffOnTokens(logits, expected, mask);
                System.out.printf("%s/%s: max abs logit diff %.3g%n", name, c.name(), diff);
                assertTrue(diff < TOLERANCE, name + "/" + c.name() + ": max abs diff " + diff);
                assertTrue(logits.isNaN().any().getBoolean() == false, "NaN in " + c.name());
            }
        }
    }
}

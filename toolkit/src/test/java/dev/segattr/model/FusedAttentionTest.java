package dev.segattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's fused attention (a TorchScript module run through DJL) against the explicit NDArray attention on the
 * same model: the same logits, and the same gradient with respect to the input embeddings, so that autograd
 * flows through the module into the graph around it. Grouped-query attention (4 query heads on 2 key-value heads)
 * and Qwen3's q/k norms are both in play.
 */
class FusedAttentionTest {

    @Test
    void fusedAndExplicitAttentionGiveTheSameLogitsAndEmbeddingGradients() {
        ModelConfig config = ModelConfig.of("qwen3", 96, 32, 64, 2, 4, 2, 16).withTokens(null, List.of(1L), 0L);
        try (CausalLM model = CausalLM.init(config, 7); NDManager m = NDManager.newBaseManager()) {
            NDArray embeds = m.randomNormal(new Shape(3, 11, 32)).mul(0.5);
            float[][] fused = logitsAndGradient(model.attention(AttentionKernel.FUSED), embeds);
            assertEquals(AttentionKernel.FUSED, model.attentionKernel(), "the module loaded");
            float[][] explicit = logitsAndGradient(model.attention(AttentionKernel.EXPLICIT), embeds);
            for (int part = 0; part < 2; part++) {
                double worst = 0;
                double scale = 0;
                for (int i = 0; i < fused[part].length; i++) {
                    worst = Math.max(worst, Math.abs(fused[part][i] - explicit[part][i]));
                    scale = Math.max(scale, Math.abs(explicit[part][i]));
                }
                assertTrue(scale > 0, "something to compare");
                // float32 rounding of two summation orders: far below any value's size
                assertTrue(worst <= 1e-5 * Math.max(1, scale), (part == 0 ? "logits" : "gradient") + " differ by " + worst);
            }
        }
    }

    /** Logits (3, 11, 96) and d(sum of logits^2 at the last position)/d embeds, flattened. */
    private static float[][] logitsAndGradient(CausalLM model, NDArray embeds) {
        try (NDManager pass = embeds.getManager().newSubManager()) {
            NDArray x = embeds.duplicate();
            x.attach(pass);
            x.setRequiresGradient(true);
            float[] logits;
            try (GradientCollector c = x.getManager().getEngine().newGradientCollector()) {
                NDArray out = model.forward(x, null);                            // (3, 11, 96)
                logits = out.toFloatArray();
                c.backward(out.get(":, -1, :").square().sum());
            }
            return new float[][] {logits, x.getGradient().toFloatArray()};
        }
    }
}

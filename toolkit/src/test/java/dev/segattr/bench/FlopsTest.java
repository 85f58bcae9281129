package dev.segattr.bench;

import ai.djl.ndarray.NDArray;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The work counts behind every "fraction of peak" figure. */
class FlopsTest {

    // hidden 64, MLP 128, 2 layers, 4 heads of 16, 2 kv heads, vocab 100
    static final ModelConfig C = ModelConfig.of("qwen3", 100, 64, 128, 2, 4, 2, 16);

    @Test
    void linearWorkIsTwoFlopsPerWeightOfEveryProjection() {
        // counted by hand: q 64x64, k and v 64x32 each, o 64x64, gate/up/down 64x128 each
        double perLayer = 2.0 * (64 * 64 + 2 * 64 * 32 + 64 * 64 + 3 * 64 * 128);
        assertEquals(2 * perLayer, new Flops(C).linearPerToken());
        // and from the model's own parameters: every 2-D weight of a layer is one matrix product per token
        try (CausalLM model = CausalLM.init(C, 1)) {
            double fromParameters = 0;
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                if (e.getKey().startsWith("model.layers.") && e.getValue().getShape().dimension() == 2) {
                    fromParameters += 2.0 * e.getValue().size();
                }
            }
            assertEquals(fromParameters, new Flops(C).linearPerToken());
        }
    }

    @Test
    void attentionGrowsWithTheKeysAndTheHeadWithTheVocabulary() {
        Flops f = new Flops(C);
        assertEquals(2 * 4.0 * 4 * 16 * 10, f.attentionPerToken(10)); // layers x (qk^T + pv) x heads x d x keys
        assertEquals(2.0 * 64 * 100, f.headPerPosition());
        assertEquals(5 * (f.linearPerToken() + f.attentionPerToken(5)) + 5 * f.headPerPosition(), f.forward(5));
    }

    @Test
    void backwardCostsTwiceTheForwardWhenWeightsLearnAndLessWhenTheyAreFrozen() {
        Flops f = new Flops(C);
        assertEquals(3 * f.forward(32), f.trainingStep(32));
        double frozen = f.frozenForwardBackward(32, 32);
        assertTrue(frozen > 2 * f.forward(32) && frozen < 3 * f.forward(32), "frozen " + frozen);
        // attribution: the head on the 4 answer positions only, in the 16 path rows and in F(x), F(x')
        double head = f.headPerPosition();
        assertEquals(frozen - 2 * 28 * head, f.frozenForwardBackward(32, 4));
        assertEquals(16 * f.frozenForwardBackward(32, 4) + 2 * (f.forward(32) - 28 * head), f.integratedGradients(32, 16, 4));
    }

    @Test
    void theCacheSavesWorkFromTheSecondNewTokenOn() {
        Flops f = new Flops(C);
        // one new token: the same prompt pass, but the cached decoder runs the head on the last position only
        assertEquals(f.generationUncached(20, 1) - 19 * f.headPerPosition(), f.generationCached(20, 1));
        assertTrue(f.generationCached(20, 8) < f.generationUncached(20, 8) / 4);
        // one cached step: one position through the layers, attending to prompt + n keys, and one head row
        assertEquals(f.linearPerToken() + f.attentionPerToken(21) + f.headPerPosition(),
                f.generationCached(20, 2) - f.generationCached(20, 1));
    }
}

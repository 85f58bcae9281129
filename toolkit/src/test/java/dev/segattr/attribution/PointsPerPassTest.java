package dev.segattr.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** K chosen per sequence ({@code --batch auto}): the arithmetic of the two bounds, and results equal to K = 1. */
class PointsPerPassTest {

    static final long MB = 1L << 20;

    @Test
    void kStopsWhereALargerPassNoLongerHelps() {
        // 4096 rows / 512 tokens = 8 points per pass help; 50 points need 7 passes of at most 8: K = ceil(50 / 7) = 8
        assertEquals(8, PointsPerPass.choose(512, 50, 0, Long.MAX_VALUE));
        // 4096 / 100 = 40.96, so 41 help; 50 points in 2 passes: K = 25, not 41 + 9
        assertEquals(25, PointsPerPass.choose(100, 50, 0, Long.MAX_VALUE));
        // never more than the J points there are
        assertEquals(10, PointsPerPass.choose(100, 10, 0, Long.MAX_VALUE));
        // a sequence longer than the saturating rows: one point per pass
        assertEquals(1, PointsPerPass.choose(8192, 50, 0, Long.MAX_VALUE));
    }

    @Test
    void kStopsWhereThePassNoLongerFits() {
        // 8 would help at 512 tokens, but 350 MB / 100 MB per point fit 3: 50 points in 17 passes, K = ceil(50/17) = 3
        assertEquals(3, PointsPerPass.choose(512, 50, 100 * MB, 350 * MB));
        // less memory than one point needs still runs one point per pass
        assertEquals(1, PointsPerPass.choose(512, 50, 100 * MB, 10 * MB));
    }

    @Test
    void theBudgetIsAShareOfAvailableMemory() {
        long budget = PointsPerPass.memoryBudget();
        assertTrue(budget > 0 && budget < Runtime.getRuntime().maxMemory() * 1000L, "budget " + budget);
    }

    @Test
    void autoKGivesTheAttributionsOfOnePointPerPass() {
        // A real decoder (fused attention, grouped-query heads): 24 tokens and 16 points give K = min(16, 4096/24) = 16,
        // one pass of 16 against 16 passes of 1. Same points, same weights: equal up to float32 rounding.
        ModelConfig config = ModelConfig.of("qwen3", 64, 32, 64, 2, 4, 2, 8).withTokens(null, List.of(1L), 0L);
        long[] ids = new Random(3).longs(24, 1, 64).toArray();
        try (CausalLM lm = CausalLM.init(config, 5)) {
            EmbeddingModel model = EmbeddingModel.of(lm);
            var options = IntegratedGradients.Options.reference(Baseline.token(0)).withPoints(PointScheme.REFERENCE, 16);
            IntegratedGradients auto = new IntegratedGradients(model, options.withAutoBatch());
            assertEquals(16, auto.pointsPerPass(ids.length));
            TokenAttribution a = auto.attribute(ids, 20, 24);
            TokenAttribution one = new IntegratedGradients(model, options.withBatch(1)).attribute(ids, 20, 24);
            assertEquals(16, a.pointsPerPass());
            assertEquals(1, one.pointsPerPass());
            assertTrue(a.settings().contains("batch auto"), a.settings());
            double scale = 0;
            for (double v : one.attributions()) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 0);
            for (int i = 0; i < ids.length; i++) {
                assertEquals(one.attributions()[i], a.attributions()[i], 1e-5 * scale, "token " + i);
            }
            assertEquals(one.convergenceDelta(), a.convergenceDelta(), 1e-5 * scale);
        }
    }
}

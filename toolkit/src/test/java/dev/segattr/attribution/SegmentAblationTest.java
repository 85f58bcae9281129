package dev.segattr.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Leave-one-segment-out importance against a direct computation: for each segment, cut its tokens out, run the
 * shortened sequence alone through the model (no padding, no batching) and take log p of the answer tokens.
 */
class SegmentAblationTest {

    static CausalLM model;
    // 20 tokens: prompt [0, 3), segments [3, 7) [7, 8) [8, 8) [8, 15), suffix [15, 17), answer [17, 20)
    static final long[] IDS = new Random(9).longs(20, 1, 48).toArray();
    static final int[][] SEGMENTS = {{3, 7}, {7, 8}, {8, 8}, {8, 15}};
    static final int FROM = 17;
    static final int TO = 20;

    @BeforeAll
    static void setUp() {
        model = CausalLM.init(ModelConfig.of("qwen3", 48, 32, 64, 2, 4, 2, 8).withTokens(null, List.of(1L), 0L), 4);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    /** sum over the answer tokens of log_softmax(logits[p - 1])[ids[p]], for ids alone; the answer is the last TO - FROM tokens. */
    static double direct(long[] ids) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = model.forwardIds(m.create(ids, new Shape(1, ids.length)), null).logSoftmax(2); // (1, T, V)
            float[] flat = logp.toFloatArray();
            int v = (int) model.config().vocabSize();
            double f = 0;
            for (int p = ids.length - (TO - FROM); p < ids.length; p++) {
                f += flat[(p - 1) * v + (int) ids[p]];
            }
            return f;
        }
    }

    static long[] cut(long[] ids, int[] r) {
        long[] out = new long[ids.length - (r[1] - r[0])];
        System.arraycopy(ids, 0, out, 0, r[0]);
        System.arraycopy(ids, r[1], out, r[0], ids.length - r[1]);
        return out;
    }

    @Test
    void importanceIsTheDropInTheAnswerLogprobWhenASegmentIsCutOut() {
        double full = direct(IDS);
        for (int rows : new int[] {0, 2}) { // all 4 rows (full + 3 non-empty segments) in one pass; 2 per pass
            SegmentAblation.Result r = new SegmentAblation(model, rows).score(IDS, FROM, TO, SEGMENTS);
            assertEquals(rows == 0 ? 1 : 2, r.passes(), "rows " + rows);
            assertEquals(full, r.full(), 1e-4);
            for (int s = 0; s < SEGMENTS.length; s++) {
                double without = direct(cut(IDS, SEGMENTS[s]));   // the empty segment: the full sequence again
                assertEquals(without, r.without()[s], 1e-4, "segment " + s);
                assertEquals(full - without, r.importance()[s], 1e-4, "segment " + s);
            }
            assertEquals(0, r.importance()[2], "no tokens, nothing removed");
        }
    }

    @Test
    void segmentsMustLieBeforeTheAnswer() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SegmentAblation(model).score(IDS, FROM, TO, new int[][] {{10, 18}}));
        assertEquals("segment tokens [10, 18) must lie before the answer at 17", e.getMessage());
        assertEquals(Arrays.toString(new double[0]),
                Arrays.toString(new SegmentAblation(model).score(IDS, FROM, TO, new int[0][]).importance()));
    }
}

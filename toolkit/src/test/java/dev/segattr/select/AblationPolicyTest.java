package dev.segattr.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AblationPolicyTest {

    /**
     * Seven segments of two tokens; importance (drop in log p of the answer without the segment):
     * s0 0.5, s1 2, s2 -1, s3 6, s4 2, s5 0, s6 0.1. Positive total 10.6; ranked s3 (6), s1 (2), s4 (2), s0, s6:
     * the running sum reaches 6/10.6 = .57, 8/10.6 = .75, 10/10.6 = .94.
     */
    static ScoredTrace handMade() {
        List<double[]> tokens = List.of(new double[2], new double[2], new double[2], new double[2], new double[2],
                new double[2], new double[2]);
        return new ScoredTrace("t", null, null, tokens, null, null, new double[] {0.5, 2, -1, 6, 2, 0, 0.1});
    }

    @Test
    void mostImportantSegmentsUntilTauOfThePositiveImportancePlusTheAlwaysKept() {
        // tau .7: s3 (.57), then s1 (.75 >= .7) stop; plus 0, 5, 6
        Selection s = SelectionPolicy.ablation(0.7).select(handMade());
        assertArrayEquals(new int[] {0, 1, 3, 5, 6}, s.segments());
        assertEquals(10, s.supervisedTokens());
        // tau .9: s3, s1, s4 (the tie s1/s4 in segment order), .94; s2 (negative) never
        assertArrayEquals(new int[] {0, 1, 3, 4, 5, 6}, SelectionPolicy.ablation(0.9).select(handMade()).segments());
        assertEquals("ablation(tau=0.7)", SelectionPolicy.ablation(0.7).describe());
    }

    @Test
    void aTraceWithoutAblationScoresIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> SelectionPolicy.ablation(0.7)
                .select(ScoredTrace.ofAttributions("u", List.of(new double[] {1}))));
        assertEquals("trace u has no segment_ablation (run segattr ablate first)", e.getMessage());
    }
}

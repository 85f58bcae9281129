package dev.segattr.select;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentMetricsTest {

    @Test
    void strengthAndConsistencyFollowTheFormulas() {
        SegmentMetrics m = SegmentMetrics.of(List.of(
                new double[] {1, -1},            // sum|a| 2, N 2: raw sqrt(2), consistency 0
                new double[] {3},                // raw 3, consistency 1
                new double[] {0.5, 0.5, 0.5, -0.5})); // raw 2 / 2 = 1, consistency 1/2
        double total = Math.sqrt(2) + 3 + 1;
        assertEquals(Math.sqrt(2), m.rawStrength(0), 1e-12);
        assertEquals(Math.sqrt(2) / total, m.strength(0), 1e-12);
        assertEquals(3 / total, m.strength(1), 1e-12);
        assertEquals(1 / total, m.strength(2), 1e-12);
        assertEquals(1.0, m.strength(0) + m.strength(1) + m.strength(2), 1e-12);
        assertEquals(0.0, m.consistency(0), 1e-12);
        assertEquals(1.0, m.consistency(1), 1e-12);
        assertEquals(0.5, m.consistency(2), 1e-12);
        assertEquals(7, m.totalTokens());
        assertFalse(m.zeroTotal());
    }

    @Test
    void consistencyIsOneWhenAllTokensPushTheSameWayEvenNegatively() {
        SegmentMetrics m = SegmentMetrics.of(List.of(new double[] {-0.1, -0.2, -0.3}));
        assertEquals(1.0, m.consistency(0), 0);
        assertEquals(1.0, m.strength(0), 0);
    }

    @Test
    void emptyAndZeroSegmentsGetStandInsAndAStatusNotNaN() {
        SegmentMetrics m = SegmentMetrics.of(List.of(new double[] {2}, new double[0], new double[] {0, 0}));
        assertEquals(SegmentStatus.OK, m.status(0));
        assertEquals(SegmentStatus.NO_TOKENS, m.status(1));
        assertEquals(SegmentStatus.ZERO_ATTRIBUTION, m.status(2));
        for (int s = 1; s < 3; s++) {
            assertEquals(0.0, m.strength(s), 0);
            assertEquals(0.0, m.consistency(s), 0);
        }
        assertEquals(1.0, m.strength(0), 0);
    }

    @Test
    void aTraceWithoutAnyAttributionHasZeroStrengthsAndSaysSo() {
        SegmentMetrics m = SegmentMetrics.of(List.of(new double[] {0, 0}, new double[] {0}));
        assertTrue(m.zeroTotal());
        for (double s : m.strengths()) {
            assertFalse(Double.isNaN(s));
            assertEquals(0.0, s, 0);
        }
    }

    @Test
    void nanOrInfiniteAttributionsAreRefusedNamingTheToken() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SegmentMetrics.of(List.of(new double[] {1, 2}, new double[] {Double.NaN})));
        assertEquals("segment 1 token 0: attribution is NaN", e.getMessage());
        var inf = assertThrows(IllegalArgumentException.class,
                () -> SegmentMetrics.of(List.of(new double[] {1, Double.NEGATIVE_INFINITY})));
        assertTrue(inf.getMessage().contains("segment 0 token 1"), inf.getMessage());
        var overflow = assertThrows(IllegalArgumentException.class,
                () -> SegmentMetrics.of(List.of(new double[] {Double.MAX_VALUE, Double.MAX_VALUE})));
        assertTrue(overflow.getMessage().contains("too large"), overflow.getMessage());
    }
}

package dev.segattr.select;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionPolicyTest {

    /**
     * Eight segments of two tokens; sum|a| (proportional to strength, N being equal) and consistency:
     * s0 1 (1.0), s1 4 (0.5), s2 4 (1.0), s3 10 (0.2), s4..s7 0. Total 19, so the ranking s3, s1, s2, s0
     * reaches 10/19 = .53, 14/19 = .74, 18/19 = .95, 1. s1 and s2 tie; the stable sort puts s1 first.
     */
    static ScoredTrace handMade() {
        return ScoredTrace.ofAttributions("t", List.of(
                new double[] {1, 0}, new double[] {3, -1}, new double[] {4, 0}, new double[] {6, -4},
                new double[] {0, 0}, new double[] {0, 0}, new double[] {0, 0}, new double[] {0, 0}));
    }

    @Test
    void referenceRuleTakesTheSmallestTopKThenFiltersOnConsistencyAndKeepsFirstAndLastTwo() {
        Selection s = SelectionPolicy.reference().select(handMade());
        // top-k at tau .7 = {s3, s1} (the tie s1/s2 resolved in segment order); both consistent <= .8;
        // plus 0, 6, 7.
        assertArrayEquals(new int[] {0, 1, 3, 6, 7}, s.segments());
        assertEquals(10, s.supervisedTokens());
        assertEquals(16, s.totalTokens());
        assertEquals(Selection.Level.SEGMENT, s.level());
        assertEquals("", s.note());
    }

    @Test
    void tiesKeepSegmentOrder() {
        // Swap s1 and s2: now the consistent-1 segment comes first among the tied and fills the top-k alone.
        List<double[]> a = new ArrayList<>(handMade().attributions());
        double[] s1 = a.get(1);
        a.set(1, a.get(2));
        a.set(2, s1);
        Selection s = SelectionPolicy.reference().select(ScoredTrace.ofAttributions("t", a));
        assertArrayEquals(new int[] {0, 3, 6, 7}, s.segments()); // s1 (consistency 1) taken by strength, dropped by beta
        assertArrayEquals(new int[] {0, 1, 3, 6, 7}, SelectionPolicy.strength(0.7).select(ScoredTrace.ofAttributions("t", a)).segments());
    }

    @Test
    void strengthOnlyKeepsInconsistentSegmentsTheReferenceDrops() {
        ScoredTrace t = handMade();
        // tau .9: top-k = {s3, s1, s2}; s2 has consistency 1 > .8.
        assertArrayEquals(new int[] {0, 1, 3, 6, 7}, SelectionPolicy.reference(0.9, 0.8).select(t).segments());
        assertArrayEquals(new int[] {0, 1, 2, 3, 6, 7}, SelectionPolicy.strength(0.9).select(t).segments());
    }

    @Test
    void tauAndBetaEdges() {
        ScoredTrace t = handMade();
        // tau 0: no segment by strength.
        assertArrayEquals(new int[] {0, 6, 7}, SelectionPolicy.reference(0, 0.8).select(t).segments());
        // tau 1: every segment with strength (s0..s3), never the zero ones; beta 1 keeps them all.
        assertArrayEquals(new int[] {0, 1, 2, 3, 6, 7}, SelectionPolicy.reference(1, 1).select(t).segments());
        assertArrayEquals(new int[] {3, 1, 2, 0}, new ReferencePolicy(1, 1).topK(SegmentMetrics.of(t.attributions())));
        // beta 0: only exactly-cancelling segments survive the filter (none here).
        assertArrayEquals(new int[] {0, 6, 7}, SelectionPolicy.reference(1, 0).select(t).segments());
        // a cumulative exactly at tau counts as reached: 10/19 + 4/19 = 14/19.
        assertArrayEquals(new int[] {0, 1, 3, 6, 7}, SelectionPolicy.reference(14.0 / 19, 0.8).select(t).segments());
        assertThrows(IllegalArgumentException.class, () -> SelectionPolicy.reference(1.2, 0.8));
        assertThrows(IllegalArgumentException.class, () -> SelectionPolicy.reference(0.7, -0.1));
        assertThrows(IllegalArgumentException.class, () -> SelectionPolicy.reference(Double.NaN, 0.8));
    }

    @Test
    void shortTracesKeepEverySegment() {
        assertArrayEquals(new int[] {0}, SelectionPolicy.reference().select(
                ScoredTrace.ofAttributions("one", List.of(new double[] {1, 1}))).segments());
        assertArrayEquals(new int[] {0, 1}, SelectionPolicy.reference().select(
                ScoredTrace.ofAttributions("two", List.of(new double[] {5}, new double[] {0.1}))).segments());
        assertArrayEquals(new int[] {0, 1, 2}, SelectionPolicy.reference().select(
                ScoredTrace.ofAttributions("three", List.of(new double[] {5}, new double[] {1, -1}, new double[] {0.1}))).segments());
    }

    @Test
    void zeroAttributionKeepsOnlyTheAlwaysKeptAndSaysWhy() {
        Selection s = SelectionPolicy.reference().select(ScoredTrace.ofAttributions("z",
                List.of(new double[] {0}, new double[] {0, 0}, new double[] {0}, new double[] {0}, new double[] {0})));
        assertArrayEquals(new int[] {0, 3, 4}, s.segments());
        assertTrue(s.note().startsWith("zero total attribution"), s.note());
    }

    @Test
    void nanAttributionIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> SelectionPolicy.reference().select(
                ScoredTrace.ofAttributions("bad", List.of(new double[] {1}, new double[] {2, Double.NaN}))));
        assertEquals("trace bad: segment 1 token 1: attribution is NaN", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SelectionPolicy.topTokens(Budget.ratio(0.5)).select(
                ScoredTrace.ofAttributions("bad", List.of(new double[] {Double.NaN}))));
    }

    /** Twenty segments of 1..20 tokens with arbitrary attributions. */
    static ScoredTrace manySegments(String id) {
        List<double[]> a = new ArrayList<>();
        List<double[]> lp = new ArrayList<>();
        List<double[]> h = new ArrayList<>();
        java.util.Random r = new java.util.Random(7);
        for (int s = 0; s < 20; s++) {
            double[] x = new double[s + 1];
            double[] l = new double[s + 1];
            double[] e = new double[s + 1];
            for (int n = 0; n <= s; n++) {
                x[n] = r.nextGaussian();
                l[n] = -r.nextDouble() * 3;
                e[n] = r.nextDouble() * 2;
            }
            a.add(x);
            lp.add(l);
            h.add(e);
        }
        return new ScoredTrace(id, null, a, lp, h, null);
    }

    @Test
    void randomIsSeededPerTraceAndMatchesTheReferenceTokenCount() {
        ScoredTrace t = manySegments("a");
        SelectionPolicy random = SelectionPolicy.random(Budget.matchingReference(), 42);
        Selection s1 = random.select(t);
        Selection s2 = random.select(t);
        assertArrayEquals(s1.segments(), s2.segments(), "same seed and trace: same selection");
        Selection other = SelectionPolicy.random(Budget.matchingReference(), 43).select(t);
        assertFalse(java.util.Arrays.equals(s1.segments(), other.segments()), "another seed: another selection");
        assertTrue(s1.isSelected(0) && s1.isSelected(18) && s1.isSelected(19), "always-kept segments included");
        int target = SelectionPolicy.reference().select(t).supervisedTokens();
        // The fill stops at the segment that crosses the target: at most half of a segment (<= 10 tokens) away.
        assertTrue(Math.abs(s1.supervisedTokens() - target) <= 10, s1.supervisedTokens() + " vs " + target);
        // The same trace under another id draws another order.
        assertFalse(java.util.Arrays.equals(s1.segments(), random.select(new ScoredTrace("b", null, t.attributions(), null, null, null)).segments()));
    }

    @Test
    void fixedRatioBudget() {
        ScoredTrace t = manySegments("a"); // 210 tokens
        Selection s = SelectionPolicy.random(Budget.ratio(0.5), 1).select(t);
        assertTrue(Math.abs(s.supervisedTokens() - 105) <= 10, "" + s.supervisedTokens());
        assertEquals(105, SelectionPolicy.topTokens(Budget.ratio(0.5)).select(t).supervisedTokens());
    }


    @Test
    void randomOnTokenCountsAloneIsTheRandomPolicyAtAnExactBudget() {
        ScoredTrace t = manySegments("a"); // 210 tokens in 20 segments
        Selection policy = SelectionPolicy.random(Budget.exactly(60), 7).select(t);
        Selection counts = SelectionPolicy.randomSegments("a", t.tokenCounts(), 60, 7);
        assertArrayEquals(policy.segments(), counts.segments(), "same id, counts, budget and seed: same segments");
        assertEquals(60, Budget.exactly(60).tokens(t));
        assertEquals(60, SelectionPolicy.topTokens(Budget.exactly(60)).select(t).supervisedTokens());
    }
    @Test
    void perplexityAndEntropyRankSegmentsByTheirMeans() {
        // Six segments of 2 tokens.
        List<double[]> lp = List.of(new double[] {-0.1, -0.1}, new double[] {-3, -3}, new double[] {-0.2, -0.2},
                new double[] {-2, -1}, new double[] {-0.1, -0.1}, new double[] {-0.1, -0.1});
        List<double[]> h = List.of(new double[] {1, 1}, new double[] {0.1, 0.1}, new double[] {3, 3},
                new double[] {0.2, 0.2}, new double[] {1, 1}, new double[] {1, 1});
        ScoredTrace t = new ScoredTrace("p", null, null, lp, h, null);
        // Always kept: 0, 4, 5 = 6 tokens; budget 8 adds one segment.
        Budget eight = Budget.ratio(8.0 / 12);
        assertArrayEquals(new int[] {0, 1, 4, 5}, SelectionPolicy.perplexity(eight).select(t).segments());
        assertArrayEquals(new int[] {0, 2, 4, 5}, SelectionPolicy.entropy(eight).select(t).segments());
        // Budget 10: the next in rank joins (perplexity: segment 3, mean -1.5).
        assertArrayEquals(new int[] {0, 1, 3, 4, 5}, SelectionPolicy.perplexity(Budget.ratio(10.0 / 12)).select(t).segments());
        var e = assertThrows(IllegalArgumentException.class, () -> SelectionPolicy.perplexity(eight).select(handMade()));
        assertTrue(e.getMessage().contains("no token log-probs"), e.getMessage());
    }

    @Test
    void topTokensTakesLargestAbsoluteAttributionsWithTiesInTokenOrder() {
        ScoredTrace t = ScoredTrace.ofAttributions("tok", List.of(
                new double[] {0.1, -5, 0.2}, new double[] {2, -2}, new double[] {0.3}));
        Selection s = SelectionPolicy.topTokens(Budget.ratio(2.0 / 6)).select(t);
        assertEquals(Selection.Level.TOKEN, s.level());
        assertArrayEquals(new boolean[] {false, true, false}, s.tokenMask().get(0));
        assertArrayEquals(new boolean[] {true, false}, s.tokenMask().get(1)); // 2 and -2 tie: the first wins
        assertArrayEquals(new boolean[] {false}, s.tokenMask().get(2));
        assertArrayEquals(new int[] {0, 1}, s.segments());
        assertArrayEquals(new int[] {1}, s.selectedTokenIndices().get(0));
    }

    @Test
    void aSegmentLevelSelectionMasksWholeSegments() {
        Selection s = SelectionPolicy.reference().select(handMade());
        assertArrayEquals(new boolean[] {true, true}, s.tokenMask().get(1));
        assertArrayEquals(new boolean[] {false, false}, s.tokenMask().get(2));
        assertEquals(10.0 / 16, s.tokenRatio(), 1e-12);
    }
}

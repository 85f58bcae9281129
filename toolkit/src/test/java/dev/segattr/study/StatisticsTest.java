package dev.segattr.study;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Small cases whose figures are worked out by hand beside each assert. */
class StatisticsTest {

    private static final int B = 20_000;

    @Test
    void wilsonIntervalOfEightOutOfTen() {
        // p = 0.8, z^2 = 3.841459; centre = (0.8 + 3.841459/20) / (1 + 3.841459/10) = 0.992073 / 1.384146 = 0.716740
        // half = z sqrt(0.8*0.2/10 + z^2/400) / 1.384146 = 1.959964 * sqrt(0.0256036) / 1.384146 = 0.226578
        Statistics.Interval w = Statistics.wilson(8, 10);
        assertEquals(0.8, w.estimate(), 1e-12);
        assertEquals(0.716740 - 0.226578, w.low(), 1e-5);
        assertEquals(0.716740 + 0.226578, w.high(), 1e-5);
        // 0 of 10: centre = (0 + 0.192073)/1.384146 = 0.138767 = half, so the interval is [0, 0.277535]
        Statistics.Interval none = Statistics.wilson(0, 10);
        assertEquals(0, none.low(), 1e-12);
        assertEquals(0.277535, none.high(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> Statistics.wilson(3, 2));
    }

    @Test
    void exactMcNemarIsTwiceTheSmallerBinomialTail() {
        // b = 1, c = 5: n = 6, P(X <= 1) = (C(6,0) + C(6,1)) / 2^6 = 7/64, p = 14/64
        assertEquals(14.0 / 64, Statistics.mcnemarExact(1, 5), 1e-12);
        // b = 0, c = 6: P(X <= 0) = 1/64, p = 2/64
        assertEquals(2.0 / 64, Statistics.mcnemarExact(0, 6), 1e-12);
        // b = c = 3: 2 * (1 + 6 + 15 + 20)/64 = 84/64 > 1, capped
        assertEquals(1.0, Statistics.mcnemarExact(3, 3), 1e-12);
        // no discordant pair: nothing to tell the methods apart
        assertEquals(1.0, Statistics.mcnemarExact(0, 0), 1e-12);
        // symmetric in b and c
        assertEquals(Statistics.mcnemarExact(9, 2), Statistics.mcnemarExact(2, 9), 1e-15);
    }

    @Test
    void discordantPairsCountEachWay() {
        //            right/right  A only  B only  wrong/wrong  A only
        boolean[] a = {true, true, false, false, true};
        boolean[] b = {true, false, true, false, false};
        assertArrayEquals(new int[] {2, 1}, Statistics.discordant(a, b));
    }

    @Test
    void bootstrapMeanOfTwoProblemsSpansBoth() {
        // rows 0 and 1: a resampled mean is 0 (1/4), 0.5 (1/2) or 1 (1/4); 25% > 2.5% at each end, so [0, 1]
        Statistics.Interval i = Statistics.bootstrapMean(new double[][] {{0}, {1}}, B, 1);
        assertEquals(0.5, i.estimate(), 1e-12);
        assertEquals(0.0, i.low(), 1e-12);
        assertEquals(1.0, i.high(), 1e-12);
    }

    @Test
    void bootstrapMeanOfOneInFour() {
        // rows 0,0,0,1: the resampled sum is Bin(4, 1/4); P(sum = 0) = 81/256 = 0.32 > 2.5%, so the low end is 0;
        // P(sum = 4) = 1/256 = 0.4% < 2.5% < P(sum >= 3) = 13/256 = 5.1%, so the high end is 3/4
        Statistics.Interval i = Statistics.bootstrapMean(new double[][] {{0}, {0}, {0}, {1}}, B, 2);
        assertEquals(0.25, i.estimate(), 1e-12);
        assertEquals(0.0, i.low(), 1e-12);
        assertEquals(0.75, i.high(), 1e-12);
    }

    @Test
    void aProblemsSeedsStayTogether() {
        // two problems, two seeds each, and each problem is solved by exactly one of its seeds: every problem's
        // seed mean is 0.5, so every resample of problems has mean 0.5. (Resampling the four cells one by one
        // would give an interval as wide as [0, 1]: the seeds are not independent draws of problems.)
        Statistics.Interval i = Statistics.bootstrapMean(new double[][] {{1, 0}, {0, 1}}, B, 3);
        assertEquals(0.5, i.estimate(), 1e-12);
        assertEquals(0.5, i.low(), 1e-12);
        assertEquals(0.5, i.high(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Statistics.bootstrapMean(new double[][] {{1, 0}, {1}}, 10, 1));
    }

    @Test
    void pairedBootstrapWhereAWinsEveryProblem() {
        // A right on all 5 problems, B on none: every difference is 1, every resampled mean difference is 1,
        // no draw at or below 0: p = 2 (1 + 0) / (B + 1)
        double[][] a = {{1}, {1}, {1}, {1}, {1}};
        double[][] b = {{0}, {0}, {0}, {0}, {0}};
        Statistics.Paired p = Statistics.pairedBootstrap(a, b, B, 4);
        assertEquals(1.0, p.difference().estimate(), 1e-12);
        assertEquals(1.0, p.difference().low(), 1e-12);
        assertEquals(1.0, p.difference().high(), 1e-12);
        assertEquals(2.0 / (B + 1), p.p(), 1e-12);
        // the same method against itself: every draw is 0, both sides hold all B, p = min(1, 2 (1 + B) / (B + 1)) = 1
        assertEquals(1.0, Statistics.pairedBootstrap(a, a, B, 4).p(), 1e-12);
    }

    @Test
    void pairedBootstrapCancelsWhatTheProblemsShare() {
        // problem difficulty varies widely (lengths 100, 300, 500), but A is 10 tokens shorter on every one:
        // every difference is -10, so the interval is exactly [-10, -10] although each mean alone is uncertain
        double[][] a = {{90}, {290}, {490}};
        double[][] b = {{100}, {300}, {500}};
        Statistics.Paired p = Statistics.pairedBootstrap(a, b, B, 5);
        assertEquals(-10, p.difference().low(), 1e-9);
        assertEquals(-10, p.difference().high(), 1e-9);
        Statistics.Interval alone = Statistics.bootstrapMean(a, B, 5);
        // alone, resamples range from 90 (all the first problem, 1/27) to 490 (1/27 = 3.7% > 2.5%)
        assertEquals(90, alone.low(), 1e-9);
        assertEquals(490, alone.high(), 1e-9);
    }

    @Test
    void pairedRatioOfMeans() {
        // A writes twice as much as B on every problem: every resampled ratio is exactly 2; estimate (2+4)/(1+2) = 2
        Statistics.Interval r = Statistics.pairedRatio(new double[][] {{2}, {4}}, new double[][] {{1}, {2}}, B, 6);
        assertEquals(2, r.estimate(), 1e-12);
        assertEquals(2, r.low(), 1e-12);
        assertEquals(2, r.high(), 1e-12);
    }

    @Test
    void seedSpreadIsTheStandardDeviationOfPerSeedMeans() {
        // seed 0 solves 3 of 4 (0.75), seed 1 solves 1 of 4 (0.25): mean 0.5, sd = sqrt((0.25^2 + 0.25^2) / 1) = 0.353553
        double[][] v = {{1, 0}, {1, 0}, {0, 0}, {1, 1}};
        assertEquals(Math.sqrt(0.125), Statistics.seedSpread(v), 1e-12);
        assertEquals(0.5, Statistics.mean(v), 1e-12);
        assertEquals(0, Statistics.seedSpread(new double[][] {{1}, {0}}), 1e-12);
    }

    @Test
    void type7Quantiles() {
        // sorted 1, 2, 3, 4: q = 0.5 at position 1.5 -> 2.5; q = 0.9 at position 2.7 -> 3.7
        double[] s = {1, 2, 3, 4};
        assertEquals(2.5, Statistics.quantile(s, 0.5), 1e-12);
        assertEquals(3.7, Statistics.quantile(s, 0.9), 1e-12);
    }
}

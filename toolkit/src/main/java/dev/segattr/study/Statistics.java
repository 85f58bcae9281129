package dev.segattr.study;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The study's uncertainty figures, on per-problem outcomes of several fine-tuning seeds.
 *
 * <p>The data of one method is a matrix {@code values[problem][seed]} (1/0 for correct, or output tokens). The
 * figure reported is the grand mean. Its interval comes from a bootstrap over <em>problems</em> that keeps each
 * problem's seeds together (a cluster bootstrap): the same problem answered by three seeds is not three independent
 * observations, so resampling cells would make the interval too narrow. The interval therefore covers the problem
 * sampling and, through the per-problem seed means, the between-seed variation on those problems; it does not
 * treat the three seeds as a sample of all possible seeds (the between-seed spread is reported beside it).
 *
 * <p>Two methods are compared on the same problems: the paired bootstrap resamples problems and recomputes the
 * difference of the two grand means with the same draw, so what the problems have in common cancels. Its two-sided
 * p-value is {@code min(1, 2 (1 + #{d* <= 0 or >= 0, the smaller side}) / (B + 1))} (Davison and Hinkley's +1 keeps
 * it above 0). The exact McNemar test on one seed of each method (binary outcomes on the same problems) is the
 * classical check beside it.
 *
 * <p>Percentile intervals, type-7 quantiles (linear between order statistics, as numpy's default).
 */
public final class Statistics {

    /** 1.959964 = the 97.5% point of the standard normal. */
    static final double Z95 = 1.959963984540054;

    /** A figure and its 95% interval. */
    public record Interval(double estimate, double low, double high) {
    }

    /** A paired comparison of A against B: the difference A - B with its interval, and the two-sided p-value of "no difference". */
    public record Paired(Interval difference, double p) {
    }

    private Statistics() {
    }

    /** The Wilson score interval (95%) of a proportion: better than the normal one near 0 and 1 and for small n. */
    public static Interval wilson(int successes, int n) {
        if (n <= 0 || successes < 0 || successes > n) {
            throw new IllegalArgumentException("wilson: " + successes + " of " + n);
        }
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new Interval(p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * The exact two-sided McNemar test: of the {@code b + c} discordant pairs (A right and B wrong: b; the other way:
     * c), under "no difference" each is either way with probability 1/2, so p = 2 P(X <= min(b, c)), X ~ Bin(b + c, 1/2),
     * capped at 1. No discordant pair: p = 1.
     */
    public static double mcnemarExact(int b, int c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("mcnemar: negative count " + b + ", " + c);
        }
        int n = b + c;
        int k = Math.min(b, c);
        double tail = 0;
        for (int i = 0; i <= k; i++) {
            tail += Math.exp(logChoose(n, i) - n * Math.log(2));
        }
        return Math.min(1, 2 * tail);
    }

    /** Discordant pairs of two binary outcome vectors on the same problems: {A right and B wrong, A wrong and B right}. */
    public static int[] discordant(boolean[] a, boolean[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired outcomes of " + a.length + " and " + b.length + " problems");
        }
        int[] bc = new int[2];
        for (int i = 0; i < a.length; i++) {
            if (a[i] && !b[i]) {
                bc[0]++;
            } else if (!a[i] && b[i]) {
                bc[1]++;
            }
        }
        return bc;
    }

    /** The grand mean of {@code values[problem][seed]} (every problem has the same number of seeds). */
    public static double mean(double[][] values) {
        return average(rowMeans(values));
    }

    /** The grand mean with its 95% interval from {@code resamples} bootstrap draws of problems (seeds kept together). */
    public static Interval bootstrapMean(double[][] values, int resamples, long seed) {
        double[] rows = rowMeans(values);
        double[] stats = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            double sum = 0;
            for (int i = 0; i < rows.length; i++) {
                sum += rows[random.nextInt(rows.length)];
            }
            stats[b] = sum / rows.length;
        }
        return interval(average(rows), stats);
    }

    /** mean(A) - mean(B) on the same problems, with its paired-bootstrap interval and two-sided p-value. */
    public static Paired pairedBootstrap(double[][] a, double[][] b, int resamples, long seed) {
        double[] ra = rowMeans(a);
        double[] rb = rowMeans(b);
        if (ra.length != rb.length) {
            throw new IllegalArgumentException("paired comparison of " + ra.length + " and " + rb.length + " problems");
        }
        double[] d = new double[ra.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = ra[i] - rb[i];
        }
        double[] stats = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        int atOrBelow = 0;
        int atOrAbove = 0;
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < d.length; i++) {
                sum += d[random.nextInt(d.length)];
            }
            stats[r] = sum / d.length;
            atOrBelow += stats[r] <= 0 ? 1 : 0;
            atOrAbove += stats[r] >= 0 ? 1 : 0;
        }
        double p = Math.min(1, 2.0 * (1 + Math.min(atOrBelow, atOrAbove)) / (resamples + 1));
        return new Paired(interval(average(d), stats), p);
    }

    /** mean(A) / mean(B) on the same problems (for output lengths: "0.8x full's"), with its paired-bootstrap interval. */
    public static Interval pairedRatio(double[][] a, double[][] b, int resamples, long seed) {
        double[] ra = rowMeans(a);
        double[] rb = rowMeans(b);
        if (ra.length != rb.length) {
            throw new IllegalArgumentException("paired ratio of " + ra.length + " and " + rb.length + " problems");
        }
        double[] stats = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < resamples; r++) {
            double sa = 0;
            double sb = 0;
            for (int i = 0; i < ra.length; i++) {
                int k = random.nextInt(ra.length);
                sa += ra[k];
                sb += rb[k];
            }
            stats[r] = sa / sb;
        }
        return interval(average(ra) / average(rb), stats);
    }

    /** The sample standard deviation of the per-seed means (0 with one seed): how much the seeds disagree. */
    public static double seedSpread(double[][] values) {
        int seeds = values.length == 0 ? 0 : values[0].length;
        if (seeds < 2) {
            return 0;
        }
        double[] perSeed = new double[seeds];
        for (double[] row : values) {
            for (int s = 0; s < seeds; s++) {
                perSeed[s] += row[s] / values.length;
            }
        }
        double m = average(perSeed);
        double ss = 0;
        for (double v : perSeed) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (seeds - 1));
    }

    /** Type-7 quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static Interval interval(double estimate, double[] stats) {
        double[] sorted = stats.clone();
        Arrays.sort(sorted);
        return new Interval(estimate, quantile(sorted, 0.025), quantile(sorted, 0.975));
    }

    private static double[] rowMeans(double[][] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no problems");
        }
        int seeds = values[0].length;
        double[] rows = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i].length != seeds || seeds == 0) {
                throw new IllegalArgumentException("problem " + i + " has " + values[i].length + " seeds, problem 0 has " + seeds);
            }
            rows[i] = average(values[i]);
        }
        return rows;
    }

    private static double average(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }
}

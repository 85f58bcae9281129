package dev.segattr.select;

import java.util.Arrays;
import java.util.List;

/**
 * The two numbers METHOD.md section 3 gives every segment of a trace, from its tokens' attributions.
 *
 * <p>For a segment with N tokens and attributions a_1..a_N:
 * <ul>
 *   <li><b>strength</b> = sum|a_n| / sqrt(N), then divided by the trace's total so that the segments' strengths
 *       sum to 1 ({@link #rawStrength(int)} keeps the value before that division);</li>
 *   <li><b>consistency</b> = |sum a_n| / sum|a_n|, in [0, 1]: 1 when every token pushes the same way.</li>
 * </ul>
 *
 * <p>Where the formulas divide by zero, the reference code writes NaN; here nothing is NaN and the
 * {@link SegmentStatus} says why a value is a stand-in:
 * <ul>
 *   <li>a segment with no tokens ({@link SegmentStatus#NO_TOKENS}: its chars all lie inside a token that
 *       started in the segment before) has strength 0 and consistency 0;</li>
 *   <li>a segment whose attributions are all exactly 0 ({@link SegmentStatus#ZERO_ATTRIBUTION}) has strength 0
 *       and consistency 0;</li>
 *   <li>when every segment of the trace has raw strength 0, every normalised strength is 0 (not 1/M) and
 *       {@link #zeroTotal()} is true; policies then choose on nothing but their always-kept segments.</li>
 * </ul>
 * A consistency of 0 from a stand-in never selects a segment by itself: such a segment has strength 0 and
 * so never enters the top of the strength ranking while any other segment has strength.
 *
 * <p>NaN or infinite attributions are refused with an {@link IllegalArgumentException} naming the segment and
 * the token: they mean the attribution failed, and a metric computed from them would hide it.
 */
public final class SegmentMetrics {

    private final int[] tokens;
    private final double[] raw;
    private final double[] strength;
    private final double[] consistency;
    private final SegmentStatus[] status;
    private final boolean zeroTotal;

    private SegmentMetrics(int[] tokens, double[] raw, double[] strength, double[] consistency,
                           SegmentStatus[] status, boolean zeroTotal) {
        this.tokens = tokens;
        this.raw = raw;
        this.strength = strength;
        this.consistency = consistency;
        this.status = status;
        this.zeroTotal = zeroTotal;
    }

    /** The metrics of a trace from its token attributions, one array per segment (in segment order). */
    public static SegmentMetrics of(List<double[]> attributions) {
        int m = attributions.size();
        int[] tokens = new int[m];
        double[] raw = new double[m];
        double[] consistency = new double[m];
        SegmentStatus[] status = new SegmentStatus[m];
        for (int s = 0; s < m; s++) {
            double[] a = attributions.get(s);
            tokens[s] = a.length;
            double sum = 0;
            double sumAbs = 0;
            for (int n = 0; n < a.length; n++) {
                if (!Double.isFinite(a[n])) {
                    throw new IllegalArgumentException("segment " + s + " token " + n + ": attribution is " + a[n]);
                }
                sum += a[n];
                sumAbs += Math.abs(a[n]);
            }
            if (!Double.isFinite(sumAbs)) {
                throw new IllegalArgumentException("segment " + s + ": attributions too large, their absolute sum is " + sumAbs);
            }
            if (a.length == 0) {
                status[s] = SegmentStatus.NO_TOKENS;
            } else if (sumAbs == 0) {
                status[s] = SegmentStatus.ZERO_ATTRIBUTION;
            } else {
                status[s] = SegmentStatus.OK;
                raw[s] = sumAbs / Math.sqrt(a.length);
                // |sum a| <= sum |a| holds exactly only in exact arithmetic: clamp the last ulp away.
                consistency[s] = Math.min(1.0, Math.abs(sum) / sumAbs);
            }
        }
        double total = 0;
        for (double r : raw) {
            total += r;
        }
        if (!Double.isFinite(total)) {
            // Finite attributions can still overflow a sum (values near Double.MAX_VALUE): say so, do not divide.
            throw new IllegalArgumentException("attributions too large: their segment strengths sum to " + total);
        }
        double[] strength = new double[m];
        if (total > 0) {
            for (int s = 0; s < m; s++) {
                strength[s] = raw[s] / total;
            }
        }
        return new SegmentMetrics(tokens, raw, strength, consistency, status, total == 0);
    }

    /** Number of segments M. */
    public int size() {
        return tokens.length;
    }

    /** Number of tokens of segment s. */
    public int tokens(int s) {
        return tokens[s];
    }

    public int totalTokens() {
        return Arrays.stream(tokens).sum();
    }

    /** Normalised strength of segment s: the strengths of a trace sum to 1 (or are all 0, see {@link #zeroTotal()}). */
    public double strength(int s) {
        return strength[s];
    }

    /** sum|a| / sqrt(N) before the normalisation within the trace. */
    public double rawStrength(int s) {
        return raw[s];
    }

    /** |sum a| / sum|a| in [0, 1]; 0 where undefined (see {@link #status(int)}). */
    public double consistency(int s) {
        return consistency[s];
    }

    public SegmentStatus status(int s) {
        return status[s];
    }

    /** True when no segment has any attribution: the strengths are all 0 and rank nothing. */
    public boolean zeroTotal() {
        return zeroTotal;
    }

    public int[] tokenCounts() {
        return tokens.clone();
    }

    public double[] strengths() {
        return strength.clone();
    }

    public double[] consistencies() {
        return consistency.clone();
    }

    public SegmentStatus[] statuses() {
        return status.clone();
    }

    @Override
    public String toString() {
        return "SegmentMetrics(M=" + size() + ", strength=" + Arrays.toString(strength)
                + ", consistency=" + Arrays.toString(consistency) + ")";
    }
}

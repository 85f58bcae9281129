package dev.segattr.attribution;

import java.util.Arrays;

/**
 * Integrated gradients of one sequence: a signed attribution for every token, and the figures that judge them.
 *
 * @param attributions     a_i = sum over the hidden dimension of (x_i - x'_i) * (weighted mean gradient)_i, one per
 *                         token of the whole sequence (prompt, trace and answer suffix); not normalised
 * @param targetLogprob    F(x): the sum of log p(answer tokens) at the input
 * @param baselineLogprob  F(x'): the same at the baseline
 * @param convergenceDelta sum_i a_i - (F(x) - F(x')): the quadrature's error, by completeness
 * @param status           whether the attributions are usable, and why not
 * @param reason           a one-line explanation when the status is not OK, else empty
 * @param settings         what produced them ("reference(50), pad, batch 10, float32")
 * @param seconds          wall time
 * @param pointsPerPass    K, path points per forward+backward pass that were used (chosen per sequence under
 *                         {@code batch auto}); 0 when not known
 */
public record TokenAttribution(double[] attributions, double targetLogprob, double baselineLogprob,
                               double convergenceDelta, AttributionStatus status, String reason, String settings,
                               double seconds, int pointsPerPass) {

    public TokenAttribution {
        attributions = attributions.clone();
        reason = reason == null ? "" : reason;
    }

    /** Without the points per pass (0: not known), as before that was recorded. */
    public TokenAttribution(double[] attributions, double targetLogprob, double baselineLogprob,
                            double convergenceDelta, AttributionStatus status, String reason, String settings,
                            double seconds) {
        this(attributions, targetLogprob, baselineLogprob, convergenceDelta, status, reason, settings, seconds, 0);
    }

    @Override
    public double[] attributions() {
        return attributions.clone();
    }

    public int length() {
        return attributions.length;
    }

    public double sum() {
        double s = 0;
        for (double a : attributions) {
            s += a;
        }
        return s;
    }

    /** |delta| / |F(x) - F(x')| (infinite when the difference is 0 and the delta is not). */
    public double relativeDelta() {
        double gap = Math.abs(targetLogprob - baselineLogprob);
        double d = Math.abs(convergenceDelta);
        return d == 0 ? 0 : d / gap;
    }

    /** The attributions divided by their L2 norm over the whole sequence, as the reference code stores them. */
    public double[] l2Normalised() {
        double norm = 0;
        for (double a : attributions) {
            norm += a * a;
        }
        norm = Math.sqrt(norm);
        double[] out = attributions.clone();
        if (norm > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= norm;
            }
        }
        return out;
    }

    /** The attributions of tokens [from, to). */
    public double[] slice(int from, int to) {
        return Arrays.copyOfRange(attributions, from, to);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "TokenAttribution(%d tokens, F(x)=%.5f, F(x')=%.5f, delta=%.3g, %s%s, %.2fs)",
                attributions.length, targetLogprob, baselineLogprob, convergenceDelta, status.label(),
                reason.isEmpty() ? "" : ": " + reason, seconds);
    }
}

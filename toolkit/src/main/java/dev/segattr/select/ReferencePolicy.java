package dev.segattr.select;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SortedSet;

/**
 * The reference selection rule (METHOD.md section 4), and without its consistency filter the strength-only rule.
 *
 * <p>Precisely: order the segments by normalised strength, descending, ties in segment order (a stable sort).
 * Walk that order adding strengths until the sum reaches {@code tau}; those segments are the top-k. Two details
 * the reference leaves open are fixed here: a segment of strength 0 is never added (it cannot raise the sum, so
 * it is not part of the smallest top-k), and "reaches" allows 1e-9 of rounding, so that {@code tau = 1} takes
 * exactly the segments with any strength. {@code tau = 0} takes none. Of the top-k, the segments with
 * consistency at most {@code beta} are kept (all of them for the strength-only rule); segments 0, M-2, M-1 are
 * always added. A trace without any attribution (all strengths 0) keeps the always-kept segments only, and its
 * selection's note says so.
 */
final class ReferencePolicy implements SelectionPolicy {

    /** Rounding allowed when the cumulative strength is compared with tau. */
    static final double TAU_TOLERANCE = 1e-9;

    private final double tau;
    private final double beta; // NaN: no consistency filter

    ReferencePolicy(double tau, double beta) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau must be in [0, 1], got " + tau);
        }
        if (!Double.isNaN(beta) && !(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
        }
        this.tau = tau;
        this.beta = beta;
    }

    @Override
    public Selection select(ScoredTrace trace) {
        SegmentMetrics metrics;
        try {
            metrics = SegmentMetrics.of(trace.requireAttributions());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trace " + trace.id() + ": " + e.getMessage(), e);
        }
        return select(metrics);
    }

    /** The selection from metrics already computed. */
    Selection select(SegmentMetrics metrics) {
        int m = metrics.size();
        SortedSet<Integer> chosen = SelectionPolicy.alwaysKept(m);
        String note = "";
        if (metrics.zeroTotal()) {
            note = "zero total attribution: only the always-kept segments";
        } else {
            for (int s : topK(metrics)) {
                if (Double.isNaN(beta) || metrics.consistency(s) <= beta) {
                    chosen.add(s);
                }
            }
        }
        return Selection.ofSegments(describe(), metrics.tokenCounts(), chosen, note);
    }

    /** The smallest top-k by strength whose cumulative strength reaches tau, in ranking order. */
    int[] topK(SegmentMetrics metrics) {
        Integer[] order = new Integer[metrics.size()];
        Arrays.setAll(order, i -> i);
        // Arrays.sort on objects is a stable merge sort: equal strengths keep their segment order.
        Arrays.sort(order, Comparator.comparingDouble((Integer s) -> metrics.strength(s)).reversed());
        int k = 0;
        double cumulative = 0;
        while (k < order.length && cumulative < tau - TAU_TOLERANCE && metrics.strength(order[k]) > 0) {
            cumulative += metrics.strength(order[k]);
            k++;
        }
        return Arrays.stream(order, 0, k).mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String describe() {
        return Double.isNaN(beta) ? "strength(tau=" + tau + ")" : "reference(tau=" + tau + ", beta=" + beta + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}

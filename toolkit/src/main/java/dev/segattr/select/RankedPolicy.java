package dev.segattr.select;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Function;

/**
 * Segments ranked by a per-segment score from the model's own token statistics, highest first (stable: ties in
 * segment order), filled up to the budget after the always-kept segments ({@link SegmentFill}).
 * A segment without tokens has no score and ranks last.
 * <ul>
 *   <li>perplexity: exp(-mean log p(token)) over the segment's tokens;</li>
 *   <li>entropy: mean entropy of the next-token distribution at the positions that predict its tokens.</li>
 * </ul>
 */
final class RankedPolicy implements SelectionPolicy {

    private final String name;
    private final Budget budget;
    private final Function<ScoredTrace, List<double[]>> values;
    private final boolean exponentiateNegativeMean;

    private RankedPolicy(String name, Budget budget, Function<ScoredTrace, List<double[]>> values, boolean exponentiateNegativeMean) {
        this.name = name;
        this.budget = budget;
        this.values = values;
        this.exponentiateNegativeMean = exponentiateNegativeMean;
    }

    static RankedPolicy perplexity(Budget budget) {
        return new RankedPolicy("perplexity", budget, t -> require(t, t.logprobs(), "token log-probs"), true);
    }

    static RankedPolicy entropy(Budget budget) {
        return new RankedPolicy("entropy", budget, t -> require(t, t.entropies(), "token entropies"), false);
    }

    private static List<double[]> require(ScoredTrace t, List<double[]> v, String what) {
        if (v == null) {
            throw new IllegalArgumentException("trace " + t.id() + " has no " + what);
        }
        return v;
    }

    /** The per-segment scores this policy ranks by (negative infinity for a segment without tokens). */
    double[] scores(ScoredTrace trace) {
        List<double[]> v = values.apply(trace);
        double[] scores = new double[v.size()];
        for (int s = 0; s < scores.length; s++) {
            double[] a = v.get(s);
            double sum = 0;
            for (int n = 0; n < a.length; n++) {
                if (!Double.isFinite(a[n])) {
                    throw new IllegalArgumentException("trace " + trace.id() + " segment " + s + " token " + n + ": " + name + " input is " + a[n]);
                }
                sum += a[n];
            }
            double mean = sum / a.length;
            scores[s] = a.length == 0 ? Double.NEGATIVE_INFINITY : exponentiateNegativeMean ? Math.exp(-mean) : mean;
        }
        return scores;
    }

    @Override
    public Selection select(ScoredTrace trace) {
        double[] scores = scores(trace);
        int[] counts = trace.tokenCounts();
        SortedSet<Integer> chosen = SelectionPolicy.alwaysKept(counts.length);
        List<Integer> order = new ArrayList<>();
        for (int s = 0; s < counts.length; s++) {
            order.add(s);
        }
        order.sort(Comparator.comparingDouble((Integer s) -> scores[s]).reversed()); // List.sort is stable
        SegmentFill.fill(chosen, order, counts, budget.tokens(trace));
        return Selection.ofSegments(describe(), counts, chosen, "");
    }

    @Override
    public String describe() {
        return name + "(" + budget + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}

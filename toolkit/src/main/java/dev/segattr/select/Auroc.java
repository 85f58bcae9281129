package dev.segattr.select;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The area under the ROC curve: the probability that a randomly chosen positive scores above a randomly chosen
 * negative, a tie counting one half (the Mann-Whitney U statistic divided by {@code positives * negatives}).
 * 1 = the score ranks every positive first, 0.5 = no better than chance, 0 = exactly backwards.
 *
 * <p>Computed from ranks: sort the scores, give tied scores the average of their ranks, then
 * {@code AUROC = (sum of the positives' ranks - P(P+1)/2) / (P * N)}. O(n log n).
 */
public final class Auroc {

    private Auroc() {
    }

    /** AUROC of scores for the positives against the rest. Needs at least one of each and no NaN score. */
    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + positive.length + " labels");
        }
        int n = scores.length;
        long p = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            if (positive[i]) {
                p++;
            }
        }
        long neg = n - p;
        if (p == 0 || neg == 0) {
            throw new IllegalArgumentException("AUROC needs positives and negatives; got " + p + " positives and " + neg + " negatives");
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double positiveRanks = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1; // ranks start..end (0-based) share their mean, 1-based
            for (int i = start; i <= end; i++) {
                if (positive[order[i]]) {
                    positiveRanks += rank;
                }
            }
            start = end + 1;
        }
        return (positiveRanks - p * (p + 1) / 2.0) / ((double) p * neg);
    }

    /**
     * AUROC of the items whose label is in {@code positives} against those whose label is in {@code negatives};
     * items of other labels are left out. For example segments of role essential against truncated only.
     */
    public static <L> double between(double[] scores, List<L> labels, Set<L> positives, Set<L> negatives) {
        if (scores.length != labels.size()) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.size() + " labels");
        }
        if (positives.stream().anyMatch(negatives::contains)) {
            throw new IllegalArgumentException("a label cannot be both positive and negative: " + positives + " / " + negatives);
        }
        int[] kept = IntStream.range(0, scores.length)
                .filter(i -> positives.contains(labels.get(i)) || negatives.contains(labels.get(i))).toArray();
        double[] s = new double[kept.length];
        boolean[] label = new boolean[kept.length];
        for (int j = 0; j < kept.length; j++) {
            s[j] = scores[kept[j]];
            label[j] = positives.contains(labels.get(kept[j]));
        }
        return of(s, label);
    }
}

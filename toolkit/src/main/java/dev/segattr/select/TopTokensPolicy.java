package dev.segattr.select;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Token level: the budget's number of tokens with the largest |attribution| in the whole trace (ties in token
 * order), no segment kept for its position. The result's token mask is the selection; its segment list only
 * names the segments that hold a chosen token.
 */
final class TopTokensPolicy implements SelectionPolicy {

    private final Budget budget;

    TopTokensPolicy(Budget budget) {
        this.budget = budget;
    }

    @Override
    public Selection select(ScoredTrace trace) {
        List<double[]> a = trace.requireAttributions();
        int total = trace.totalTokens();
        double[] flat = new double[total];
        int[] segmentOf = new int[total];
        int[] indexIn = new int[total];
        int k = 0;
        for (int s = 0; s < a.size(); s++) {
            for (int n = 0; n < a.get(s).length; n++) {
                double v = a.get(s)[n];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("trace " + trace.id() + " segment " + s + " token " + n + ": attribution is " + v);
                }
                flat[k] = Math.abs(v);
                segmentOf[k] = s;
                indexIn[k] = n;
                k++;
            }
        }
        Integer[] order = new Integer[total];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> flat[i]).reversed()); // stable
        int take = Math.min(total, Math.max(0, budget.tokens(trace)));
        List<boolean[]> mask = new ArrayList<>(a.size());
        for (double[] seg : a) {
            mask.add(new boolean[seg.length]);
        }
        for (int i = 0; i < take; i++) {
            mask.get(segmentOf[order[i]])[indexIn[order[i]]] = true;
        }
        return Selection.ofTokens(describe(), mask, "");
    }

    @Override
    public String describe() {
        return "top-tokens(" + budget + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}

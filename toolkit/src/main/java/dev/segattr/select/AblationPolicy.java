package dev.segattr.select;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;

/**
 * Segments by leave-one-segment-out importance (PIR / SPIRIT: the drop in the answer's log-probability when the
 * segment is removed), most important first: the smallest such set whose positive importance reaches tau of the
 * trace's total positive importance, plus the always-kept first, penultimate and last segments. Segments whose
 * removal does not lower the answer's probability (importance <= 0) are never chosen for their importance.
 */
final class AblationPolicy implements SelectionPolicy {

    private final double tau;

    AblationPolicy(double tau) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau must be in [0, 1], got " + tau);
        }
        this.tau = tau;
    }

    @Override
    public Selection select(ScoredTrace trace) {
        double[] importance = trace.ablation();
        if (importance == null) {
            throw new IllegalArgumentException("trace " + trace.id() + " has no segment_ablation (run segattr ablate first)");
        }
        int[] counts = trace.tokenCounts();
        SortedSet<Integer> chosen = SelectionPolicy.alwaysKept(counts.length);
        List<Integer> order = new ArrayList<>();
        double total = 0;
        for (int s = 0; s < importance.length; s++) {
            if (importance[s] > 0) {
                order.add(s);
                total += importance[s];
            }
        }
        order.sort(Comparator.comparingDouble((Integer s) -> importance[s]).reversed()); // stable: ties in segment order
        double reached = 0;
        for (int s : order) {
            if (total == 0 || reached >= tau * total) {
                break;
            }
            chosen.add(s);
            reached += importance[s];
        }
        return Selection.ofSegments(describe(), counts, chosen, "");
    }

    @Override
    public String describe() {
        return "ablation(tau=" + tau + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}

package dev.segattr.select;

import java.util.List;
import java.util.SortedSet;

/**
 * The one rule by which the budgeted segment policies fill a budget: start from the always-kept segments,
 * walk the candidates in the policy's order and take each while the supervised count is below the target;
 * the segment that would cross the target is taken only if that lands closer to the target than stopping
 * before it, and the walk ends there.
 */
final class SegmentFill {

    private SegmentFill() {
    }

    static void fill(SortedSet<Integer> chosen, List<Integer> candidates, int[] tokenCounts, int target) {
        int supervised = chosen.stream().mapToInt(s -> tokenCounts[s]).sum();
        for (int s : candidates) {
            if (chosen.contains(s)) {
                continue;
            }
            if (supervised >= target) {
                return;
            }
            int after = supervised + tokenCounts[s];
            if (after <= target) {
                chosen.add(s);
                supervised = after;
            } else {
                if (after - target < target - supervised) {
                    chosen.add(s);
                }
                return;
            }
        }
    }
}

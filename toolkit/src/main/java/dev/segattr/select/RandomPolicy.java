package dev.segattr.select;

import dev.segattr.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;

/**
 * Random segments at a matched supervised-token count: the always-kept segments, then the others in a random
 * order filled up to the budget ({@link SegmentFill}). The order comes from a generator seeded with the policy's
 * seed and the trace's id, so a trace's selection depends on nothing else (not on the order of the file, not
 * on a resumed run).
 */
final class RandomPolicy implements SelectionPolicy {

    private final Budget budget;
    private final long seed;

    RandomPolicy(Budget budget, long seed) {
        this.budget = budget;
        this.seed = seed;
    }

    @Override
    public Selection select(ScoredTrace trace) {
        return choose(describe(), trace.id(), trace.tokenCounts(), budget.tokens(trace), seed);
    }

    /** The choice for a trace known by its id and its segments' token counts, {@code target} tokens to supervise. */
    static Selection choose(String policy, String id, int[] counts, int target, long seed) {
        SortedSet<Integer> chosen = SelectionPolicy.alwaysKept(counts.length);
        List<Integer> candidates = new ArrayList<>();
        for (int s = 0; s < counts.length; s++) {
            if (!chosen.contains(s)) {
                candidates.add(s);
            }
        }
        Collections.shuffle(candidates, new Random(Seeds.item(seed, id)));
        SegmentFill.fill(chosen, candidates, counts, target);
        return Selection.ofSegments(policy, counts, chosen, "");
    }

    @Override
    public String describe() {
        return "random(seed=" + seed + ", " + budget + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}

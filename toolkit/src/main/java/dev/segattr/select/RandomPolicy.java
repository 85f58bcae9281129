package dev.segattr.select;

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
        int[] counts = trace.tokenCounts();
        SortedSet<Integer> chosen = SelectionPolicy.alwaysKept(counts.length);
        List<Integer> candidates = new ArrayList<>();
        for (int s = 0; s < counts.length; s++) {
            if (!chosen.contains(s)) {
                candidates.add(s);
            }
        }
        Collections.shuffle(candidates, new Random(mix(seed ^ mix(trace.id().hashCode()))));
        SegmentFill.fill(chosen, candidates, counts, budget.tokens(trace));
        return Selection.ofSegments(describe(), counts, chosen, "");
    }

    /** SplitMix64's finaliser: neighbouring seeds give unrelated generators. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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

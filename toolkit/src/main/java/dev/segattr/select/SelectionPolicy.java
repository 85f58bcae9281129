package dev.segattr.select;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A rule that picks the parts of a trace to supervise. Every policy is deterministic: the same trace (and,
 * for {@link #random}, the same seed) gives the same selection, whatever the order the traces come in.
 *
 * <pre>{@code
 * Selection s = SelectionPolicy.reference().select(ScoredTrace.ofAttributions("t1", attributions));
 * s.segments();   // sorted, segments 0, M-2, M-1 included
 * }</pre>
 *
 * The comparison policies ({@link #random}, {@link #perplexity}, {@link #entropy}, {@link #topTokens}) supervise
 * about as many tokens as a {@link Budget} says, by default as many as the reference rule would on the same
 * trace, so that they differ from it only in which tokens they choose.
 */
public interface SelectionPolicy {

    double DEFAULT_TAU = 0.7;
    double DEFAULT_BETA = 0.8;

    Selection select(ScoredTrace trace);

    /** Name and settings, e.g. {@code reference(tau=0.7, beta=0.8)}. */
    String describe();

    /** METHOD.md section 4 with tau 0.7 and beta 0.8. */
    static SelectionPolicy reference() {
        return reference(DEFAULT_TAU, DEFAULT_BETA);
    }

    /**
     * The reference rule: the smallest top-k by strength (stable sort, descending) whose cumulative normalised
     * strength reaches {@code tau}, of those the ones with consistency at most {@code beta}, plus segments 0, M-2, M-1.
     */
    static SelectionPolicy reference(double tau, double beta) {
        return new ReferencePolicy(tau, beta);
    }

    /** The reference rule without the consistency filter (the paper's "top-strength segments only"). */
    static SelectionPolicy strength(double tau) {
        return new ReferencePolicy(tau, Double.NaN);
    }

    /** Random segments (beside the always-kept ones) up to the budget; seeded per trace by {@code seed} and the id. */
    static SelectionPolicy random(Budget budget, long seed) {
        return new RandomPolicy(budget, seed);
    }

    /**
     * The random policy's choice on a trace known only by its id and its segments' token counts, {@code tokens}
     * reasoning tokens to supervise: what {@code random(budget, seed)} selects on a trace with those counts when the
     * budget comes to {@code tokens} (fine-tuning matches a mask this way with its own tokenisation).
     */
    static Selection randomSegments(String traceId, int[] tokenCounts, int tokens, long seed) {
        return RandomPolicy.choose("random(seed=" + seed + ", " + tokens + " tokens)", traceId, tokenCounts, tokens, seed);
    }

    /**
     * Segments by leave-one-segment-out importance (segment_ablation), most important first, until tau of the
     * positive importance is reached; plus the always-kept segments.
     */
    static SelectionPolicy ablation(double tau) {
        return new AblationPolicy(tau);
    }

    /** Segments of highest perplexity exp(-mean log p) first, up to the budget. Needs token log-probs. */
    static SelectionPolicy perplexity(Budget budget) {
        return RankedPolicy.perplexity(budget);
    }

    /** Segments of highest mean next-token entropy first, up to the budget. Needs token entropies. */
    static SelectionPolicy entropy(Budget budget) {
        return RankedPolicy.entropy(budget);
    }

    /** Token level: the tokens of largest |attribution| anywhere in the trace, as many as the budget. */
    static SelectionPolicy topTokens(Budget budget) {
        return new TopTokensPolicy(budget);
    }

    /** Segments 0, M-2 and M-1 (first, penultimate, last), those that exist. */
    static SortedSet<Integer> alwaysKept(int m) {
        SortedSet<Integer> kept = new TreeSet<>();
        if (m > 0) {
            kept.add(0);
            kept.add(m - 1);
        }
        if (m > 1) {
            kept.add(m - 2);
        }
        return kept;
    }
}

package dev.segattr.select;

import java.util.function.ToIntFunction;

/**
 * How many tokens of a trace a comparison policy supervises: a fixed share of the trace's tokens, or as many
 * as another policy supervises on the same trace ("matched ratio", so that two policies differ only in
 * which tokens they choose).
 */
public final class Budget {

    private final ToIntFunction<ScoredTrace> tokens;
    private final String description;

    private Budget(ToIntFunction<ScoredTrace> tokens, String description) {
        this.tokens = tokens;
        this.description = description;
    }

    /** round(ratio x the trace's tokens). */
    public static Budget ratio(double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
        }
        return new Budget(t -> (int) Math.round(ratio * t.totalTokens()), "ratio " + ratio);
    }

    /** Exactly {@code tokens} on every trace (a count recorded elsewhere, e.g. another selection's). */
    public static Budget exactly(int tokens) {
        return new Budget(t -> tokens, tokens + " tokens");
    }

    /** As many tokens as {@code policy} supervises on the trace. */
    public static Budget matching(SelectionPolicy policy) {
        return new Budget(t -> policy.select(t).supervisedTokens(), "matching " + policy.describe());
    }

    /** The reference rule's count on each trace: the default of the comparison policies. */
    public static Budget matchingReference() {
        return matching(SelectionPolicy.reference());
    }

    public int tokens(ScoredTrace trace) {
        return tokens.applyAsInt(trace);
    }

    @Override
    public String toString() {
        return description;
    }
}

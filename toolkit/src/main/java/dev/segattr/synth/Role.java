package dev.segattr.synth;

import java.util.Locale;

/**
 * What a segment of a synthetic trace is for: the ground truth that attribution is measured against and that
 * the method itself never sees. {@link #ESSENTIAL} and {@link #REFLECTIVE} segments are the important ones
 * (the paper's selection should keep them); {@link #REDUNDANT} and {@link #TRUNCATED} ones are not.
 */
public enum Role {
    /** Understanding the problem, a computation step whose result a later step or the answer uses, the closing summary. */
    ESSENTIAL(true),
    /** A check that recomputes an earlier step, or catches a slip in it and fixes the value. */
    REFLECTIVE(true),
    /** A restatement of what the question or the trace already said; no new number. */
    REDUNDANT(false),
    /** An exploration or alternative approach cut off midway; nothing later uses it. */
    TRUNCATED(false);

    private final boolean important;

    Role(boolean important) {
        this.important = important;
    }

    /** Essential or reflective: a segment the answer depends on. */
    public boolean important() {
        return important;
    }

    /** The name in records: {@code essential}, {@code reflective}, {@code redundant}, {@code truncated}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role with this record name (case-insensitive), or an IllegalArgumentException listing the names. */
    public static Role parse(String name) {
        for (Role r : values()) {
            if (r.jsonName().equalsIgnoreCase(name.strip())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "' (expected essential, reflective, redundant or truncated)");
    }
}

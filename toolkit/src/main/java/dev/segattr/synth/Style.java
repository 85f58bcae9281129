package dev.segattr.synth;

import java.util.Locale;

/**
 * How a trace is written. The paper's setting in miniature: an instruct model that reasons concisely is
 * fine-tuned on the long traces of a reasoning model, most of whose segments are unimportant.
 */
public enum Style {
    /**
     * The instruct model's way: the essential segments only (what is asked with step 1, one segment per further
     * step, the summary), joined by the same transition phrases as the verbose traces. The embedded default's
     * starting model is pretrained on these.
     */
    CONCISE,
    /**
     * The distilled reasoning model's way: the essential segments with reflective checks and fixes, redundant
     * restatements and truncated explorations between them. The fine-tuning data.
     */
    VERBOSE;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Style parse(String name) {
        for (Style s : values()) {
            if (s.jsonName().equalsIgnoreCase(name.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown style '" + name + "' (expected concise or verbose)");
    }
}

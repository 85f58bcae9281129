package dev.segattr.attribution;

/** Whether a trace's attributions can be used, and if not why. Written to records as {@link #label()}. */
public enum AttributionStatus {
    /** Computed; the convergence delta is within the tolerance. */
    OK("ok"),
    /** Computed, but |delta| is large against |F(x) - F(x')|: more path points, or another scheme, are needed. */
    LARGE_DELTA("large delta"),
    /** No answer token lies strictly inside the braces: F is an empty sum; every attribution is 0. */
    EMPTY_ANSWER("empty answer"),
    /** Every attribution is exactly 0 (e.g. the baseline equals the input): nothing ranks the segments. */
    ZERO_ATTRIBUTION("zero attribution"),
    /** F or a gradient was NaN or infinite: the attributions are not written. */
    NON_FINITE("non-finite");

    private final String label;

    AttributionStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** True when the attributions are numbers one may select on (OK and LARGE_DELTA). */
    public boolean usable() {
        return this == OK || this == LARGE_DELTA;
    }

    public static AttributionStatus parse(String label) {
        for (AttributionStatus s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown attribution status '" + label + "'");
    }
}

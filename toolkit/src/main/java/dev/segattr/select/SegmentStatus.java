package dev.segattr.select;

/** Whether a segment's metrics are computed values or stand-ins for an undefined ratio (see {@link SegmentMetrics}). */
public enum SegmentStatus {
    /** Strength and consistency are computed from the formulas. */
    OK("ok"),
    /** The segment holds no token: strength 0, consistency 0 stand in. */
    NO_TOKENS("no tokens"),
    /** All of the segment's attributions are exactly 0: strength 0, consistency 0 stand in. */
    ZERO_ATTRIBUTION("zero attribution");

    private final String label;

    SegmentStatus(String label) {
        this.label = label;
    }

    /** The lower-case words written to JSON and tables. */
    public String label() {
        return label;
    }
}

package dev.segattr.trace;

/**
 * A piece of a chain of thought, between two transition phrases.
 *
 * @param index position in the trace, from 0
 * @param start first char of the segment in the reasoning (UTF-16 index, as {@link String#substring})
 * @param end   one past the last char
 * @param text  {@code reasoning.substring(start, end)}
 */
public record Segment(int index, int start, int end, String text) {

    public Segment {
        if (start < 0 || end <= start || text.length() != end - start) {
            throw new IllegalArgumentException("bad segment span [" + start + ", " + end + ") for " + text.length() + " chars");
        }
    }

    public int length() {
        return end - start;
    }

    /** A short one-line preview for tables: newlines shown as ⏎, long texts cut in the middle. */
    public String preview(int maxChars) {
        String flat = text.replace("\r", "").replace("\n", "⏎");
        if (flat.length() <= maxChars) {
            return flat;
        }
        int head = Math.max(1, (maxChars - 1) * 2 / 3);
        int tail = Math.max(0, maxChars - 1 - head);
        return flat.substring(0, head) + "…" + flat.substring(flat.length() - tail);
    }
}

package dev.segattr.tokenizer;

import java.util.Arrays;

/**
 * A text's tokens: ids and, for each token, its span {@code [start[i], end[i])} in UTF-16 chars of the
 * encoded Java String, so {@code text.substring(start[i], end[i])} is the text the token came from.
 *
 * <p>Spans are non-decreasing. A character that byte-level BPE splits over several tokens (a rare CJK
 * character, an emoji) gives those tokens the same span: each of them covers the whole character.
 */
public record Encoded(long[] ids, int[] start, int[] end) {

    public Encoded {
        if (ids.length != start.length || ids.length != end.length) {
            throw new IllegalArgumentException(
                    "ids, start and end differ in length: " + ids.length + ", " + start.length + ", " + end.length);
        }
    }

    /** Number of tokens. */
    public int size() {
        return ids.length;
    }

    /**
     * The tokens that a char span {@code [charStart, charEnd)} owns: a token belongs to the span in which it
     * starts. Returns {@code {from, to}} (to exclusive), empty ({@code from == to}) when no token starts there.
     * Applied to consecutive spans that tile a text (segments), every token lands in exactly one span.
     */
    public int[] tokenRange(int charStart, int charEnd) {
        if (charStart > charEnd) {
            throw new IllegalArgumentException("charStart " + charStart + " > charEnd " + charEnd);
        }
        int from = firstStartingAtOrAfter(start, charStart);
        int to = firstStartingAtOrAfter(start, charEnd);
        return new int[] {from, to};
    }

    /**
     * Index of the first token whose start is >= pos (starts.length if none): a lower-bound binary search, since
     * several tokens can start at the same char (bytes of one character) and Arrays.binarySearch picks any of them.
     */
    public static int firstStartingAtOrAfter(int[] starts, int pos) {
        int lo = 0;
        int hi = starts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] < pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoded e
                && Arrays.equals(ids, e.ids) && Arrays.equals(start, e.start) && Arrays.equals(end, e.end);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(start)) + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
        return "Encoded[" + ids.length + " tokens, ids=" + Arrays.toString(Arrays.copyOf(ids, Math.min(ids.length, 16)))
                + (ids.length > 16 ? "..." : "") + "]";
    }
}

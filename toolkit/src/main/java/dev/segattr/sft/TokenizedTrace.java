package dev.segattr.sft;

import dev.segattr.tokenizer.Encoded;

/**
 * A training sequence U + C + A as tokens: the prompt (chat template up to the start of the reasoning), the
 * reasoning C, then the answer part A (closing markup, the answer, the end-of-turn token). Char offsets are
 * into the one text the tokens came from; a token added after the text (an end-of-sequence id) has the
 * text's length as start.
 *
 * @param id             the trace's id
 * @param ids            token ids, (T)
 * @param start          first char of each token, non-decreasing, (T)
 * @param reasoningStart char where the reasoning begins in the text
 * @param reasoningEnd   char one past the reasoning: tokens starting here or later are the answer part
 */
public record TokenizedTrace(String id, long[] ids, int[] start, int reasoningStart, int reasoningEnd) {

    public TokenizedTrace {
        if (ids.length != start.length) {
            throw new IllegalArgumentException("trace " + id + ": " + ids.length + " ids but " + start.length + " offsets");
        }
        if (reasoningStart < 0 || reasoningEnd < reasoningStart) {
            throw new IllegalArgumentException("trace " + id + ": bad reasoning span [" + reasoningStart + ", " + reasoningEnd + ")");
        }
        for (int i = 1; i < start.length; i++) {
            if (start[i] < start[i - 1]) {
                throw new IllegalArgumentException("trace " + id + ": token offsets decrease at token " + i);
            }
        }
    }

    public int length() {
        return ids.length;
    }

    /** Index of the first token starting at or after char {@code pos} (length() if none). */
    public int firstTokenAt(int pos) {
        return Encoded.firstStartingAtOrAfter(start, pos);
    }
}

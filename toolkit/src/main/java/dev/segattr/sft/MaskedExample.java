package dev.segattr.sft;

import java.util.Arrays;

/**
 * One training example as a trainer takes it: token ids and labels, the label {@value #IGNORE} where no loss
 * is taken (the form of Hugging Face's {@code labels}; the usual shift by one happens in the loss).
 *
 * @param id               the trace's id
 * @param inputIds         (T)
 * @param labels           (T): the token id where supervised, {@value #IGNORE} elsewhere
 * @param completionTokens tokens of the reasoning and the answer part (the tokens full-CoT SFT supervises)
 */
public record MaskedExample(String id, long[] inputIds, long[] labels, int completionTokens) {

    /** Hugging Face's ignore index. */
    public static final long IGNORE = -100;

    public MaskedExample {
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException("example " + id + ": " + inputIds.length + " ids but " + labels.length + " labels");
        }
    }

    public int length() {
        return inputIds.length;
    }

    /** Tokens that carry loss. (The first token never does after the shift; it is a prompt token anyway.) */
    public int supervisedTokens() {
        int n = 0;
        for (int i = 1; i < labels.length; i++) {
            n += labels[i] != IGNORE ? 1 : 0;
        }
        return n;
    }

    /** The first {@code maxLength} tokens (what TRL's {@code keep_start} truncation keeps); this example if it is short enough. */
    public MaskedExample truncate(int maxLength) {
        if (inputIds.length <= maxLength) {
            return this;
        }
        int dropped = inputIds.length - maxLength;
        return new MaskedExample(id, Arrays.copyOf(inputIds, maxLength), Arrays.copyOf(labels, maxLength),
                Math.max(0, completionTokens - dropped));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskedExample e && id.equals(e.id) && Arrays.equals(inputIds, e.inputIds)
                && Arrays.equals(labels, e.labels) && completionTokens == e.completionTokens;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id.hashCode() + Arrays.hashCode(inputIds)) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "MaskedExample[" + id + ", " + inputIds.length + " tokens, " + supervisedTokens() + " supervised]";
    }
}

package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * A micro-batch: examples right-padded to the longest one. Right padding keeps every real token at the
 * positions it has alone (0, 1, ...), and the causal mask already hides the padding that follows it.
 *
 * @param inputIds      (B, T) int64, the pad id after each example's end
 * @param attentionMask (B, T) int64, 1 on tokens, 0 on padding
 * @param labels        (B, T) int64, {@value MaskedExample#IGNORE} on padding and unsupervised tokens
 * @param tokens        real (non-padding) tokens in the batch
 * @param supervised    tokens that carry loss (after the shift by one)
 */
public record Batch(NDArray inputIds, NDArray attentionMask, NDArray labels, int tokens, int supervised) implements AutoCloseable {

    /** Pads and stacks examples; the arrays belong to {@code manager}. */
    public static Batch of(NDManager manager, List<MaskedExample> examples, long padId) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        int b = examples.size();
        int t = examples.stream().mapToInt(MaskedExample::length).max().orElseThrow();
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] labels = new long[b * t];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, MaskedExample.IGNORE);
        int tokens = 0;
        int supervised = 0;
        for (int i = 0; i < b; i++) {
            MaskedExample e = examples.get(i);
            System.arraycopy(e.inputIds(), 0, ids, i * t, e.length());
            System.arraycopy(e.labels(), 0, labels, i * t, e.length());
            Arrays.fill(mask, i * t, i * t + e.length(), 1L);
            tokens += e.length();
            supervised += e.supervisedTokens();
        }
        Shape shape = new Shape(b, t);
        return new Batch(manager.create(ids, shape), manager.create(mask, shape), manager.create(labels, shape), tokens, supervised);
    }

    public long size() {
        return inputIds.getShape().get(0);
    }

    @Override
    public void close() {
        inputIds.close();
        attentionMask.close();
        labels.close();
    }
}

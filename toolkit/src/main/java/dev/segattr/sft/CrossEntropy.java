package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.segattr.model.CausalLM;

/**
 * The causal language-modelling loss: position i's logits predict token i + 1 (the shift by one), and only
 * labels other than {@value MaskedExample#IGNORE} count.
 */
public final class CrossEntropy {

    private CrossEntropy() {
    }

    /**
     * Sum over supervised positions of -log p(label), as a scalar that backpropagates into {@code logits}.
     * Dividing by the number of supervised tokens of the whole update (not of this micro-batch) gives
     * transformers' loss with gradient accumulation ({@code num_items_in_batch}).
     *
     * @param logits (B, T, V) float32
     * @param labels (B, T) int64
     * @return () float32, owned by {@code logits}' manager
     */
    public static NDArray sum(NDArray logits, NDArray labels) {
        // The reference form, from whole logits; training uses sum(model, ...), which never makes them.
        NDManager owner = logits.getManager();
        long v = logits.getShape().get(2);
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(logits, labels);
            NDArray next = labels.get(":, 1:").reshape(-1);                          // (N) the token each position predicts
            NDArray keep = next.neq(MaskedExample.IGNORE);                            // (N)
            NDArray predicting = logits.get(":, :-1, :").reshape(-1, v);              // (N, V)
            // Only the supervised rows go through the softmax: less memory, the same values.
            NDArray where = keep.nonzero().reshape(-1);                               // (S) supervised positions
            NDArray rows = predicting.get(new NDIndex("{}", where));                  // (S, V)
            NDArray targets = next.get(new NDIndex("{}", where)).expandDims(1);       // (S, 1)
            NDArray picked = rows.logSoftmax(-1).gather(targets, 1);                  // (S, 1) log p(label)
            NDArray total = picked.sum().neg();
            if (total.getDataType() != DataType.FLOAT32) {
                total = total.toType(DataType.FLOAT32, false);
            }
            total.attach(owner);
            return total;
        }
    }

    /**
     * The same sum, with the model's head run on the supervised positions only ({@link CausalLM#forwardIdsAt}):
     * what a training step computes. Equal to {@code sum(model.forwardIds(ids, mask), labels)}.
     *
     * @param ids    (B, T) int64 input ids
     * @param labels (B, T) int64, {@value MaskedExample#IGNORE} where nothing is learnt
     * @return () float32, owned by {@code ids}' manager
     */
    public static NDArray sum(CausalLM model, NDArray ids, NDArray attentionMask, NDArray labels) {
        NDManager owner = ids.getManager();
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(labels);
            long b = labels.getShape().get(0);
            // Position t predicts token t + 1; the last position predicts nothing.
            NDArray next = labels.get(":, 1:").concat(scope.full(new Shape(b, 1), MaskedExample.IGNORE, DataType.INT64), 1)
                    .reshape(-1);                                                              // (B*T)
            NDArray where = next.neq(MaskedExample.IGNORE).nonzero().reshape(-1);               // (S) flat positions
            NDArray targets = next.get(new NDIndex("{}", where)).expandDims(1);                 // (S, 1)
            NDArray rows = model.forwardIdsAt(ids, attentionMask, where);                      // (S, V)
            rows.attach(scope);
            NDArray total = rows.logSoftmax(-1).gather(targets, 1).sum().neg();
            total.attach(owner);
            return total;
        }
    }
}

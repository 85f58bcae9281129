package dev.segattr.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Per-token statistics of a sequence under a model, from one forward pass (no gradient): the comparison
 * scorers of the segment-perplexity and segment-entropy policies.
 *
 * @param logprobs  log p(token i | tokens before it); NaN for token 0, which nothing predicts
 * @param entropies entropy in nats of the distribution that predicts token i (the one at position i - 1); NaN
 *                  for token 0
 */
public record TokenScores(double[] logprobs, double[] entropies) {

    public TokenScores {
        logprobs = logprobs.clone();
        entropies = entropies.clone();
    }

    /** Logits alive at once, in floats (64 MB): the positions of a block are this over the vocabulary size. */
    static final long LOGITS_BUDGET = 1L << 24;

    /**
     * One forward pass over {@code ids}, the head a block of positions at a time. Memory: the pass's activations
     * plus about {@link #LOGITS_BUDGET} floats of logits, whatever the sequence length.
     */
    public static TokenScores compute(EmbeddingModel model, long[] ids) {
        return compute(model, ids, 0);
    }

    /** As {@link #compute(EmbeddingModel, long[])} with {@code block} positions per block (0: from the budget). */
    static TokenScores compute(EmbeddingModel model, long[] ids, int block) {
        int t = ids.length;
        double[] lp = new double[t];
        double[] h = new double[t];
        lp[0] = Double.NaN;
        h[0] = Double.NaN;
        if (t == 1) {
            return new TokenScores(lp, h);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = model.embed(scope.create(ids, new Shape(1, t))).toType(model.dataType(), false);
            NDArray predicts = x.get(new NDIndex(":, :{}, :", t - 1));   // position p predicts token p + 1
            int rows = block > 0 ? block : (int) Math.max(1, Math.min(t - 1, LOGITS_BUDGET / model.vocabSize()));
            model.forEachLogitsBlock(predicts, rows, (from, logits) -> {
                int n = (int) logits.getShape().get(1);
                try (NDManager blockScope = scope.newSubManager()) {
                    logits.tempAttach(blockScope); // what is computed from the block goes with it
                    NDArray logp = logits.toType(DataType.FLOAT32, false).logSoftmax(2).squeeze(0);   // (n, V)
                    NDArray next = blockScope.create(java.util.Arrays.copyOfRange(ids, from + 1, from + 1 + n), new Shape(n, 1));
                    float[] picked = logp.gather(next, 1).toFloatArray();                             // (n)
                    float[] entropy = logp.exp().mul(logp).sum(new int[] {1}).neg().toFloatArray();   // (n)
                    for (int i = 0; i < n; i++) {
                        lp[from + 1 + i] = picked[i];
                        h[from + 1 + i] = entropy[i];
                    }
                }
            });
        }
        return new TokenScores(lp, h);
    }

    @Override
    public double[] logprobs() {
        return logprobs.clone();
    }

    @Override
    public double[] entropies() {
        return entropies.clone();
    }

    public int length() {
        return logprobs.length;
    }
}

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

    /** One forward pass over {@code ids}. Memory: the (T, V) float32 logits of the sequence. */
    public static TokenScores compute(EmbeddingModel model, long[] ids) {
        int t = ids.length;
        double[] lp = new double[t];
        double[] h = new double[t];
        lp[0] = Double.NaN;
        h[0] = Double.NaN;
        if (t == 1) {
            return new TokenScores(lp, h);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = model.embed(scope.create(ids, new Shape(1, t)));
            NDArray logits = model.logits(x.toType(model.dataType(), false), 0, t - 1);  // (1, T-1, V): predicts 1..T-1
            NDArray logp = logits.toType(DataType.FLOAT32, false).logSoftmax(2).squeeze(0);       // (T-1, V)
            NDArray next = scope.create(java.util.Arrays.copyOfRange(ids, 1, t), new Shape(t - 1, 1));
            float[] picked = logp.gather(next, 1).toFloatArray();                                 // (T-1)
            float[] entropy = logp.exp().mul(logp).sum(new int[] {1}).neg().toFloatArray();       // (T-1)
            for (int i = 1; i < t; i++) {
                lp[i] = picked[i - 1];
                h[i] = entropy[i - 1];
            }
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

package dev.segattr.bench;

import dev.segattr.model.ModelConfig;

/**
 * Floating-point work of the decoder's matrix products, counted from the config (2 flops per multiply-add).
 * Only products are counted: norms, rotary, softmax and the optimizer are memory-bound and small beside them.
 *
 * <p>Counted as executed, not as ideally needed: attention is a dense (T x S) product that the causal mask
 * hides afterwards, so a query pays for every key S of the sequence, and the head runs on every position
 * in a full forward pass (attribution and decoding ask for the positions they read only). Backward passes:
 * <ul>
 *   <li>training: every product yields the gradient of both operands, twice the forward (3x in all);</li>
 *   <li>integrated gradients with frozen weights: a weight-times-activation product yields only the
 *       activation's gradient (1x), an attention product both (2x, both operands depend on the input).</li>
 * </ul>
 */
public final class Flops {

    private final ModelConfig c;

    public Flops(ModelConfig config) {
        this.c = config;
    }

    /** Projections q, k, v, o and the MLP of all layers, for one token. */
    public double linearPerToken() {
        double h = c.hiddenSize();
        double q = (double) c.numAttentionHeads() * c.headDim();
        double kv = (double) c.numKeyValueHeads() * c.headDim();
        double perLayer = 2 * (h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize());
        return c.numHiddenLayers() * perLayer;
    }

    /** q k^T and probs v of all layers, for one query that sees {@code keys} keys. */
    public double attentionPerToken(long keys) {
        return c.numHiddenLayers() * 4.0 * c.numAttentionHeads() * c.headDim() * keys;
    }

    /** The head (lm_head or the tied embedding), for one position. */
    public double headPerPosition() {
        return 2.0 * c.hiddenSize() * c.vocabSize();
    }

    /** One forward pass over {@code tokens} new positions that attend to {@code keys} keys each. */
    public double forward(long tokens, long keys, long headPositions) {
        return tokens * (linearPerToken() + attentionPerToken(keys)) + headPositions * headPerPosition();
    }

    /** A full-sequence forward pass of T tokens (dense T x T attention, head on every position). */
    public double forward(long t) {
        return forward(t, t, t);
    }

    /** Forward + backward with gradients for weights and inputs: a training step on T tokens. */
    public double trainingStep(long t) {
        return 3 * forward(t);
    }

    /**
     * Forward + backward with gradients for the input embeddings only (frozen weights), the head on
     * {@code headPositions} positions.
     */
    public double frozenForwardBackward(long t, long headPositions) {
        double linear = t * linearPerToken() + headPositions * headPerPosition();
        double attention = t * attentionPerToken(t);
        return 2 * linear + 3 * attention;
    }

    /**
     * One integrated-gradients call as {@code IntegratedGradients} runs it on a {@code CausalLM}: J path rows forward
     * and backward (frozen weights), then F at the input and at the baseline (forward only); the head runs on the
     * answer's positions only.
     */
    public double integratedGradients(long t, int points, int answerTokens) {
        return points * frozenForwardBackward(t, answerTokens) + 2 * forward(t, t, answerTokens);
    }

    /**
     * Greedy decoding with a KV cache: the prompt pass over P positions (the head on the last one), then one
     * position per new token that attends to the cache; {@code newTokens} tokens in all (the first comes from the
     * prompt pass).
     */
    public double generationCached(long prompt, int newTokens) {
        double work = forward(prompt, prompt, 1);
        for (int n = 1; n < newTokens; n++) {
            work += forward(1, prompt + n, 1);
        }
        return work;
    }

    /** Greedy decoding without a cache: every new token recomputes the whole sequence so far. */
    public double generationUncached(long prompt, int newTokens) {
        double work = 0;
        for (int n = 0; n < newTokens; n++) {
            work += forward(prompt + n);
        }
        return work;
    }
}

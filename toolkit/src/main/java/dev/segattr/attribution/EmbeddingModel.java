package dev.segattr.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.segattr.model.CausalLM;

/**
 * What attribution needs of a language model, and no more (Captum's "forward function"): token embeddings,
 * and logits from embeddings. {@code CausalLM} is one; a test can supply a small smooth function instead.
 *
 * <p>Implementations must not make the model's parameters collect gradients: integrated gradients only
 * differentiates with respect to the embeddings passed in.
 */
public interface EmbeddingModel {

    /** A decoder read from a Hugging Face checkpoint, seen through this interface. */
    static EmbeddingModel of(CausalLM lm) {
        return new EmbeddingModel() {
            @Override
            public NDManager manager() {
                return lm.manager();
            }

            @Override
            public DataType dataType() {
                return lm.dataType();
            }

            @Override
            public long vocabSize() {
                return lm.config().vocabSize();
            }

            @Override
            public NDArray embed(NDArray ids) {
                NDArray e = lm.embed(ids);
                e.attach(ids.getManager()); // whoever created it, the caller's scope frees it
                return e;
            }

            @Override
            public NDArray logits(NDArray inputsEmbeds) {
                return lm.forward(inputsEmbeds, null);
            }

            @Override
            public NDArray logits(NDArray inputsEmbeds, int from, int to) {
                return lm.forward(inputsEmbeds, null, from, to); // the head on the scored positions only
            }

            @Override
            public void forEachLogitsBlock(NDArray inputsEmbeds, int block, CausalLM.LogitsBlock visitor) {
                lm.forEachLogitsBlock(inputsEmbeds, null, block, visitor); // the layers once, the head per block
            }

            @Override
            public long activationBytesPerPoint(int length) {
                return lm.activationBytes(1, length);
            }

            @Override
            public String toString() {
                return lm.toString();
            }
        };
    }

    /** The manager that owns the model's parameters; attribution works in sub-managers of it. */
    NDManager manager();

    /** The data type the model computes in (the interpolated embeddings are cast to it). */
    DataType dataType();

    /** V, the size of the logits' last axis. */
    long vocabSize();

    /** (B, T) int64 ids -> (B, T, H) embeddings, owned by the ids' manager. */
    NDArray embed(NDArray ids);

    /** (B, T, H) embeddings -> (B, T, V) logits of a causal model, owned by the embeddings' manager. */
    NDArray logits(NDArray inputsEmbeds);

    /**
     * Native bytes one path point of {@code length} tokens holds during a forward+backward pass (activations kept
     * for backward, and their gradients), for {@link PointsPerPass}; 0 or less when not known (memory then does not
     * bound K).
     */
    default long activationBytesPerPoint(int length) {
        return 0;
    }

    /**
     * The logits at positions [from, to) only: (B, to - from, V). The default slices the full logits; a model
     * that can apply its head to some positions only saves (T - (to - from)) x V floats per row.
     */
    default NDArray logits(NDArray inputsEmbeds, int from, int to) {
        return logits(inputsEmbeds).get(new NDIndex(":, {}:{}", from, to));
    }

    /**
     * The logits of every position, {@code block} positions at a time, each (B, n, V) block closed after the
     * visitor returns: statistics over all positions without (B, T, V) floats alive at once. The default runs the
     * model once per block; a decoder runs its layers once and its head per block.
     */
    default void forEachLogitsBlock(NDArray inputsEmbeds, int block, CausalLM.LogitsBlock visitor) {
        int t = (int) inputsEmbeds.getShape().get(1);
        for (int from = 0; from < t; from += block) {
            try (NDArray logits = logits(inputsEmbeds, from, Math.min(t, from + block))) {
                visitor.accept(from, logits);
            }
        }
    }
}

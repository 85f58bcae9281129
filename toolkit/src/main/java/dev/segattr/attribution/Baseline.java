package dev.segattr.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The path's starting point x', the same embedding at every position.
 * <ul>
 *   <li>{@link #token(long)}: one token's embedding; with the tokenizer's pad id this is the reference default
 *       ("pad"). Beware: a freshly initialised Hugging Face model has an all-zero pad row, which makes it a zero
 *       baseline;</li>
 *   <li>{@link #zero()}: all zeros (RMSNorm models are unstable near it: the norm divides by ~0);</li>
 *   <li>{@link #vector(float[])}: a given embedding.</li>
 * </ul>
 */
public sealed interface Baseline {

    /** (1, T, H) float32 baseline embeddings, owned by {@code manager}. */
    NDArray embeddings(EmbeddingModel model, NDManager manager, int length, long hidden);

    /** A short name for records: "pad", "token 42", "zero", "vector". */
    String describe();

    /**
     * True when this start is the zero vector in {@code model}: the path then begins where every RMSNorm divides
     * by ~sqrt(eps), gradients near alpha = 0 are huge and the convergence delta with them. Worth a warning when a
     * pad row is zero, as in a freshly initialised Hugging Face model.
     */
    boolean isZeroIn(EmbeddingModel model);

    static Baseline token(long id) {
        return new Token(id, "token " + id);
    }

    /** The pad token's embedding (the reference default); {@code padId} from the tokenizer. */
    static Baseline pad(long padId) {
        if (padId < 0) {
            throw new IllegalArgumentException("the tokenizer has no pad token: choose the zero baseline or a token");
        }
        return new Token(padId, "pad");
    }

    static Baseline zero() {
        return new Zero();
    }

    static Baseline vector(float[] embedding) {
        return new Vector(embedding.clone());
    }

    record Token(long id, String describe) implements Baseline {
        @Override
        public NDArray embeddings(EmbeddingModel model, NDManager manager, int length, long hidden) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray one = model.embed(scope.create(new long[] {id}, new Shape(1, 1))).toType(DataType.FLOAT32, false);
                NDArray row = one.repeat(1, length); // (1, T, H)
                row.attach(manager);
                return row;
            }
        }

        @Override
        public boolean isZeroIn(EmbeddingModel model) {
            try (NDManager scope = model.manager().newSubManager()) {
                return model.embed(scope.create(new long[] {id}, new Shape(1, 1))).abs().max().getFloat() == 0f;
            }
        }
    }

    record Zero() implements Baseline {
        @Override
        public NDArray embeddings(EmbeddingModel model, NDManager manager, int length, long hidden) {
            return manager.zeros(new Shape(1, length, hidden), DataType.FLOAT32);
        }

        @Override
        public String describe() {
            return "zero";
        }

        @Override
        public boolean isZeroIn(EmbeddingModel model) {
            return true;
        }
    }

    record Vector(float[] embedding) implements Baseline {
        @Override
        public NDArray embeddings(EmbeddingModel model, NDManager manager, int length, long hidden) {
            if (embedding.length != hidden) {
                throw new IllegalArgumentException("baseline vector has " + embedding.length + " values, the model's hidden size is " + hidden);
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray row = scope.create(embedding, new Shape(1, 1, hidden)).repeat(1, length);
                row.attach(manager);
                return row;
            }
        }

        @Override
        public String describe() {
            return "vector";
        }

        @Override
        public boolean isZeroIn(EmbeddingModel model) {
            for (float v : embedding) {
                if (v != 0f) {
                    return false;
                }
            }
            return true;
        }
    }
}

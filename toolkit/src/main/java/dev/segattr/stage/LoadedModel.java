package dev.segattr.stage;

import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A checkpoint and its tokenizer in memory, checked to fit each other: loaded once and shared by every
 * {@link RecordStage} that needs it (one per Spark executor JVM). Closing it frees the weights; close it after the
 * stages that use it.
 */
public final class LoadedModel implements AutoCloseable {

    private final Path dir;
    private final CausalLM lm;
    private final Tokenizer tokenizer;
    private final EmbeddingModel embeddings;
    private final boolean owned;

    private LoadedModel(Path dir, CausalLM lm, Tokenizer tokenizer, boolean owned) {
        this.dir = dir;
        this.lm = lm;
        this.tokenizer = tokenizer;
        this.embeddings = EmbeddingModel.of(lm);
        this.owned = owned;
    }

    /** Loads the checkpoint, then its tokenizer, and checks the tokenizer's ids fit the model's vocabulary. */
    public static LoadedModel load(ModelSource source) {
        source.requireFolder();
        CausalLM lm = CausalLM.load(source.dir(), source.device().toDjl(), source.dtype().toDjl());
        try {
            Tokenizer tokenizer = Tokenizer.load(source.tokenizerDir());
            try {
                tokenizer.checkFits(lm.config().vocabSize());
                return new LoadedModel(source.dir(), lm, tokenizer, true);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    /** A model someone else loaded and closes (a notebook's): closing this view leaves it open. */
    public static LoadedModel borrow(Path dir, CausalLM lm, Tokenizer tokenizer) {
        tokenizer.checkFits(lm.config().vocabSize());
        return new LoadedModel(Objects.requireNonNull(dir), Objects.requireNonNull(lm), Objects.requireNonNull(tokenizer), false);
    }

    public Path dir() {
        return dir;
    }

    public CausalLM lm() {
        return lm;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The model as attribution sees it. */
    public EmbeddingModel embeddings() {
        return embeddings;
    }

    @Override
    public void close() {
        if (owned) {
            try {
                tokenizer.close();
            } finally {
                lm.close();
            }
        }
    }
}

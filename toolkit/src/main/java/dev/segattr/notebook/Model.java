package dev.segattr.notebook;

import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.stage.LoadedModel;
import dev.segattr.viz.RichDisplay;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A Hugging Face checkpoint folder loaded for a notebook: the decoder and its tokenizer together, shown as a
 * short description of the architecture. Close it (or let the notebook end) to free the native memory.
 *
 * <pre>{@code
 * var model = Segattr.model("data/model");
 * model.lm();          // the CausalLM
 * model.tokenizer();   // its Tokenizer
 * }</pre>
 */
public final class Model implements RichDisplay, AutoCloseable {

    private final LoadedModel loaded;
    private final Path dir;
    private final CausalLM lm;
    private final Tokenizer tokenizer;
    private final EmbeddingModel embeddings;

    Model(LoadedModel loaded) {
        this.loaded = loaded;
        this.dir = loaded.dir();
        this.lm = loaded.lm();
        this.tokenizer = loaded.tokenizer();
        this.embeddings = loaded.embeddings();
    }

    /** The model as the stages take it. */
    public LoadedModel loaded() {
        return loaded;
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

    /** The model as integrated gradients sees it (embeddings in, logits out). */
    public EmbeddingModel embeddingModel() {
        return embeddings;
    }

    public ModelConfig config() {
        return lm.config();
    }

    /** Number of parameters (a tied head counted once). */
    public long parameterCount() {
        return lm.parameterCount();
    }

    @Override
    public Map<String, Object> mimeBundle() {
        ModelConfig c = config();
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("folder", dir.toString());
        rows.put("architecture", c.modelType());
        rows.put("parameters", String.format(Locale.ROOT, "%,d", parameterCount()));
        rows.put("layers x hidden", c.numHiddenLayers() + " x " + c.hiddenSize());
        rows.put("attention heads (key/value)", c.numAttentionHeads() + " (" + c.numKeyValueHeads() + ")");
        rows.put("vocabulary", Integer.toString(c.vocabSize()));
        rows.put("tied embeddings", Boolean.toString(c.tieWordEmbeddings()));
        rows.put("device, dtype", lm.device() + ", " + lm.dataType().toString().toLowerCase(Locale.ROOT));
        rows.put("pad token", tokenizer.padId() < 0 ? "(none)" : tokenizer.padToken() + " (" + tokenizer.padId() + ")");
        rows.put("chat template", tokenizer.hasChatTemplate() ? "yes" : "no (plain User/Assistant prompt)");
        StringBuilder html = new StringBuilder("<table>");
        rows.forEach((k, v) -> html.append("<tr><th style=\"text-align:left\">").append(Html.escape(k))
                .append("</th><td style=\"text-align:left\">").append(Html.escape(v)).append("</td></tr>"));
        html.append("</table>");
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, html.toString());
        bundle.put(TEXT_PLAIN, toString());
        return bundle;
    }

    @Override
    public void close() {
        loaded.close();
    }

    @Override
    public String toString() {
        ModelConfig c = config();
        return String.format(Locale.ROOT, "Model(%s: %s, %d layers, hidden %d, vocab %d, %,d parameters, %s %s)", dir.getFileName(),
                c.modelType(), c.numHiddenLayers(), c.hiddenSize(), c.vocabSize(), parameterCount(), lm.device(),
                lm.dataType().toString().toLowerCase(Locale.ROOT));
    }
}

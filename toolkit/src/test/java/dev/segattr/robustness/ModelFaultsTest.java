package dev.segattr.robustness;

import ai.djl.ndarray.index.NDIndex;
import dev.segattr.cli.Main;
import dev.segattr.model.CausalLM;
import dev.segattr.model.CheckpointWriter;
import dev.segattr.model.ModelConfig;
import dev.segattr.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static dev.segattr.robustness.Fixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broken or mismatched checkpoints given to {@code attribute} and {@code train}: one line naming the file and what
 * is wrong, exit 2, before any output is made.
 */
class ModelFaultsTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path traces;

    @BeforeAll
    static void tinyModelAndTraces() {
        model = Fixture.model(dir.resolve("model"));
        traces = Fixture.write(dir.resolve("traces.jsonl"), List.of(Fixture.trace("a", 2, 3), Fixture.trace("b", 4, 1)));
    }

    static Fixture.Result attribute(Path modelDir, String outName) {
        Fixture.Result r = run("attribute", "--model", modelDir.toString(), "--in", traces.toString(),
                "--out", dir.resolve(outName).toString(), "--steps", "2");
        assertEquals(List.of(), Fixture.filesStartingWith(dir, outName), "no output for a model that cannot be used");
        return r;
    }

    @Test
    void tokenizerAndModelThatDoNotMatch() {
        Path small = Fixture.model(dir.resolve("vocab500"), c -> ModelConfig.of(c.modelType(), 500, c.hiddenSize(),
                c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim()));
        int highestId;
        try (Tokenizer tokenizer = Tokenizer.load(small)) {
            highestId = tokenizer.vocabSize() - 1; // the embedded default's tokenizer, larger than 500
        }
        Fixture.Result r = attribute(small, "mismatch-out.jsonl");
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: " + small.resolve("tokenizer.json")
                + ": token ids reach " + highestId + " but the model's vocab_size is 500: tokenizer and model do not match", r.lastError());
    }

    /** Refused at load, naming the tensor, by every command that loads a model: never trained on or scored. */
    @Test
    void nanWeights() {
        Path broken = dir.resolve("nan");
        try (CausalLM m = CausalLM.load(model)) {
            m.parameters().get("model.layers.1.mlp.down_proj.weight").set(new NDIndex("3, 5"), Float.NaN);
            CheckpointWriter.save(m, broken);
        }
        Fixture.copyTokenizer(model, broken);
        String expected = broken.resolve("model.safetensors") + ": tensor 'model.layers.1.mlp.down_proj.weight' holds 1 NaN "
                + "or infinite value: the checkpoint is broken";

        Fixture.Result r = attribute(broken, "nan-out.jsonl");
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: " + expected, r.lastError());

        Path trained = dir.resolve("nan-trained");
        Fixture.Result t = run("train", "--model", broken.toString(), "--in", traces.toString(), "--out", trained.toString(),
                "--mask", "full", "--epochs", "1");
        assertEquals(Main.BAD_INPUT, t.code(), t.err());
        assertEquals("segattr train: " + expected, t.lastError());
        assertFalse(Files.exists(trained.resolve("model.safetensors")));
    }

    @Test
    void unsupportedArchitecture() throws IOException {
        Path gpt2 = Fixture.copy(model, dir.resolve("gpt2"));
        Path config = gpt2.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"model_type\" : \"qwen3\"", "\"model_type\" : \"gpt2\""));
        Fixture.Result r = attribute(gpt2, "arch-out.jsonl");
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr attribute: " + config + ": field 'model_type': 'gpt2' is not supported (supported: llama, qwen2, qwen3)",
                r.lastError());
    }

    @Test
    void truncatedCheckpoint() throws IOException {
        Path cut = Fixture.copy(model, dir.resolve("cut"));
        Path weights = cut.resolve("model.safetensors");
        long size = Files.size(weights);
        try (FileChannel c = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            c.truncate(size / 2); // a download or copy that stopped half way
        }
        Fixture.Result r = attribute(cut, "cut-out.jsonl");
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.lastError().startsWith("segattr attribute: " + weights + ": truncated: tensor '"), r.lastError());
        assertTrue(r.lastError().endsWith("file has " + size / 2 + " bytes"), r.lastError());
    }

    @Test
    void unreadableCheckpoint() throws IOException {
        Path garbage = Fixture.copy(model, dir.resolve("garbage"));
        Files.write(garbage.resolve("model.safetensors"), "this is not a tensor file".getBytes());
        Fixture.Result r = attribute(garbage, "garbage-out.jsonl");
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.lastError().startsWith("segattr attribute: " + garbage.resolve("model.safetensors") + ": not a safetensors file"),
                r.lastError());

        Path missing = Fixture.copy(model, dir.resolve("missing"));
        Files.delete(missing.resolve("model.safetensors"));
        Files.createDirectory(missing.resolve("model.safetensors")); // there, but not a file one can read
        Fixture.Result m = attribute(missing, "missing-out.jsonl");
        assertEquals(Main.BAD_INPUT, m.code());
        assertEquals("segattr attribute: " + missing + ": no model.safetensors or model.safetensors.index.json "
                + "(only safetensors checkpoints are supported)", m.lastError());
    }
}

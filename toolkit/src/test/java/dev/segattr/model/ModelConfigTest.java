package dev.segattr.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segattr.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

    @TempDir
    Path tmp;

    Path write(String json) throws IOException {
        Path p = tmp.resolve("config.json");
        Files.writeString(p, json);
        return p;
    }

    static final String LLAMA_V4 = """
            {"model_type": "llama", "vocab_size": 1000, "hidden_size": 64, "intermediate_size": 128,
             "num_hidden_layers": 2, "num_attention_heads": 8, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
             "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                              "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},
             "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "tie_word_embeddings": true,
             "max_position_embeddings": 131072}
            """;

    @Test
    void readsTransformers4LayoutWithDefaults() throws IOException {
        ModelConfig c = ModelConfig.read(write(LLAMA_V4));
        assertEquals("llama", c.modelType());
        assertEquals(8, c.numKeyValueHeads());               // default: as many as query heads
        assertEquals(8, c.headDim());                        // default: hidden / heads
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(RopeScaling.llama3(8, 1, 4, 8192), c.ropeScaling());
        assertEquals(List.of(128001L, 128008L, 128009L), c.eosTokenIds());
        assertEquals(128000L, c.bosTokenId());
        assertNull(c.padTokenId());
        assertTrue(c.tieWordEmbeddings());
        assertFalse(c.qkvBias());
        assertFalse(c.qkNorm());
    }

    @Test
    void readsTransformers5LayoutOfTheFixtures() {
        ModelConfig qwen3 = ModelConfig.read(Fixtures.dir(Fixtures.QWEN3_SHARDED).resolve("config.json"));
        assertEquals(16, qwen3.headDim());                   // explicit, not hidden / heads = 8
        assertEquals(20000.0, qwen3.ropeTheta());
        assertEquals(RopeScaling.linear(2), qwen3.ropeScaling());
        assertTrue(qwen3.qkNorm());
        ModelConfig qwen2 = ModelConfig.read(Fixtures.dir(Fixtures.QWEN2_BF16).resolve("config.json"));
        assertTrue(qwen2.qkvBias());                         // qwen2: always, without a flag
        assertFalse(qwen2.outputBias());
        assertEquals(List.of(5L), qwen2.eosTokenIds());
        assertEquals(RopeScaling.yarn(2, 512), qwen2.ropeScaling());
        ModelConfig llama = ModelConfig.read(Fixtures.dir(Fixtures.LLAMA).resolve("config.json"));
        assertTrue(llama.qkvBias() && llama.outputBias());   // attention_bias: true
        assertFalse(llama.tieWordEmbeddings());
    }

    @Test
    void qwen3HeadDimDefaultsTo128AsInTransformers() throws IOException {
        ModelConfig c = ModelConfig.read(write("""
                {"model_type": "qwen3", "vocab_size": 10, "hidden_size": 64, "intermediate_size": 8,
                 "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1}"""));
        assertEquals(128, c.headDim());
    }

    @Test
    void writeThenReadGivesTheSameConfig() {
        for (String name : Fixtures.ALL) {
            ModelConfig c = ModelConfig.read(Fixtures.dir(name).resolve("config.json"));
            Path out = tmp.resolve(name + ".json");
            c.write(out);
            assertEquals(c, ModelConfig.read(out), name);
        }
        ModelConfig withList = ModelConfig.of("qwen2", 10, 8, 8, 1, 2, 1, 4).withTokens(1L, List.of(2L, 3L), null);
        withList.write(tmp.resolve("w.json"));
        assertEquals(withList, ModelConfig.read(tmp.resolve("w.json")));
    }

    @Test
    void unsupportedModelTypeNamesFileAndField() throws IOException {
        Path p = write("{\"model_type\": \"gpt2\", \"vocab_size\": 10}");
        BadInputException e = assertThrows(BadInputException.class, () -> ModelConfig.read(p));
        assertEquals(p + ": field 'model_type': 'gpt2' is not supported (supported: llama, qwen2, qwen3)",
                e.getMessage());
    }

    @Test
    void unsupportedOrIncompleteRopeScalingIsRefused() throws IOException {
        Path dynamic = write(LLAMA_V4.replace("\"llama3\"", "\"dynamic\""));
        BadInputException e = assertThrows(BadInputException.class, () -> ModelConfig.read(dynamic));
        assertTrue(e.getMessage().startsWith(dynamic + ": field 'rope_scaling': rope type 'dynamic' is not"),
                e.getMessage());
        Path noLow = write(LLAMA_V4.replace("\"low_freq_factor\": 1.0,", ""));
        e = assertThrows(BadInputException.class, () -> ModelConfig.read(noLow));
        assertTrue(e.getMessage().contains("needs 'low_freq_factor'"), e.getMessage());
    }

    @Test
    void badFieldsAreOneLineMessages() throws IOException {
        Path missing = write("{\"model_type\": \"qwen2\", \"vocab_size\": 10}");
        assertEquals(missing + ": field 'hidden_size': missing",
                assertThrows(BadInputException.class, () -> ModelConfig.read(missing)).getMessage());
        Path kv = write(LLAMA_V4.replace("\"num_attention_heads\": 8", "\"num_attention_heads\": 8, "
                + "\"num_key_value_heads\": 3"));
        assertTrue(assertThrows(BadInputException.class, () -> ModelConfig.read(kv)).getMessage()
                .contains("field 'num_key_value_heads': 3 does not divide num_attention_heads 8"));
        Path sliding = write(LLAMA_V4.replace("\"llama\"", "\"qwen2\"").replace("{\"model_type\"",
                "{\"use_sliding_window\": true, \"model_type\""));
        assertTrue(assertThrows(BadInputException.class, () -> ModelConfig.read(sliding)).getMessage()
                .contains("field 'use_sliding_window'"));
        Path notJson = write("{\"model_type\": ");
        assertTrue(assertThrows(BadInputException.class, () -> ModelConfig.read(notJson)).getMessage()
                .startsWith(notJson + ": not valid JSON"));
        assertEquals(tmp.resolve("none.json") + ": no such file", assertThrows(BadInputException.class,
                () -> ModelConfig.read(tmp.resolve("none.json"))).getMessage());
    }

    /**
     * Scaled frequencies for head_dim 8, theta 10000, as transformers 5.18 computes them (modeling_rope_utils,
     * printed from torch float32, hence the 1e-7 tolerance).
     */
    @Test
    void scaledFrequenciesMatchTransformers() {
        double[] base = new double[4];
        for (int i = 0; i < 4; i++) {
            base[i] = 1 / Math.pow(10000, 2.0 * i / 8);
        }
        // Wavelengths 6.3, 63, 628, 6283 against an original length of 1024: kept, kept, blended, divided.
        assertArrayEquals(new double[] {1.0, 0.1, 0.003086760640144348, 0.000125},
                RopeScaling.llama3(8, 1, 4, 1024).scale(base, 10000, 8), 1e-7);
        RopeScaling yarn = RopeScaling.yarn(4, 64);
        assertArrayEquals(new double[] {1.0, 0.0625, 0.0025, 0.00025}, yarn.scale(base, 10000, 8), 1e-7);
        assertEquals(0.1 * Math.log(4) + 1, yarn.attentionScaling(), 1e-12);
        RopeScaling tuned = new RopeScaling("yarn", 4, 64, null, null, 16.0, null, null, 2.0, 1.0, false);
        assertArrayEquals(new double[] {1.0, 0.025595249608, 0.0025, 0.00025}, tuned.scale(base, 10000, 8), 1e-7);
        assertEquals(1.121751143713058, tuned.attentionScaling(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.05, 0.005, 0.0005}, RopeScaling.linear(2).scale(base, 10000, 8), 1e-12);
    }
}

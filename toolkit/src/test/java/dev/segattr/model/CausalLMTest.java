package dev.segattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CausalLMTest {

    @Test
    void aDeviceIsNamedCpuOrGpuAndAMissingGpuIsBadInput() {
        assertEquals(ai.djl.Device.cpu(), CausalLM.device("cpu"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.segattr.BadInputException.class, () -> CausalLM.device("tpu"));
        assertEquals("device must be cpu or gpu, got 'tpu'", e.getMessage());
        if (Engine.getInstance().getGpuCount() == 0) {
            var none = org.junit.jupiter.api.Assertions.assertThrows(dev.segattr.BadInputException.class, () -> CausalLM.device("gpu"));
            assertTrue(none.getMessage().startsWith("device gpu: DJL sees no GPU"), none.getMessage());
        } else {
            assertTrue(CausalLM.device("gpu").isGpu());
        }
    }


    @TempDir
    Path tmp;

    static final long[][] IDS = {{12, 40, 7, 99, 3, 61, 18, 25}, {5, 5, 90, 14, 33, 2, 70, 41}};

    static ModelConfig tinyQwen3() {
        return ModelConfig.of("qwen3", 96, 32, 64, 2, 4, 2, 16).withTokens(null, List.of(1L), 0L);
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LLAMA, Fixtures.QWEN2_BF16, Fixtures.QWEN3_SHARDED})
    void saveThenLoadGivesIdenticalLogits(String name) {
        Path saved = tmp.resolve(name);
        try (CausalLM model = CausalLM.load(Fixtures.dir(name)); NDManager m = NDManager.newBaseManager()) {
            CheckpointWriter.save(model, saved);
            exportForTransformers(saved, name);
            assertTrue(Files.isRegularFile(saved.resolve("config.json")));
            assertTrue(Files.isRegularFile(saved.resolve("model.safetensors")));
            assertEquals(model.config(), ModelConfig.read(saved.resolve("config.json")));
            try (CausalLM again = CausalLM.load(saved)) {
                for (Fixtures.Case c : Fixtures.cases(name)) {
                    NDArray a = model.forwardIds(c.ids(m), c.mask(m));
                    NDArray b = again.forwardIds(c.ids(m), c.mask(m));
                    assertEquals(0f, a.sub(b).abs().max().getFloat(), name + "/" + c.name());
                }
            }
        }
    }

    /**
     * With the environment variable SEGATTR_MODEL_EXPORT_DIR=DIR the saved folders are copied there, for the
     * by-hand check that transformers loads them: python src/test/python/make_model_fixtures.py --verify DIR/NAME NAME
     */
    static void exportForTransformers(Path saved, String name) {
        String dir = System.getenv("SEGATTR_MODEL_EXPORT_DIR");
        if (dir == null) {
            return;
        }
        try {
            Path target = Path.of(dir, name);
            Files.createDirectories(target);
            for (String f : List.of("config.json", "model.safetensors")) {
                Files.copy(saved.resolve(f), target.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void tiedHeadIsNotSavedTwiceAndHeaderIsWhatTransformersExpects() throws Exception {
        try (CausalLM model = CausalLM.init(tinyQwen3().withTiedEmbeddings(true), 1)) {
            assertFalse(model.parameters().containsKey("lm_head.weight"));
            CheckpointWriter.save(model, tmp.resolve("tied"));
        }
        try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("tied/model.safetensors"))) {
            assertFalse(f.entries().containsKey("lm_head.weight"));
            assertEquals(CausalLM.parameterShapes(tinyQwen3().withTiedEmbeddings(true)).keySet(),
                    f.entries().keySet());
            long next = -1;
            for (SafetensorsFile.Entry e : f.entries().values()) {
                assertEquals("F32", e.dtype());
                assertTrue(next < 0 || e.begin() == next, "tensors are back to back");
                next = e.end();
            }
        }
        byte[] bytes = Files.readAllBytes(tmp.resolve("tied/model.safetensors"));
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);
    }

    @Test
    void savingIntoAnExistingFolderKeepsOtherFilesAndDropsStaleShards() throws Exception {
        Path dir = tmp.resolve("existing");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        for (String f : List.of("model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors")) {
            Files.copy(Fixtures.dir(Fixtures.QWEN3_SHARDED).resolve(f), dir.resolve(f));
        }
        try (CausalLM model = CausalLM.init(tinyQwen3(), 2)) {
            CheckpointWriter.save(model, dir);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        CausalLM.load(dir).close();
    }

    @Test
    void loadedModelHoldsOneArrayPerParameter() {
        try (CausalLM model = CausalLM.load(Fixtures.dir(Fixtures.QWEN3_SHARDED))) {
            assertEquals(model.parameters().size(), model.manager().getManagedArrays().size());
        }
    }

    @Test
    void initIsReproducibleFromTheSeed() {
        try (CausalLM a = CausalLM.init(tinyQwen3(), 7); CausalLM b = CausalLM.init(tinyQwen3(), 7);
             CausalLM c = CausalLM.init(tinyQwen3(), 8)) {
            assertEquals(List.copyOf(CausalLM.parameterShapes(tinyQwen3()).keySet()),
                    List.copyOf(a.parameters().keySet()));
            NDArray wa = a.parameters().get("model.layers.1.mlp.up_proj.weight");
            assertEquals(wa, b.parameters().get("model.layers.1.mlp.up_proj.weight"));
            assertNotEquals(wa, c.parameters().get("model.layers.1.mlp.up_proj.weight"));
            float std = (float) Math.sqrt(wa.square().mean().getFloat());
            assertEquals(0.02f, std, 0.002f);
            assertEquals(1f, a.parameters().get("model.norm.weight").mean().getFloat());
            assertEquals(1f, a.parameters().get("model.layers.0.self_attn.q_norm.weight").mean().getFloat());
        }
    }

    @Test
    void forwardFromEmbeddingsEqualsForwardFromIds() {
        try (CausalLM model = CausalLM.load(Fixtures.dir(Fixtures.QWEN3_SHARDED));
             NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(IDS);
            NDArray fromIds = model.forwardIds(ids, null);
            NDArray embeds = model.embed(ids);
            assertEquals(new Shape(2, 8, 32), embeds.getShape());
            assertEquals(m, embeds.getManager());
            NDArray fromEmbeds = model.forward(embeds, null);
            assertEquals(m, fromEmbeds.getManager());
            assertEquals(new Shape(2, 8, 192), fromEmbeds.getShape());
            assertEquals(0f, fromIds.sub(fromEmbeds).abs().max().getFloat());
        }
    }

    @Test
    void fullyPaddedRowsAndPaddingPositionsStayFinite() {
        try (CausalLM model = CausalLM.load(Fixtures.dir(Fixtures.LLAMA)); NDManager m = NDManager.newBaseManager()) {
            NDArray mask = m.create(new long[][] {{0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 1, 1, 1, 0, 0}});
            NDArray logits = model.forwardIds(m.create(IDS), mask);
            assertFalse(logits.isNaN().any().getBoolean());
            assertFalse(logits.isInfinite().any().getBoolean());
        }
    }

    /**
     * A long sequence: the rotary table (first 256 positions) grows, and with 1100 positions the queries go
     * in two blocks (block 953). By causality each position must match the last position of its prefix,
     * computed in one block.
     */
    @Test
    void longSequenceAgreesWithItsPrefixes() {
        try (CausalLM model = CausalLM.load(Fixtures.dir(Fixtures.QWEN3_SHARDED));
             NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.randomInteger(0, 192, new Shape(1, 1100), DataType.INT64);
            NDArray full = model.forwardIds(ids, null);
            assertFalse(full.isNaN().any().getBoolean());
            NDArray prefix = model.forwardIds(ids.get(":, :40"), null);
            assertTrue(full.get(":, :40").sub(prefix).abs().max().getFloat() < 1e-5f);
            NDArray upTo1000 = model.forwardIds(ids.get(":, :1001"), null);   // one block
            assertTrue(full.get(":, 1000").sub(upTo1000.get(":, 1000")).abs().max().getFloat() < 1e-5f);
        }
    }

    /** d/dx of a log-probability w.r.t. the input embeddings agrees with a central finite difference. */
    @Test
    void gradientWithRespectToEmbeddingsMatchesFiniteDifferences() {
        try (CausalLM model = CausalLM.load(Fixtures.dir(Fixtures.QWEN3_SHARDED));
             NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(new long[][] {IDS[0]});
            NDArray x = model.embed(ids).toType(DataType.FLOAT64, false).toType(DataType.FLOAT32, false);
            NDArray direction = m.randomNormal(x.getShape());
            x.setRequiresGradient(true);
            float analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray target = target(model, x);
                gc.backward(target);
                analytic = x.getGradient().mul(direction).sum().getFloat();
            }
            float eps = 1e-2f;
            float up = target(model, x.add(direction.mul(eps))).getFloat();
            float down = target(model, x.sub(direction.mul(eps))).getFloat();
            float numeric = (up - down) / (2 * eps);
            assertNotEquals(0f, analytic);
            assertEquals(numeric, analytic, 2e-2f * Math.max(1f, Math.abs(numeric)));
            for (NDArray p : model.parameters().values()) {
                assertFalse(p.hasGradient(), "parameters must stay out of the backward pass by default");
            }
        }
    }

    /** With requiresGradient set on parameters (training), they receive gradients through the forward. */
    @Test
    void gradientWithRespectToParametersMatchesFiniteDifferences() {
        try (CausalLM model = CausalLM.init(tinyQwen3(), 3); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = model.parameters();
            NDArray w = p.get("model.layers.0.self_attn.k_proj.weight");
            NDArray norm = p.get("model.layers.1.self_attn.q_norm.weight");
            NDArray ids = m.create(new long[][] {{3, 14, 15, 92, 65, 35}});
            NDArray dw = m.randomNormal(w.getShape());
            w.setRequiresGradient(true);
            norm.setRequiresGradient(true);
            float analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(target(model, model.embed(ids)));
                analytic = w.getGradient().mul(dw).sum().getFloat();
                assertTrue(norm.getGradient().abs().sum().getFloat() > 0, "q_norm weight got no gradient");
            }
            float eps = 1e-3f;
            w.addi(dw.mul(eps));
            float up = target(model, model.embed(ids)).getFloat();
            w.subi(dw.mul(2 * eps));
            float down = target(model, model.embed(ids)).getFloat();
            w.addi(dw.mul(eps));
            float numeric = (up - down) / (2 * eps);
            assertNotEquals(0f, analytic);
            assertEquals(numeric, analytic, 2e-2f * Math.max(1f, Math.abs(numeric)));
        }
    }

    /** log p(token 5 at the last position) + log p(token 9 at position 2), a scalar to differentiate. */
    static NDArray target(CausalLM model, NDArray embeds) {
        NDArray logp = model.forward(embeds, null).logSoftmax(-1);
        long t = embeds.getShape().get(1);
        return logp.get(new NDIndex("0, {}, 5", t - 1)).add(logp.get(new NDIndex("0, 2, 9")));
    }

    /** Temporaries are scoped: repeated forwards leave no arrays in the model's or the caller's manager. */
    @Test
    void repeatedForwardsLeaveNoArraysBehind() {
        try (CausalLM model = CausalLM.load(Fixtures.dir(Fixtures.LLAMA)); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(IDS);
            NDArray mask = m.create(new long[][] {{1, 1, 1, 1, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 1, 1, 1}});
            model.forwardIds(ids, mask).close();                  // first call builds the rotary table
            int modelArrays = model.manager().getManagedArrays().size();
            int callerArrays = m.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                model.forwardIds(ids, mask).close();
                NDArray embeds = model.embed(ids);
                model.forward(embeds, mask).close();
                embeds.close();
            }
            assertEquals(modelArrays, model.manager().getManagedArrays().size());
            assertEquals(callerArrays, m.getManagedArrays().size());
            // Recording gradients does not leak into the model's manager either. (DJL's backward leaves its
            // seed gradient in the target's manager, hence the step manager here.)
            try (NDManager step = m.newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = model.embed(ids);
                x.attach(step);
                x.setRequiresGradient(true);
                NDArray y = model.forward(x, mask).sum();
                gc.backward(y);
                assertTrue(x.getGradient().abs().sum().getFloat() > 0);
            }
            assertEquals(modelArrays, model.manager().getManagedArrays().size());
            assertEquals(callerArrays, m.getManagedArrays().size());
        }
    }

    /** Loaded weights own their memory (not the file's read-only map): in-place updates are safe. */
    @Test
    void loadedWeightsAreWritableCopies() {
        try (CausalLM model = CausalLM.load(Fixtures.dir(Fixtures.LLAMA)); NDManager m = NDManager.newBaseManager()) {
            System.gc();
            Fixtures.Case c = Fixtures.cases(Fixtures.LLAMA).get(0);
            model.parameters().values().forEach(p -> p.muli(1f));
            float diff = model.forwardIds(c.ids(m), null).sub(Fixtures.referenceLogits(Fixtures.LLAMA, c, m))
                    .abs().max().getFloat();
            assertTrue(diff < 1e-4f, "logits moved by " + diff);
        }
    }

    /** float16 runs on the CPU too (norms and softmax in float32): logits close to float32 ones. */
    @Test
    void float16ModelGivesCloseLogits() {
        try (CausalLM f32 = CausalLM.load(Fixtures.dir(Fixtures.LLAMA));
             CausalLM f16 = CausalLM.load(Fixtures.dir(Fixtures.LLAMA), ai.djl.Device.cpu(), DataType.FLOAT16);
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(DataType.FLOAT16, f16.parameters().get("lm_head.weight").getDataType());
            NDArray a = f32.forwardIds(m.create(IDS), null);
            NDArray b = f16.forwardIds(m.create(IDS), null);
            assertEquals(DataType.FLOAT32, b.getDataType());
            float diff = a.sub(b).abs().max().getFloat();
            float scale = a.abs().max().getFloat();
            System.out.printf("float16 vs float32 logits: max abs diff %.3g (logits up to %.3g)%n", diff, scale);
            assertTrue(diff < 0.02f * scale, "float16 logits off by " + diff);
            // float32 embeddings are cast to the model's dtype: the same as the model's own float16 embeddings.
            assertEquals(b, f16.forward(f32.embed(m.create(IDS)), null));
            try (CausalLM init16 = CausalLM.init(tinyQwen3(), 7, ai.djl.Device.cpu(), DataType.FLOAT16);
                 CausalLM init32 = CausalLM.init(tinyQwen3(), 7)) {
                NDArray w16 = init16.parameters().get("model.embed_tokens.weight");
                assertEquals(DataType.FLOAT16, w16.getDataType());
                assertEquals(init32.parameters().get("model.embed_tokens.weight").toType(DataType.FLOAT16, false), w16);
            }
        }
    }
}

package dev.segattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint reading: dtypes, shards, chunked copies, and every kind of bad file as a one-line message. */
class CheckpointTest {

    @TempDir
    Path tmp;
    Path dir;
    static final ModelConfig CONFIG = ModelConfig.of("llama", 64, 16, 32, 1, 2, 1, 8);

    /** A raw tensor for {@link #writeRaw}: dtype as safetensors names it, shape, little-endian bytes. */
    record Raw(String dtype, long[] shape, byte[] data) {
    }

    /** A safetensors writer independent of the one under test. */
    static void writeRaw(Path file, Map<String, Raw> tensors) throws IOException {
        ObjectNode header = new ObjectMapper().createObjectNode();
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Raw> t : tensors.entrySet()) {
            ObjectNode e = header.putObject(t.getKey());
            e.put("dtype", t.getValue().dtype());
            for (long d : t.getValue().shape()) {
                e.withArray("shape").add(d);
            }
            e.putArray("data_offsets").add(offset).add(offset + t.getValue().data().length);
            offset += t.getValue().data().length;
            data.write(t.getValue().data());
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
        Files.write(file, concat(prefix.array(), json, data.toByteArray()));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The model's parameters as raw tensors: F32, F16 (rounded by the engine) or BF16 (float32 bits cut). */
    static Map<String, Raw> raw(CausalLM model, String dtype) {
        Map<String, Raw> out = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> {
            byte[] bytes;
            if (dtype.equals("F16")) {
                try (NDArray half = p.toType(DataType.FLOAT16, false)) {
                    ByteBuffer b = half.toByteBuffer();
                    bytes = new byte[b.remaining()];
                    b.get(bytes);
                }
            } else {
                float[] v = p.toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * (dtype.equals("F32") ? 4 : 2))
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    if (dtype.equals("F32")) {
                        b.putFloat(f);
                    } else {
                        b.putShort((short) (Float.floatToRawIntBits(f) >>> 16));
                    }
                }
                bytes = b.array();
            }
            out.put(name, new Raw(dtype, p.getShape().getShape(), bytes));
        });
        return out;
    }

    @BeforeEach
    void saveModel() {
        dir = tmp.resolve("model");
        try (CausalLM model = CausalLM.init(CONFIG, 5)) {
            CheckpointWriter.save(model, dir);
        }
    }

    BadInputException loadFails() {
        return assertThrows(BadInputException.class, () -> CausalLM.load(dir));
    }

    @Test
    void f16AndBf16CheckpointsLoadAsTheirExactValues() throws IOException {
        try (CausalLM model = CausalLM.load(dir)) {
            for (String dtype : List.of("F16", "BF16")) {
                writeRaw(dir.resolve("model.safetensors"), raw(model, dtype));
                try (CausalLM narrow = CausalLM.load(dir)) {
                    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                        NDArray want = e.getValue();
                        NDArray expected = dtype.equals("F16")
                                ? want.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false)
                                : truncateToBf16(want);
                        assertEquals(expected, narrow.parameters().get(e.getKey()), dtype + " " + e.getKey());
                    }
                }
            }
        }
    }

    static NDArray truncateToBf16(NDArray a) {
        float[] v = a.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(Float.floatToRawIntBits(v[i]) & 0xffff0000);
        }
        return a.getManager().create(v, a.getShape());
    }

    @Test
    void chunkedCopiesEqualWholeCopies() throws IOException {
        try (CausalLM model = CausalLM.load(dir); NDManager m = NDManager.newBaseManager()) {
            for (String dtype : List.of("F32", "BF16")) {
                writeRaw(tmp.resolve("t.safetensors"), raw(model, dtype));
                try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("t.safetensors"))) {
                    NDArray whole = f.read("model.embed_tokens.weight", m, DataType.FLOAT32);
                    NDArray chunked = f.read("model.embed_tokens.weight", m, DataType.FLOAT32, 100);
                    assertEquals(whole, chunked);
                    NDArray half = f.read("model.embed_tokens.weight", m, DataType.FLOAT16, 100);
                    assertEquals(DataType.FLOAT16, half.getDataType());
                    assertEquals(whole.toType(DataType.FLOAT16, false), half);
                }
            }
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        try (CausalLM model = CausalLM.load(dir)) {
            Map<String, Raw> tensors = raw(model, "F32");
            tensors.remove("model.layers.0.self_attn.v_proj.weight");
            writeRaw(dir.resolve("model.safetensors"), tensors);
        }
        assertEquals(dir + ": tensor 'model.layers.0.self_attn.v_proj.weight' is missing from the checkpoint",
                loadFails().getMessage());
    }

    @Test
    void shapeThatDisagreesWithConfigIsNamed() throws IOException {
        String json = Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\" : 32",
                "\"intermediate_size\" : 48");
        Files.writeString(dir.resolve("config.json"), json);
        assertEquals(dir.resolve("model.safetensors") + ": tensor 'model.layers.0.mlp.gate_proj.weight' has shape"
                + " (32, 16), config.json implies (48, 16)", loadFails().getMessage());
    }

    @Test
    void unexpectedTensorIsNamed() throws IOException {
        try (CausalLM model = CausalLM.load(dir)) {
            Map<String, Raw> tensors = raw(model, "F32");
            tensors.put("model.layers.0.self_attn.q_proj.bias", new Raw("F32", new long[] {16}, new byte[64]));
            writeRaw(dir.resolve("model.safetensors"), tensors);
        }
        assertTrue(loadFails().getMessage().endsWith(": unexpected tensor 'model.layers.0.self_attn.q_proj.bias'"
                + " for a llama model as config.json describes it"));
    }

    @Test
    void unsupportedDtypeIsNamed() throws IOException {
        try (CausalLM model = CausalLM.load(dir)) {
            Map<String, Raw> tensors = raw(model, "F32");
            tensors.put("model.norm.weight", new Raw("I64", new long[] {16}, new byte[128]));
            writeRaw(dir.resolve("model.safetensors"), tensors);
        }
        assertEquals(dir.resolve("model.safetensors") + ": tensor 'model.norm.weight' has dtype I64"
                + " (supported: F32, F16, BF16)", loadFails().getMessage());
    }

    @Test
    void truncatedFileIsNamedNotACrash() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 100);
        }
        String message = loadFails().getMessage();
        assertTrue(message.startsWith(file + ": truncated: tensor 'lm_head.weight' ends at byte"), message);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(20);
        }
        assertTrue(loadFails().getMessage().startsWith(file + ": truncated: header of "));
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(5);
        }
        assertEquals(file + ": truncated: 5 bytes, not even a safetensors header", loadFails().getMessage());
    }

    @Test
    void garbageInsteadOfSafetensorsIsNamed() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n");
        assertTrue(loadFails().getMessage().startsWith(file + ": not a safetensors file (header length "));
        byte[] header = "{\"a\": {\"dtype\": \"F32\"}}".getBytes(StandardCharsets.UTF_8);
        Files.write(file, concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length)
                .array(), header));
        assertTrue(loadFails().getMessage().startsWith(file + ": tensor 'a': malformed header entry"));
    }

    @Test
    void shardedIndexProblemsAreNamed() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        assertEquals(dir + ": no model.safetensors or model.safetensors.index.json (only safetensors"
                + " checkpoints are supported)", loadFails().getMessage());
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00002.safetensors\"}}");
        assertEquals(dir.resolve("model.safetensors.index.json") + ": tensor 'model.norm.weight' is in"
                + " model-00001-of-00002.safetensors, which does not exist", loadFails().getMessage());
    }
}

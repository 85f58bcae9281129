package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.trace.JsonLines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The golden values that toolkit/src/test/python/make_sft_fixtures.py wrote with PyTorch. */
final class SftFixtures {

    static final Path ROOT = Path.of("src/test/resources/fixtures/sft");

    private SftFixtures() {
    }

    /** The Qwen3 tokenizer (tokenizer.json unpacked from the model package's fixture, tokenizer_config.json) in {@code dir}. */
    static Path qwen3Tokenizer(Path dir) {
        Path from = Path.of("src/test/resources/fixtures/tokenizers/qwen3");
        try {
            Files.createDirectories(dir);
            try (InputStream gz = new java.util.zip.GZIPInputStream(Files.newInputStream(from.resolve("tokenizer.json.gz")))) {
                Files.copy(gz, dir.resolve("tokenizer.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(from.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path dir(String name) {
        return ROOT.resolve(name);
    }

    static JsonNode json(Path file) {
        try {
            return JsonLines.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every tensor of a safetensors file by name, owned by {@code manager}. */
    static Map<String, NDArray> tensors(NDManager manager, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : NDList.decode(manager, in)) {
                byName.put(a.getName(), a);
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** max |a - b| / max(max |b|, 1e-12): one number for "agrees to float32 rounding". */
    static double relativeError(NDArray actual, NDArray expected) {
        float[] a = actual.toFloatArray();
        float[] b = expected.toFloatArray();
        if (a.length != b.length) {
            throw new AssertionError("sizes differ: " + a.length + " vs " + b.length);
        }
        double diff = 0;
        double scale = 1e-12;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }
}

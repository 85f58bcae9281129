package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The golden checkpoints written by src/test/python/make_model_fixtures.py: tiny random models of each
 * family, token-id cases and the logits transformers computed for them.
 */
final class Fixtures {

    static final String LLAMA = "llama_gqa_untied";
    static final String QWEN2_BF16 = "qwen2_tied_bf16";
    static final String QWEN3_SHARDED = "qwen3_qknorm_sharded";
    static final List<String> ALL = List.of(LLAMA, QWEN2_BF16, QWEN3_SHARDED);

    /** One input of a fixture: ids and mask (B, T), and the reference logits file entry. */
    record Case(String name, long[][] ids, long[][] mask) {
        NDArray ids(NDManager m) {
            return m.create(ids);
        }

        NDArray mask(NDManager m) {
            return m.create(mask);
        }
    }

    private Fixtures() {
    }

    static Path dir(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/models/" + name + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Case> cases(String name) {
        try {
            JsonNode root = new ObjectMapper().readTree(dir(name).resolve("cases.json").toFile());
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                cases.add(new Case(c.get("name").asText(), matrix(c.get("ids")), matrix(c.get("mask"))));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** transformers' logits (B, T, V) for a case. */
    static NDArray referenceLogits(String name, Case c, NDManager m) {
        try (SafetensorsFile f = SafetensorsFile.open(dir(name).resolve("logits.safetensors"))) {
            return f.read(c.name(), m, DataType.FLOAT32);
        }
    }

    /** Largest |a - b| over the positions where the mask is 1 (padding positions carry no meaning). */
    static float maxDiffOnTokens(NDArray a, NDArray b, NDArray mask) {
        NDArray keep = mask.toType(DataType.FLOAT32, false).expandDims(-1);
        return a.sub(b).abs().mul(keep).max().getFloat();
    }

    private static long[][] matrix(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = rows.get(i).get(j).asLong();
            }
        }
        return out;
    }
}

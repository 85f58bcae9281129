package dev.segattr.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The committed tokenizer fixtures (see toolkit/src/test/python/make_tokenizer_fixtures.py). */
public final class TokenizerFixtures {

    static final String ROOT = "/fixtures/tokenizers/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFixtures() {
    }

    /** The Qwen3 tokenizer folder (tokenizer.json unpacked from its .gz, tokenizer_config.json) under {@code dir}. */
    public static Path qwen3(Path dir) {
        try {
            Files.createDirectories(dir);
            try (InputStream gz = new GZIPInputStream(resource("qwen3/tokenizer.json.gz"))) {
                Files.copy(gz, dir.resolve("tokenizer.json"));
            }
            try (InputStream config = resource("qwen3/tokenizer_config.json")) {
                Files.copy(config, dir.resolve("tokenizer_config.json"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        try (InputStream in = resource(name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = TokenizerFixtures.class.getResourceAsStream(ROOT + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + ROOT + name);
        }
        return in;
    }

    public static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}

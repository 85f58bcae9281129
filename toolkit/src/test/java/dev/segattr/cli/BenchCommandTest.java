package dev.segattr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.trace.JsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.segattr.cli.SegmentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** segattr bench from the command line, on tiny sizes. */
class BenchCommandTest {

    static final String[] TINY = {"--hidden", "64", "--layers", "2", "--vocab", "128", "--seq-len", "24",
            "--steps", "4", "--batch", "2", "--repeats", "1", "--train-steps", "1", "--prompt-tokens", "6",
            "--new-tokens", "3"};

    @TempDir
    Path dir;

    @Test
    void printsTheChosenSectionsAsJson() throws IOException {
        SegmentCommandTest.Result r = run(concat("bench", "--sections", "attribution", "--threads", "1"));
        assertEquals(0, r.code(), r.err());
        JsonNode json = JsonLines.MAPPER.readTree(r.out());
        assertEquals(1, json.get("threads").asInt());
        JsonNode a = json.get("attribution");
        assertEquals(24, a.get("seq_len").asInt());
        assertTrue(a.get("token_points_per_second").asDouble() > 0);
        assertTrue(a.get("work").get("peak_fraction").asDouble() > 0);
        assertTrue(a.get("memory").get("peak_resident_mb").asDouble() > 0);
        assertFalse(json.has("training") || json.has("generation"), r.out());
    }

    @Test
    void writesToOutAndMeasuresASavedCheckpoint() throws IOException {
        Path model = dir.resolve("model");
        Path first = dir.resolve("first.json");
        assertEquals(0, run(concat("bench", "--sections", "generation", "--save-model", model.toString(),
                "--out", first.toString())).code());
        assertTrue(Files.isRegularFile(model.resolve("config.json")));
        assertEquals("init", JsonLines.MAPPER.readTree(first.toFile()).get("model").get("source").asText());

        Path second = dir.resolve("second.json");
        SegmentCommandTest.Result r = run(concat("bench", "--sections", "generation", "--model", model.toString(),
                "--out", second.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        JsonNode json = JsonLines.MAPPER.readTree(second.toFile());
        assertEquals(model.toString(), json.get("model").get("source").asText());
        assertTrue(json.get("generation").get("same_tokens").asBoolean());
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        SegmentCommandTest.Result r = run(concat("bench", "--sections", "speed"));
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("segattr bench: unknown section 'speed' (attribution, convergence, generation, training)", r.err().strip());

        r = run("bench", "--model", dir.resolve("nothing").toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().strip().endsWith("no such folder"), r.err());

        r = run("bench", "--hidden", "64", "--layers", "2", "--vocab", "128", "--seq-len", "5000");
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().contains("max_position_embeddings 4096"), r.err());
    }

    private static String[] concat(String... head) {
        String[] all = new String[head.length + TINY.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(TINY, 0, all, head.length, TINY.length);
        return all;
    }
}

package dev.segattr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static dev.segattr.cli.SegmentCommandTest.readAll;
import static dev.segattr.cli.SegmentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** segattr attribute on the tiny golden checkpoint (model and tokenizer in one folder), few path points. */
class AttributeCommandTest {

    static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void fixture() throws URISyntaxException {
        model = Path.of(AttributeCommandTest.class.getResource("/fixtures/attribution/ig_qwen3").toURI());
    }

    static final String TRACES = """
            {"id": "a", "question": "What is 17 * 23?", "reasoning": "First 17 * 20 = 340 and 17 * 3 = 51, so 391.\\n\\nWait, check: 23 * 17 = 391.\\n\\nAnother check: 391.", "answer": "391"}
            {"id": "b", "question": "What is 2x + 3 = 11?", "reasoning": "Then 2x = 8.\\n\\nAlternatively, try x = 4: 2 * 4 + 3 = 11.", "answer": "4"}
            {"id": "c", "question": "Divide 391 by 23.", "reasoning": "We get 17.\\n\\nHowever, check 23 * 17 = 391.\\n\\nWait, yes.\\n\\nSo 17.", "answer": "17", "segments": ["We get 17.", "\\n\\nHowever, check 23 * 17 = 391.\\n\\nWait, yes.\\n\\nSo 17."]}
            """;

    Path input() throws IOException {
        Path in = dir.resolve("traces.jsonl");
        Files.writeString(in, TRACES);
        return in;
    }

    static String[] args(Path in, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("attribute", "--model", model.toString(), "--in", in.toString(),
                "--out", out.toString(), "--steps", "6", "--batch", "3"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void addsAttributionsPerSegmentAndTheFiguresThatJudgeThem() throws IOException {
        Path out = dir.resolve("attributed.jsonl");
        var result = run(args(input(), out));
        assertEquals(0, result.code(), result.err());
        List<JsonNode> records = readAll(out);
        assertEquals(List.of("a", "b", "c"), records.stream().map(r -> r.get("id").asText()).toList());
        JsonNode a = records.get(0);
        assertEquals(3, a.get("segments").size(), "segments computed with the reference segmenter");
        assertEquals(2, records.get(2).get("segments").size(), "the record's own segments are kept");
        for (JsonNode r : records) {
            int m = r.get("segments").size();
            assertEquals(m, r.get("token_attributions").size());
            assertEquals(m, r.get("token_logprobs").size());
            for (int s = 0; s < m; s++) {
                assertEquals(r.get("segment_token_counts").get(s).asInt(), r.get("token_attributions").get(s).size());
            }
            double sum = 0;
            for (JsonNode seg : r.get("token_attributions")) {
                for (JsonNode v : seg) {
                    sum += v.asDouble();
                }
            }
            assertTrue(sum != 0, "trace tokens carry attribution");
            assertTrue(r.get("target_logprob").asDouble() < 0);
            assertTrue(r.get("convergence_delta").isNumber());
            assertTrue(List.of("ok", "large delta").contains(r.get("attribution_status").asText()));
            assertEquals("reference(6), pad, batch 3, float32", r.get("attribution_settings").asText());
        }
        assertFalse(Files.exists(dir.resolve("attributed.jsonl.partial")), "the partial file became the output");
        assertTrue(result.err().contains("segattr attribute: 3/3"), result.err());
        assertTrue(result.err().contains("left"), "progress says the time left");
    }

    @Test
    void killedMidRecordAndRerunGivesEachTraceOnceWithTheSameValues() throws IOException {
        Path in = input();
        Path full = dir.resolve("full.jsonl");
        assertEquals(0, run(args(in, full)).code());
        List<String> fullLines = Files.readAllLines(full, StandardCharsets.UTF_8);

        // A run killed while writing the second record: the first line whole, the second torn in the middle.
        Path out = dir.resolve("resumed.jsonl");
        Path partial = dir.resolve("resumed.jsonl.partial");
        String torn = fullLines.get(0) + "\n" + fullLines.get(1).substring(0, fullLines.get(1).length() / 2);
        Files.writeString(partial, torn);
        assertFalse(Files.exists(out));

        var result = run(args(in, out));
        assertEquals(0, result.code(), result.err());
        assertTrue(result.err().contains("resuming, 1 traces already"), result.err());
        List<JsonNode> resumed = readAll(out);
        List<JsonNode> expected = readAll(full);
        assertEquals(List.of("a", "b", "c"), resumed.stream().map(r -> r.get("id").asText()).toList(), "each trace once, in order");
        for (int i = 0; i < 3; i++) {
            assertEquals(withoutSeconds(expected.get(i)), withoutSeconds(resumed.get(i)), "record " + i);
        }
        assertEquals(expected.get(0).get("seconds"), resumed.get(0).get("seconds"), "the finished record was kept, not redone");
        assertFalse(Files.exists(partial));

        // Run again on the finished output: nothing is redone, nothing duplicated.
        assertEquals(0, run(args(in, out)).code());
        assertEquals(Files.readString(out), Files.readAllLines(out).stream().collect(Collectors.joining("\n", "", "\n")));
        assertEquals(3, readAll(out).size());
        assertEquals(resumed.get(1).get("seconds"), readAll(out).get(1).get("seconds"));
    }

    @Test
    void resumingWithOtherSettingsIsRefused() throws IOException {
        Path in = input();
        Path out = dir.resolve("o.jsonl");
        assertEquals(0, run(args(in, out)).code());
        String first = Files.readAllLines(out).get(0) + "\n";
        Files.delete(out);
        Files.writeString(dir.resolve("o.jsonl.partial"), first);
        var result = run(args(in, out, "--points", "gauss-legendre"));
        assertEquals(2, result.code());
        assertTrue(result.err().contains("was made with 'reference(6), pad, batch 3, float32'"), result.err());
        assertEquals(1, result.err().strip().lines().count(), "one line");
    }

    @Test
    void byDefaultTheRecordSaysWhichPointsPerPassWereChosen() throws IOException {
        Path out = dir.resolve("auto.jsonl");
        List<String> a = new java.util.ArrayList<>(List.of(args(input(), out)));
        a.subList(a.size() - 2, a.size()).clear(); // no --batch: auto
        var result = run(a.toArray(String[]::new));
        assertEquals(0, result.code(), result.err());
        for (JsonNode r : readAll(out)) {
            assertTrue(r.get("attribution_settings").asText().contains("batch auto"), r.toString());
            // traces of a few dozen tokens: 4096 rows / T > 6 points help, so all 6 points go in one pass
            assertEquals(6, r.get("attribution_points_per_pass").asInt(), r.get("id").asText());
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path in = input();
        Path out = dir.resolve("o.jsonl");
        var points = run(args(in, out, "--points", "simpson"));
        assertEquals(2, points.code());
        assertTrue(points.err().startsWith("segattr attribute: --points: unknown point scheme 'simpson'"), points.err());
        assertEquals(2, run(args(in, out, "--baseline", "mean")).code());
        var zero = run(args(in, out, "--batch", "0"));
        assertEquals(2, zero.code());
        assertTrue(zero.err().startsWith("segattr attribute: --batch must be auto or at least 1, got '0'"), zero.err());
        var half = run(args(in, out, "--dtype", "float16"));
        assertEquals(2, half.code());
        assertTrue(half.err().contains("float32 only"), half.err());
        assertEquals(2, run(args(dir.resolve("missing.jsonl"), out)).code());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": \"x\", \"question\": \"q\", \"reasoning\": \"r\"}\n");
        var missing = run(args(bad, out));
        assertEquals(2, missing.code());
        assertEquals("segattr attribute: bad.jsonl:1: field 'answer' is missing", missing.err().strip().lines().reduce((x, y) -> y).orElse(""));
        assertFalse(Files.exists(out));
    }

    static ObjectNode withoutSeconds(JsonNode r) {
        ObjectNode copy = ((ObjectNode) r).deepCopy();
        copy.remove("seconds");
        return copy;
    }
}

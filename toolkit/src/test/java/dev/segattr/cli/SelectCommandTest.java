package dev.segattr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.segattr.cli.SegmentCommandTest.readAll;
import static dev.segattr.cli.SegmentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** segattr select on hand-made attributed records (the fields segattr attribute writes). */
class SelectCommandTest {

    @TempDir
    Path dir;

    /**
     * t1: six segments of two tokens, sum|a| 1, 4, 4, 10, 0.5, 0.5 (total 20): ranking s3, s1, s2 reaches .5, .7 at
     * s1 (tau .7 reached), s1 has consistency .5, so the reference keeps {0, 1, 3, 4, 5}.
     * t2: attribution failed (non-finite): no attributions.
     */
    static final String ATTRIBUTED = """
            {"id": "t1", "segments": ["a", "b", "c", "d", "e", "f"], "segment_roles": ["setup", "check", "check", "step", "redundant", "final"],
             "token_attributions": [[1, 0], [3, -1], [4, 0], [6, -4], [0.25, 0.25], [0.5, 0]],
             "token_logprobs": [[-1, -1], [-5, -5], [-0.1, -0.1], [-2, -2], [-1, -1], [-1, -1]],
             "token_entropies": [[1, 1], [0.1, 0.1], [3, 3], [1, 1], [1, 1], [1, 1]],
             "attribution_status": "ok"}
            {"id": "t2", "segments": ["a", "b", "c", "d"], "segment_token_counts": [3, 2, 2, 1], "token_attributions": null,
             "attribution_status": "non-finite", "attribution_reason": "F(x) = NaN, F(baseline) = -3.2"}
            """;

    Path input() throws IOException {
        Path in = dir.resolve("attributed.jsonl");
        // One record a line: the text block above breaks them for reading.
        Files.writeString(in, ATTRIBUTED.replace("\n ", " "));
        return in;
    }

    static List<Integer> ints(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asInt).toList();
    }

    @Test
    void referencePolicyAddsMetricsAndSelectedSegments() throws IOException {
        Path out = dir.resolve("selected.jsonl");
        Path table = dir.resolve("segments.csv");
        var result = run("select", "--in", input().toString(), "--out", out.toString(), "--table", table.toString());
        assertEquals(0, result.code(), result.err());
        List<JsonNode> records = readAll(out);
        JsonNode t1 = records.get(0);
        assertEquals(List.of(0, 1, 3, 4, 5), ints(t1.get("selected_segments")));
        assertEquals(6, t1.get("strength").size());
        double total = 0;
        for (JsonNode s : t1.get("strength")) {
            total += s.asDouble();
        }
        assertEquals(1.0, total, 1e-12);
        assertEquals(0.5, t1.get("consistency").get(1).asDouble(), 1e-12);
        assertEquals("reference(tau=0.7, beta=0.8)", t1.get("selection_policy").asText());
        assertEquals(10.0 / 12, t1.get("selected_token_ratio").asDouble(), 1e-12);
        JsonNode t2 = records.get(1);
        assertEquals(List.of(0, 2, 3), ints(t2.get("selected_segments")));
        assertTrue(t2.get("selection_note").asText().startsWith("no attributions (non-finite"), t2.get("selection_note").asText());
        List<String> csv = Files.readAllLines(table);
        assertEquals(7, csv.size(), "header and t1's six segments");
        assertTrue(csv.get(2).contains("check"), csv.get(2));
    }

    @Test
    void tauBetaAndTheOtherPolicies() throws IOException {
        Path in = input();
        Path out = dir.resolve("o.jsonl");
        assertEquals(0, run("select", "--in", in.toString(), "--out", out.toString(), "--policy", "strength", "--tau", "0.9").code());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), ints(readAll(out).get(0).get("selected_segments")));
        assertEquals(0, run("select", "--in", in.toString(), "--out", out.toString(), "--beta", "0.4").code());
        assertEquals(List.of(0, 3, 4, 5), ints(readAll(out).get(0).get("selected_segments")));

        // Budget: the reference's 10 tokens. Always kept 0, 4, 5 = 6 tokens; two more segments (4 tokens).
        assertEquals(0, run("select", "--in", in.toString(), "--out", out.toString(), "--policy", "perplexity").code());
        assertEquals(List.of(0, 1, 3, 4, 5), ints(readAll(out).get(0).get("selected_segments")));
        assertEquals(0, run("select", "--in", in.toString(), "--out", out.toString(), "--policy", "entropy").code());
        assertEquals(List.of(0, 2, 3, 4, 5), ints(readAll(out).get(0).get("selected_segments")), "entropies 3, then 1 (s3 before s4 by order)");

        assertEquals(0, run("select", "--in", in.toString(), "--out", out.toString(), "--policy", "random", "--seed", "7").code());
        List<Integer> random = ints(readAll(out).get(0).get("selected_segments"));
        assertEquals(0, run("select", "--in", in.toString(), "--out", out.toString(), "--policy", "random", "--seed", "7").code());
        assertEquals(random, ints(readAll(out).get(0).get("selected_segments")), "seeded");
        assertEquals(10.0 / 12, readAll(out).get(0).get("selected_token_ratio").asDouble(), 1e-12, "matched ratio");

        assertEquals(0, run("select", "--in", in.toString(), "--out", out.toString(), "--policy", "top-tokens").code());
        JsonNode top = readAll(out).get(0);
        int chosen = 0;
        for (JsonNode seg : top.get("selected_tokens")) {
            chosen += seg.size();
        }
        assertEquals(10, chosen);
        assertEquals(List.of(0, 1), ints(top.get("selected_tokens").get(3)), "6 and -4 are among the largest");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path out = dir.resolve("o.jsonl");
        Path noAttr = dir.resolve("plain.jsonl");
        Files.writeString(noAttr, "{\"id\": \"x\", \"question\": \"q\", \"reasoning\": \"r\", \"answer\": \"1\"}\n");
        var missing = run("select", "--in", noAttr.toString(), "--out", out.toString());
        assertEquals(2, missing.code());
        assertEquals("segattr select: plain.jsonl:1: field 'token_attributions' is missing (run segattr attribute first)", missing.err().strip());

        Path nan = dir.resolve("nan.jsonl");
        Files.writeString(nan, "{\"id\": \"x\", \"token_attributions\": [[1, NaN]]}\n");
        var nanResult = run("select", "--in", nan.toString(), "--out", out.toString());
        assertEquals(2, nanResult.code());
        assertTrue(nanResult.err().startsWith("segattr select: nan.jsonl:1: malformed JSON"), nanResult.err());

        assertEquals(2, run("select", "--in", input().toString(), "--out", out.toString(), "--tau", "1.5").code());
        assertEquals(2, run("select", "--in", input().toString(), "--out", out.toString(), "--policy", "best").code());
        assertFalse(Files.exists(out), "never a half-written output");
    }
}

package dev.segattr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.segattr.cli.SegmentCommandTest.readAll;
import static dev.segattr.cli.SegmentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** segattr logprobs against the log-probs transformers computed for the golden fixture. */
class LogprobsCommandTest {

    @TempDir
    Path dir;

    @Test
    void textAndRenderedTraceGiveTransformersLogprobs() throws Exception {
        Path model = Path.of(getClass().getResource("/fixtures/attribution/ig_qwen3").toURI());
        JsonNode golden = new ObjectMapper().readTree(model.resolve("case.json").toFile());
        ObjectMapper json = new ObjectMapper();
        var text = json.createObjectNode().put("id", "as text").put("text", golden.get("text").asText());
        var trace = json.createObjectNode().put("id", "as trace").put("question", golden.get("question").asText())
                .put("reasoning", golden.get("reasoning").asText()).put("answer", golden.get("answer").asText());
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, json.writeValueAsString(text) + "\n" + json.writeValueAsString(trace) + "\n");
        Path out = dir.resolve("out.jsonl");
        var result = run("logprobs", "--model", model.toString(), "--in", in.toString(), "--out", out.toString());
        assertEquals(0, result.code(), result.err());
        List<JsonNode> records = readAll(out);
        for (JsonNode r : records) {
            assertEquals(golden.get("ids"), r.get("ids"), r.get("id").asText());
            assertTrue(r.get("logprobs").get(0).isNull(), "nothing predicts the first token");
            for (int i = 1; i < r.get("ids").size(); i++) {
                assertEquals(golden.get("token_logprobs").get(i).asDouble(), r.get("logprobs").get(i).asDouble(), 1e-4);
                assertEquals(golden.get("token_entropies").get(i).asDouble(), r.get("entropies").get(i).asDouble(), 1e-4);
            }
        }
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": 1, \"text\": 5}\n");
        var badResult = run("logprobs", "--model", model.toString(), "--in", bad.toString(), "--out", out.toString());
        assertEquals(2, badResult.code());
        assertEquals("segattr logprobs: bad.jsonl:1: field 'text': expected a string", badResult.err().strip());
    }
}

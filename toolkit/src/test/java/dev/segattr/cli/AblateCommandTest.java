package dev.segattr.cli;

import static dev.segattr.cli.SegmentCommandTest.readAll;
import static dev.segattr.cli.SegmentCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * segattr attribute, ablate, then select --policy ablation, on the tiny golden checkpoint (select computes strength
 * and consistency from the attributions whatever the policy; ablate keeps every field it is given).
 */
class AblateCommandTest {

    @TempDir
    Path dir;

    @Test
    void addsOneImportancePerSegmentThatSelectReads() throws Exception {
        AttributeCommandTest.fixture();
        Path traces = dir.resolve("traces.jsonl");
        Files.writeString(traces, AttributeCommandTest.TRACES);
        Path in = dir.resolve("attributed.jsonl");
        var a = run(AttributeCommandTest.args(traces, in));
        assertEquals(0, a.code(), a.err());
        Path out = dir.resolve("ablated.jsonl");
        var r = run("ablate", "--model", AttributeCommandTest.model.toString(), "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> records = readAll(out);
        assertEquals(3, records.size());
        for (JsonNode rec : records) {
            int m = rec.get("segments").size();
            assertEquals(m, rec.get("segment_ablation").size(), rec.toString());
            assertEquals(m, rec.get("token_logprobs").size());
            assertEquals(m, rec.get("token_attributions").size(), "the input's fields are kept");
            assertTrue(rec.get("ablation_logprob").asDouble() < 0, "a log-probability");
        }
        Path selected = dir.resolve("selected.jsonl");
        var s = run("select", "--in", out.toString(), "--out", selected.toString(), "--policy", "ablation");
        assertEquals(0, s.code(), s.err());
        for (JsonNode rec : readAll(selected)) {
            assertTrue(rec.get("selected_segments").size() >= 1, rec.toString());
        }
    }

    @Test
    void aMissingInputIsOneLineAndExitTwo() throws IOException {
        var r = run("ablate", "--model", dir.toString(), "--in", dir.resolve("none.jsonl").toString(), "--out",
                dir.resolve("o.jsonl").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().strip().endsWith("none.jsonl: no such file"), r.err());
    }
}

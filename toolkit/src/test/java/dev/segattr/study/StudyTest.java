package dev.segattr.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.BadInputException;
import dev.segattr.experiment.RunRecord;
import dev.segattr.trace.JsonLines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole study, end to end, on a very small embedded default made for the test. */
class StudyTest {

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void makeTinyDefault() {
        data = dir.resolve("data");
        EmbeddedDefault.make(EmbeddedDefault.Settings.tiny(), data, dir.resolve("work"), line -> { });
    }

    static StudyConfig quick() {
        return new StudyConfig("test", "model", "synth/train.jsonl", "synth/test.jsonl", 6, 4,
                new StudyConfig.Attribution(3, "gauss-legendre", 3, "pad"),
                new StudyConfig.Selection("reference", 0.7, 0.8),
                List.of("full", "selective", "random"),
                new StudyConfig.Training(1, 1e-3, 3, 1, 0.0, 0.0, 512),
                new StudyConfig.Evaluation(24, 4), 11);
    }

    @Test
    void aStudyLeavesItsTablesChartsAndRecordAndRepeatsFromTheRecord() throws IOException {
        Path run = dir.resolve("run");
        StringWriter log = new StringWriter();
        RunRecord record = Study.run(quick(), data, run, new PrintWriter(log));

        for (String file : List.of("summary.md", "summary.csv", "summary.html", "segments.csv", "segments.html", "roles.md",
                "charts/accuracy.png", "charts/output-length.png", "charts/loss.png", "charts/strength-consistency.png",
                "charts/heatmap.html", "models/selective/model.safetensors", "eval/random.jsonl", "record.json")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> methods = (List<Map<String, Object>>) record.metrics.get("methods");
        assertEquals(List.of("base", "full", "selective", "random"), methods.stream().map(m -> m.get("method")).toList());
        double full = (Double) methods.get(1).get("supervised_fraction");
        double selective = (Double) methods.get(2).get("supervised_fraction");
        assertEquals(1.0, full, 1e-9, "full supervision covers the whole reasoning and answer");
        assertTrue(selective < full, "the selective mask supervises less than the full one");
        assertTrue(record.metrics.containsKey("auroc"), "the synthetic data's roles are scored");
        assertTrue(log.toString().contains("| selective |"), "the summary table is printed");
        // How well the integrals converged is part of the result: statuses add up to the traces, deltas are reported.
        @SuppressWarnings("unchecked")
        Map<String, Object> attribution = (Map<String, Object>) record.metrics.get("attribution");
        @SuppressWarnings("unchecked")
        Map<String, Integer> statuses = (Map<String, Integer>) attribution.get("statuses");
        int traces;
        try (var lines = Files.lines(run.resolve("selected.jsonl"))) {
            traces = (int) lines.count();
        }
        assertEquals(traces, statuses.values().stream().mapToInt(Integer::intValue).sum(), statuses.toString());
        assertTrue((Double) attribution.get("median_relative_delta") >= 0);
        assertTrue(log.toString().contains("attribution: " + statuses.getOrDefault("large delta", 0) + " of " + traces
                + " traces flagged 'large delta'"), log.toString());

        // The record is a configuration: a second run from it gives the same figures.
        Path again = dir.resolve("again");
        RunRecord repeat = Study.run(StudyConfig.read(run.resolve("record.json")), run, again, new PrintWriter(new StringWriter()));
        assertEquals(JsonLines.MAPPER.valueToTree(record.metrics.get("methods")),
                JsonLines.MAPPER.valueToTree(repeat.metrics.get("methods")));
        assertEquals(JsonLines.MAPPER.valueToTree(record.metrics.get("auroc")), JsonLines.MAPPER.valueToTree(repeat.metrics.get("auroc")));
    }

    @Test
    void aStoppedRunContinuesFromItsStages() throws IOException {
        Path run = dir.resolve("resumed");
        Study.run(quick(), data, run, new PrintWriter(new StringWriter()));
        Files.delete(run.resolve("eval/full.record.json"));
        Files.delete(run.resolve("record.json"));
        StringWriter log = new StringWriter();
        Study.run(quick(), data, run, new PrintWriter(log));
        assertTrue(log.toString().contains("(done before: attributed.jsonl)"), log.toString());
        assertTrue(Files.isRegularFile(run.resolve("eval/full.record.json")), "the missing stage ran again");
    }

    @Test
    void aBadConfigurationIsOneLine() throws IOException {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "{\"model\": \"m\", \"train\": \"t\", \"test\": \"t\", \"methods\": [\"everything\"]}");
        BadInputException e = assertThrows(BadInputException.class, () -> StudyConfig.read(config));
        assertTrue(e.getMessage().startsWith(config + ": "), e.getMessage());
        JsonNode ok = JsonLines.MAPPER.valueToTree(quick());
        assertEquals("gauss-legendre", ok.path("attribution").path("points").asText());
    }
}

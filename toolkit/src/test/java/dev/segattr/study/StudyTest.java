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
                List.of("full", "selective", "random", "strength", "oracle"),
                new StudyConfig.Training(1, 1e-3, 3, 1, 0.0, 0.0, 512),
                new StudyConfig.Evaluation(24, 4), 11, List.of(1L, 2L), 2, true);
    }

    @Test
    void aStudyLeavesItsTablesChartsAndRecordAndRepeatsFromTheRecord() throws IOException {
        Path run = dir.resolve("run");
        StringWriter log = new StringWriter();
        RunRecord record = Study.run(quick(), data, run, new PrintWriter(log));

        for (String file : List.of("summary.md", "summary.csv", "summary.html", "comparisons.csv", "segments.csv", "segments.html",
                "roles.md", "scorers.md", "goals.md", "charts/accuracy-vs-length.png", "charts/loss.png", "charts/strength-consistency.png",
                "charts/heatmap.html", "models/selective/seed1/model.safetensors", "models/oracle/seed2/model.safetensors",
                "eval/random-seed2.jsonl", "eval/base.jsonl", "selected-strength.jsonl", "selected-oracle.jsonl", "record.json")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file);
        }
        List<Summary.MethodRow> methods = Summary.rows(record.metrics.get("methods"));
        assertEquals(List.of("base", "full", "selective", "random", "strength", "oracle"), methods.stream().map(Summary.MethodRow::method).toList());
        // two seeds per fine-tuned method, one output per problem each; the starting model once
        assertEquals(List.of(1, 2, 2, 2, 2, 2), methods.stream().map(Summary.MethodRow::seeds).toList());
        assertEquals(4, methods.get(0).problems());
        for (Summary.MethodRow m : methods) {
            assertTrue(m.accuracy().low() <= m.accuracy().estimate() && m.accuracy().estimate() <= m.accuracy().high(), m.toString());
            assertTrue(m.meanOutputTokens().low() <= m.meanOutputTokens().estimate()
                    && m.meanOutputTokens().estimate() <= m.meanOutputTokens().high(), m.toString());
        }
        double full = methods.get(1).supervisedFraction();
        double selective = methods.get(2).supervisedFraction();
        assertEquals(1.0, full, 1e-9, "full supervision covers the whole reasoning and answer");
        assertTrue(selective < full, "the selective mask supervises less than the full one");
        // selective against full, random, strength, oracle and the starting model, each with one McNemar test per seed
        List<Summary.Comparison> comparisons = Summary.comparisons(record.metrics.get("comparisons"));
        assertEquals(List.of("full", "random", "oracle", "strength", "base"), comparisons.stream().map(Summary.Comparison::b).toList());
        assertEquals(2, comparisons.get(0).mcnemar().size());
        assertTrue(log.toString().contains("| selective vs full |"), log.toString());
        // two scorers against the known roles, each with its cost per trace
        List<?> scorers = (List<?>) JsonLines.MAPPER.convertValue(record.metrics.get("scorers"), List.class);
        assertEquals(2, scorers.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> ablation = (Map<String, Object>) scorers.get(1);
        assertEquals("leave-one-segment-out ablation", ablation.get("scorer"));
        assertTrue(((Number) ablation.get("seconds_per_trace")).doubleValue() > 0, ablation.toString());
        // the oracle supervises exactly the ground-truth essential and reflective segments, nothing always kept
        try (var lines = JsonLines.read(run.resolve("selected-oracle.jsonl"))) {
            for (JsonLines.Line l : (Iterable<JsonLines.Line>) lines::iterator) {
                List<Integer> important = new java.util.ArrayList<>();
                JsonNode roles = l.json().get("segment_roles");
                for (int i = 0; i < roles.size(); i++) {
                    if (roles.get(i).asText().equals("essential") || roles.get(i).asText().equals("reflective")) {
                        important.add(i);
                    }
                }
                List<Integer> chosen = new java.util.ArrayList<>();
                l.json().get("selected_segments").forEach(n -> chosen.add(n.asInt()));
                assertEquals(important, chosen, l.where());
            }
        }
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
        Files.delete(run.resolve("eval/full-seed1.record.json"));
        Files.delete(run.resolve("record.json"));
        StringWriter log = new StringWriter();
        Study.run(quick(), data, run, new PrintWriter(log));
        assertTrue(log.toString().contains("(done before: attributed.jsonl)"), log.toString());
        assertTrue(Files.isRegularFile(run.resolve("eval/full-seed1.record.json")), "the missing stage ran again");
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

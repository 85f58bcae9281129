package dev.segattr.study;

import dev.segattr.synth.Role;
import dev.segattr.synth.Synth;
import dev.segattr.synth.SynthConfig;
import dev.segattr.synth.SynthTrace;
import dev.segattr.trace.JsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The census on hand-made outputs, with a hand-made classifier that knows four phrasings. */
class CensusTest {

    /** Reads the move from the segment's first words, as the generator's phrasings allow. */
    static final Census.SegmentClassifier BY_PHRASE = segment -> {
        String s = segment.strip();
        if (s.startsWith("Step") || s.startsWith("Wait, so the answer")) {
            return Optional.of(Role.ESSENTIAL);
        }
        if (s.startsWith("Wait, let me check")) {
            return Optional.of(Role.REFLECTIVE);
        }
        if (s.startsWith("However, as the question says")) {
            return Optional.of(Role.REDUNDANT);
        }
        if (s.startsWith("Alternatively")) {
            return Optional.of(Role.TRUNCATED);
        }
        return Optional.empty();
    };

    @Test
    void countsSegmentsPerOutputByRole() {
        // output 1: "Step 1" | "\n\nWait, let me check" | "\n\nHowever, as the question says" | "\n\nWait, so the answer"
        //           essential, reflective, redundant, essential
        // output 2: "Step 1" | "\n\nAlternatively" | "\n\nAnother thought" (cut by the limit)
        //           essential, truncated, unrecognised
        List<Census.Output> outputs = List.of(
                new Census.Output("Step 1: 3 + 4 = 7.\n\nWait, let me check: 3 + 4 = 7.\n\nHowever, as the question says, "
                        + "Ann has 3.\n\nWait, so the answer is \\boxed{7}.", false),
                new Census.Output("Step 1: 5 * 2 = 10.\n\nAlternatively, we could\n\nAnother thought about the", true));
        Census.Row row = Census.of("full", outputs, BY_PHRASE);
        assertEquals(2, row.outputs());
        // 7 segments over 2 outputs
        assertEquals(3.5, row.segmentsPerOutput(), 1e-12);
        // essential: 2 + 1 = 3 -> 1.5 per output; reflective, redundant, truncated, unrecognised: 1 each -> 0.5
        assertEquals(1.5, row.perOutput().get("essential"), 1e-12);
        assertEquals(0.5, row.perOutput().get("reflective"), 1e-12);
        assertEquals(0.5, row.perOutput().get("redundant"), 1e-12);
        assertEquals(0.5, row.perOutput().get("truncated"), 1e-12);
        assertEquals(0.5, row.perOutput().get(Census.UNRECOGNISED), 1e-12);
        // one of two outputs hit the limit
        assertEquals(0.5, row.hitLimitShare(), 1e-12);
        // followers of an essential segment: reflective (output 1), truncated (output 2); the last essential of
        // output 1 has none: 1/2 each
        assertEquals(0.5, row.afterEssential().get("reflective"), 1e-12);
        assertEquals(0.5, row.afterEssential().get("truncated"), 1e-12);
        assertEquals(0.0, row.afterEssential().get("redundant"), 1e-12);
        // the categories' means add up to the segments per output
        assertEquals(row.segmentsPerOutput(), row.perOutput().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
        String md = Census.markdown(List.of(row));
        assertTrue(md.contains("| full | 2 | 3.50 | 1.50 | 0.50 | 0.50 | 0.50 | 0.50 | 50.0% | 0% / 50% / 0% / 50% / 0% |"), md);
    }

    @Test
    void theStudysClassifierCountsTheGeneratorsOwnTracesAsTheirRecordedRoles() {
        // On traces the generator wrote, with their recorded roles, the census must count exactly those roles:
        // every segment recognised, and the per-role means equal to the recorded ones.
        List<SynthTrace> traces = Synth.generate(SynthConfig.defaults().withN(40).withSeed(5));
        Map<String, Integer> recorded = new java.util.HashMap<>();
        List<Census.Output> outputs = new java.util.ArrayList<>();
        for (SynthTrace t : traces) {
            t.roles().forEach(r -> recorded.merge(r.jsonName(), 1, Integer::sum));
            outputs.add(new Census.Output(String.join("", t.segments()), false));
        }
        Census.Row row = Census.of("generator", outputs, Study.classifier().orElseThrow());
        assertEquals(0.0, row.perOutput().get(Census.UNRECOGNISED), 1e-12, row.toString());
        for (Role r : Role.values()) {
            assertEquals(recorded.getOrDefault(r.jsonName(), 0) / 40.0, row.perOutput().get(r.jsonName()), 1e-12, r.toString());
        }
    }

    @Test
    void readsTheOutputsOfEvaluationFiles(@TempDir Path dir) {
        Path seed1 = dir.resolve("full-seed1.jsonl");
        Path seed2 = dir.resolve("full-seed2.jsonl");
        JsonLines.write(seed1, Stream.of(JsonLines.MAPPER.createObjectNode().put("id", "q1").set("outputs",
                JsonLines.MAPPER.createArrayNode().add(JsonLines.MAPPER.createObjectNode().put("text", "Step 1").put("hit_limit", false)))));
        JsonLines.write(seed2, Stream.of(JsonLines.MAPPER.createObjectNode().put("id", "q1").set("outputs",
                JsonLines.MAPPER.createArrayNode().add(JsonLines.MAPPER.createObjectNode().put("text", "Alternatively").put("hit_limit", true)))));
        List<Census.Output> outputs = Census.read(List.of(seed1, seed2));
        assertEquals(List.of(new Census.Output("Step 1", false), new Census.Output("Alternatively", true)), outputs);
        Census.Row row = Census.of("full", outputs, BY_PHRASE);
        // one essential, one truncated over two outputs; nothing follows the essential segment
        assertEquals(0.5, row.perOutput().get("essential"), 1e-12);
        assertEquals(0.5, row.perOutput().get("truncated"), 1e-12);
        assertTrue(Double.isNaN(row.afterEssential().get("essential")));
    }
}

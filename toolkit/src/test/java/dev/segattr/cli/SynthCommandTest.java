package dev.segattr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthCommandTest {

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesTheSameBytes() throws IOException {
        Path a = dir.resolve("a.jsonl"), b = dir.resolve("b.jsonl"), c = dir.resolve("c.jsonl");
        assertEquals(0, Main.run("synth", "--n", "40", "--seed", "5", "--out", a.toString()));
        assertEquals(0, Main.run("synth", "--n", "40", "--seed", "5", "--out", b.toString()));
        assertEquals(0, Main.run("synth", "--n", "40", "--seed", "6", "--out", c.toString()));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Files.readString(a).equals(Files.readString(c)));
    }

    @Test
    void writesTheSplitsToTwoFilesWhenAsked() {
        Path train = dir.resolve("train.jsonl"), test = dir.resolve("test.jsonl");
        assertEquals(0, Main.run("synth", "--n", "50", "--seed", "1", "--test-fraction", "0.2",
                "--min-segments", "5", "--max-segments", "8", "--out", train.toString(), "--test-out", test.toString()));
        List<ObjectNode> trainRecords = read(train), testRecords = read(test);
        assertEquals(40, trainRecords.size());
        assertEquals(10, testRecords.size());
        assertTrue(trainRecords.stream().allMatch(r -> r.get("split").asText().equals("train")));
        assertTrue(testRecords.stream().allMatch(r -> r.get("split").asText().equals("test")));
        for (ObjectNode r : trainRecords) {
            int m = r.get("segments").size();
            assertTrue(m >= 5 && m <= 8);
            assertEquals(m, r.get("segment_roles").size());
            List<String> split = Segmenter.reference().split(r.get("reasoning").asText()).stream().map(Segment::text).toList();
            assertEquals(split, Stream.of(r.get("segments")).flatMap(s -> java.util.stream.StreamSupport.stream(s.spliterator(), false))
                    .map(n -> n.asText()).toList());
        }
    }

    @Test
    void optionsReachTheGenerator() {
        Path out = dir.resolve("only.jsonl");
        assertEquals(0, Main.run("synth", "--n", "30", "--kinds", "ages,savings", "--mix", "redundant=0", "--mix", "truncated=0",
                "--out", out.toString()));
        List<ObjectNode> records = read(out);
        assertEquals(30, records.size());
        for (ObjectNode r : records) {
            assertTrue(List.of("ages", "savings").contains(r.get("kind").asText()));
            r.get("segment_roles").forEach(role -> assertTrue(List.of("essential", "reflective").contains(role.asText())));
        }
    }

    @Test
    void badOptionsExitWithTwoAndWriteNothing() {
        Path out = dir.resolve("never.jsonl");
        assertEquals(Main.BAD_INPUT, Main.run("synth", "--n", "10", "--max-segments", "2", "--out", out.toString()));
        assertEquals(Main.BAD_INPUT, Main.run("synth", "--n", "10", "--kinds", "geometry", "--out", out.toString()));
        assertEquals(Main.BAD_INPUT, Main.run("synth", "--n", "10", "--mix", "essential=1", "--out", out.toString()));
        assertEquals(Main.BAD_INPUT, Main.run("synth", "--n", "0", "--out", out.toString()));
        assertEquals(Main.BAD_INPUT, Main.run("synth", "--out", out.toString(), "--test-out", out.toString()));
        assertFalse(Files.exists(out));
        assertEquals(0, Main.run("synth", "--help"));
    }

    private static List<ObjectNode> read(Path file) {
        try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
            return lines.map(JsonLines.Line::json).toList();
        }
    }
}

package dev.segattr.stage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The stages write byte for byte what the commands wrote before the stage library and the typed record parts
 * existed: the expected files in fixtures/stage were made by the segattr jar of main at d6a8a9a (segment on three traces
 * of data/synth/train.jsonl; select --policy reference / random --seed 7 / top-tokens and --table on one trace
 * attributed with 4 Gauss-Legendre points). Field order, float formatting and the table are what is checked.
 */
class GoldenOutputTest {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures/stage");

    @TempDir
    Path dir;

    @Test
    void segmentWritesWhatTheCommandWrote() throws IOException {
        Path out = dir.resolve("segmented.jsonl");
        SegmentStage.run(FIXTURES.resolve("traces.jsonl"), out, SegmentStage.Options.reference(), StageListener.NONE);
        assertEquals(Files.readString(FIXTURES.resolve("segmented.jsonl")), Files.readString(out));
    }

    @Test
    void selectWritesWhatTheCommandWroteUnderEachKindOfPolicy() throws IOException {
        for (SelectStage.Policy policy : new SelectStage.Policy[] {SelectStage.Policy.REFERENCE, SelectStage.Policy.RANDOM,
                SelectStage.Policy.TOP_TOKENS}) {
            Path out = dir.resolve("selected-" + policy.label() + ".jsonl");
            SelectStage.Options options = new SelectStage.Options(policy, 0.7, 0.8, 7, null);
            SelectStage.run(FIXTURES.resolve("attributed.jsonl"), out, options, StageListener.NONE);
            assertEquals(Files.readString(FIXTURES.resolve("selected-" + policy.label() + ".jsonl")), Files.readString(out), policy.label());
        }
        Path table = dir.resolve("table.csv");
        SelectStage.run(FIXTURES.resolve("attributed.jsonl"), dir.resolve("x.jsonl"), SelectStage.Options.reference().withTable(table),
                StageListener.NONE);
        assertEquals(Files.readString(FIXTURES.resolve("table.csv")), Files.readString(table));
    }
}

package dev.segattr.robustness;

import dev.segattr.model.ModelConfig;
import dev.segattr.study.StudyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files that start with a UTF-8 byte-order mark (EF BB BF), as Windows editors and some exporters write them. */
class ByteOrderMarkTest {

    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    @Test
    void aJsonLinesInputWithAMarkIsReadFromItsFirstRecord() throws IOException {
        Path in = withMark(dir.resolve("traces.jsonl"), Files.readAllBytes(Fixture.SYNTH));
        Path out = dir.resolve("segmented.jsonl");
        Fixture.Result r = Fixture.run("segment", "--in", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        long records = Files.readAllLines(Fixture.SYNTH).stream().filter(l -> !l.isBlank()).count();
        assertEquals(records, Fixture.read(out).size(), "every record, the first one included");
        assertEquals(Fixture.read(Fixture.SYNTH).get(0).path("id"), Fixture.read(out).get(0).path("id"));
    }

    @Test
    void configurationFilesWithAMarkAreRead() throws IOException {
        Path study = withMark(dir.resolve("study.json"), Files.readAllBytes(Path.of("..", "data", "walkthrough-quick.json")));
        assertEquals("walkthrough-quick", StudyConfig.read(study).name());
        Path model = Files.createDirectories(dir.resolve("model"));
        withMark(model.resolve("config.json"), Files.readAllBytes(Path.of("..", "data", "model", "config.json")));
        ModelConfig config = ModelConfig.read(model.resolve("config.json"));
        assertTrue(config.vocabSize() > 0, "read past the mark: " + config);
    }

    private static Path withMark(Path file, byte[] content) throws IOException {
        byte[] marked = new byte[BOM.length + content.length];
        System.arraycopy(BOM, 0, marked, 0, BOM.length);
        System.arraycopy(content, 0, marked, BOM.length, content.length);
        return Files.write(file, marked);
    }
}

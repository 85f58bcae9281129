package dev.segattr.experiment;

import dev.segattr.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RunRecordTest {

    @TempDir
    Path dir;

    record Settings(double lr, int epochs) {
    }

    @Test
    void aRecordSaysWhatOnWhatWhereAndWhatCameOut() throws IOException {
        Path data = dir.resolve("train.jsonl");
        Files.writeString(data, "abc");
        RunRecord record = RunRecord.start("train", new Settings(3e-5, 2))
                .seed("train", 3407)
                .input("train", data)
                .metric("accuracy", 0.5)
                .timing("train", Duration.ofMillis(1500))
                .finish();
        Path file = dir.resolve("run/record.json");
        record.write(file);

        RunRecord back = RunRecord.read(file);
        assertEquals("train", back.kind);
        assertEquals(3e-5, back.config.get("lr").asDouble());
        assertEquals(3407L, back.seeds.get("train"));
        // sha256("abc"), the FIPS 180-2 test vector
        assertEquals(Map.of("train.jsonl", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), back.inputs.get("train"));
        assertEquals(1.5, back.timings.get("train"));
        assertNotNull(back.environment.get("java"));
        assertNotNull(back.finished);
    }

    @Test
    void aFolderIsHashedFileByFile() throws IOException {
        Files.createDirectories(dir.resolve("ckpt"));
        Files.writeString(dir.resolve("ckpt/config.json"), "{}");
        Files.writeString(dir.resolve("ckpt/model.safetensors"), "abc");
        Map<String, String> hashes = Hashes.of(dir.resolve("ckpt"));
        assertEquals(2, hashes.size());
        assertEquals(Hashes.sha256("abc".getBytes()), hashes.get("model.safetensors"));
    }

    @Test
    void somethingElseIsNotARecord() throws IOException {
        Path file = dir.resolve("x.json");
        Files.writeString(file, "[1,2]");
        assertThrows(BadInputException.class, () -> RunRecord.read(file));
    }
}

package dev.segattr.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.jsonl");
        AtomicFile.writeString(target, "old\n");
        assertThrows(IllegalStateException.class, () -> AtomicFile.writeText(target, w -> {
            w.write("half of the new");
            throw new IllegalStateException("disk full");
        }));
        assertEquals("old\n", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void writesIntoNewFolders() throws IOException {
        Path target = dir.resolve("a/b/c.txt");
        AtomicFile.writeString(target, "x");
        assertEquals("x", Files.readString(target));
        assertFalse(Files.exists(dir.resolve("a/b/.c.txt.tmp")));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)),
                "outputs are readable by others, like any file a tool writes");
    }
}

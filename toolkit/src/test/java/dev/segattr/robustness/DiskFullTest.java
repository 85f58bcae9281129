package dev.segattr.robustness;

import dev.segattr.cli.Main;
import dev.segattr.experiment.AtomicFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.segattr.robustness.Fixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writing fails part way (a full disk, an output folder that cannot exist): one line saying what could not be
 * written and why, exit 2, and no half-written output; the previous content of a replaced file survives.
 */
class DiskFullTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path traces;

    @BeforeAll
    static void tinyModelAndTraces() {
        model = Fixture.model(dir.resolve("model"));
        traces = Fixture.write(dir.resolve("traces.jsonl"), List.of(Fixture.trace("a", 2, 3), Fixture.trace("b", 4, 1),
                Fixture.trace("c", 6, 2)));
    }

    /** A stream on a disk that fills up after {@code room} bytes. */
    static final class FullDisk extends FilterOutputStream {
        private long room;

        FullDisk(OutputStream out, long room) {
            super(out);
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            if (room-- <= 0) {
                throw new IOException("No space left on device");
            }
            super.write(b);
        }
    }

    @Test
    void aFullDiskDuringAnAtomicWriteKeepsTheOldFile() throws IOException {
        Path target = dir.resolve("record.json");
        Files.writeString(target, "{\"old\": true}\n");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFile.write(target, out -> {
            OutputStream full = new FullDisk(out, 1000);
            full.write(new byte[5000]);
        }));
        assertEquals("could not write " + target + ": No space left on device", e.getMessage());
        assertEquals("{\"old\": true}\n", Files.readString(target));
        assertEquals(List.of(), Fixture.filesStartingWith(dir, ".record.json"), "the temporary file is removed");
    }

    @Test
    void anOutputWhoseFolderCannotExist() throws IOException {
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a folder");
        Path out = blocker.resolve("out.jsonl");

        Fixture.Result segment = run("segment", "--in", traces.toString(), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, segment.code());
        assertTrue(segment.lastError().startsWith("segattr segment: could not write " + out), segment.err());

        Fixture.Result attribute = run("attribute", "--model", model.toString(), "--in", traces.toString(), "--out", out.toString(),
                "--steps", "2");
        assertEquals(Main.BAD_INPUT, attribute.code());
        assertTrue(attribute.lastError().startsWith("segattr attribute: "), attribute.err());
        assertTrue(attribute.lastError().contains(blocker.toString()), attribute.err());

        Fixture.Result train = run("train", "--model", model.toString(), "--in", traces.toString(), "--out", out.toString(),
                "--mask", "full", "--epochs", "1");
        assertEquals(Main.BAD_INPUT, train.code(), train.err());
        assertTrue(train.lastError().startsWith("segattr train: ") && train.lastError().contains(blocker.toString()), train.err());
        assertEquals("not a folder", Files.readString(blocker));
    }

    /**
     * A real full disk: a tmpfs with room for the output's lock and about one and a half records (sized from an
     * uninterrupted run's first record; needs root and mount; skipped elsewhere). attribute stops with the system's
     * message after the first record, the output file does not exist, the partial file holds one complete record
     * and a torn one; with room again, the rerun drops the torn line, resumes and gives the records an uninterrupted
     * run gives.
     */
    @Test
    void aRealFullDiskDuringAttributeResumes() throws Exception {
        List<com.fasterxml.jackson.databind.node.ObjectNode> synth = Fixture.synth(3);
        Path in = Fixture.write(dir.resolve("synth3.jsonl"), synth);
        Path clean = dir.resolve("synth3-out.jsonl");
        assertEquals(0, run("attribute", "--model", model.toString(), "--in", in.toString(), "--out", clean.toString(),
                "--steps", "2").code());
        long firstRecord = Files.readAllLines(clean).get(0).length() + 1;
        long page = 4096; // tmpfs gives every file whole pages: one for the lock file, then the partial output
        long size = page + (firstRecord * 3 / 2 + page - 1) / page * page;
        Path small = Files.createDirectories(dir.resolve("small"));
        Assumptions.assumeTrue(mount(small, "size=" + size), "needs root and tmpfs");
        boolean unmounted;
        try {
            Path out = small.resolve("out.jsonl");
            String[] args = {"attribute", "--model", model.toString(), "--in", in.toString(), "--out", out.toString(), "--steps", "2"};
            Fixture.Result r = run(args);
            assertEquals(Main.BAD_INPUT, r.code(), r.err());
            assertEquals("segattr attribute: could not write " + out + ".partial: No space left on device", r.lastError());
            assertFalse(Files.exists(out));

            assertTrue(remount(small, "size=" + 8 * size));
            Fixture.Result resumed = run(args);
            assertEquals(0, resumed.code(), resumed.err());
            assertTrue(resumed.err().contains("torn line dropped"), resumed.err());

            assertEquals(Fixture.read(clean).stream().map(Fixture::timeless).toList(),
                    Fixture.read(out).stream().map(Fixture::timeless).toList());
        } finally {
            unmounted = command("umount", small.toString());
            if (!unmounted) {
                command("umount", "-l", small.toString()); // detach it anyway, and fail below
            }
        }
        assertTrue(unmounted, "a file on the full disk was left open (umount: busy)");
    }

    static boolean mount(Path at, String options) {
        return command("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString());
    }

    static boolean remount(Path at, String options) {
        return command("mount", "-o", "remount," + options, at.toString());
    }

    static boolean command(String... args) {
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

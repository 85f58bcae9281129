package dev.segattr.robustness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.experiment.OutputLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.segattr.robustness.KillResumeTest.child;
import static dev.segattr.robustness.KillResumeTest.lines;
import static dev.segattr.robustness.KillResumeTest.stderrOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two runs on one output, as a rerun notebook cell or a second terminal makes them: the second stops at once with
 * one line naming the first run's lock and exit code 2, and the first finishes with every record once, untouched.
 * A lock left by a run killed with {@code kill -9} does not block the next run. Each run is a child JVM.
 */
class ConcurrentRunsTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void tinyModel() {
        model = Fixture.model(dir.resolve("model"));
    }

    @Test
    void aSecondAttributeOnTheSameOutputIsRefusedAndTheFirstEndsComplete() throws Exception {
        List<ObjectNode> traces = Fixture.synth(10);
        Path in = Fixture.write(dir.resolve("traces.jsonl"), traces);
        List<String> options = List.of("--model", model.toString(), "--in", in.toString(), "--steps", "8", "--batch", "4");
        Path out = dir.resolve("attributed.jsonl");
        Path partial = dir.resolve("attributed.jsonl.partial");

        Process first = child("attribute", options, "--out", out.toString());
        waitFor(first, () -> lines(partial) >= 1, "the first run's first record");
        long started = System.nanoTime();
        Process second = child("attribute", options, "--out", out.toString());
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - started) / 1e9;
        String refusal = stderrOf(second).strip();
        assertEquals(2, second.exitValue(), refusal);
        assertEquals("segattr attribute: " + out + " is being written by another run (pid " + first.pid() + ", started ",
                refusal.substring(0, refusal.indexOf("started ") + 8), refusal);
        assertTrue(refusal.endsWith("; lock " + OutputLock.fileOf(out) + "): wait for it to finish, or write elsewhere"), refusal);
        assertEquals(1, refusal.lines().count(), refusal);
        assertTrue(first.isAlive(), "the refusal came while the first run was still writing (" + seconds + " s)");

        assertEquals(0, first.waitFor(), stderrOf(first));
        assertFalse(stderrOf(first).contains("resuming"), "the first run never saw another writer: " + stderrOf(first));
        List<ObjectNode> records = Fixture.read(out); // every line parses as a JSON object
        assertEquals(traces.size(), records.size(), "every record once");
        assertEquals(traces.size(), new HashSet<>(records.stream().map(r -> r.path("id").asText()).toList()).size());
        assertEquals(traces.stream().map(t -> t.path("id").asText()).toList(), records.stream().map(r -> r.path("id").asText()).toList());
        assertTrue(Files.readString(out, StandardCharsets.UTF_8).endsWith("}\n"), "no torn last line");
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(OutputLock.fileOf(out)), "the finished run removed its lock file");
    }

    @Test
    void aSecondTrainIntoTheSameFolderIsRefused() throws Exception {
        Path in = Fixture.write(dir.resolve("train.jsonl"), Fixture.synth(8));
        List<String> options = List.of("--model", model.toString(), "--in", in.toString(), "--mask", "full", "--epochs", "3",
                "--batch", "2");
        Path out = dir.resolve("trained");
        Process first = child("train", options, "--out", out.toString());
        waitFor(first, () -> Files.exists(OutputLock.fileOf(out)), "the first run's lock");
        Process second = child("train", options, "--out", out.toString());
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, second.exitValue(), stderrOf(second));
        assertTrue(stderrOf(second).startsWith("segattr train: " + out + " is being written by another run (pid " + first.pid()),
                stderrOf(second));
        assertEquals(0, first.waitFor(), stderrOf(first));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
    }

    @Test
    void aLockLeftByAKilledRunDoesNotBlockTheNext() throws Exception {
        Path in = Fixture.write(dir.resolve("kill.jsonl"), Fixture.synth(16));
        List<String> options = List.of("--model", model.toString(), "--in", in.toString(), "--steps", "16", "--batch", "4");
        Path out = dir.resolve("killed.jsonl");
        Path partial = dir.resolve("killed.jsonl.partial");
        Process killed = child("attribute", options, "--out", out.toString());
        KillResumeTest.killAfter(killed, () -> lines(partial) >= 2, 0, "attribute");
        Path lock = OutputLock.fileOf(out);
        assertTrue(Files.readString(lock).startsWith("pid " + killed.pid() + ", started "), "the dead run's lock file stays");

        Process next = child("attribute", options, "--out", out.toString());
        assertEquals(0, next.waitFor(), stderrOf(next));
        assertTrue(stderrOf(next).contains("resuming"), stderrOf(next));
        assertEquals(16, Fixture.read(out).size());
        assertFalse(Files.exists(lock));
    }

    private static void waitFor(Process p, java.util.function.BooleanSupplier ready, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!ready.getAsBoolean()) {
            assertTrue(p.isAlive(), "ended before " + what + ": " + stderrOf(p));
            assertTrue(System.nanoTime() < deadline, "no " + what + " in 3 minutes");
            Thread.sleep(10);
        }
    }
}

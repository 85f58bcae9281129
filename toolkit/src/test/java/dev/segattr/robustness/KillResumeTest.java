package dev.segattr.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.experiment.Hashes;
import dev.segattr.trace.JsonLines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of {@code attribute} and of {@code train}, then the same command again: it resumes and
 * ends with exactly what an uninterrupted run gives, and the killed run left no half-written output. Each command
 * runs as a child JVM ({@code java -cp <test class path> dev.segattr.cli.Main ...}, PyTorch on one thread so that
 * runs are bit-for-bit repeatable), killed with {@link Process#destroyForcibly()} (SIGKILL) a random moment after it
 * has written some output. The moment is printed; a failure names it.
 */
class KillResumeTest {

    @TempDir
    static Path dir;
    static Path model;
    static final long SEED = System.nanoTime();
    static final Random RANDOM = new Random(SEED);

    @BeforeAll
    static void tinyModel() {
        model = Fixture.model(dir.resolve("model"));
        System.err.println("KillResumeTest: random kill moments from seed " + SEED);
    }

    @Test
    void killedAttributeResumesToTheUninterruptedResult() throws Exception {
        List<ObjectNode> traces = Fixture.synth(24);
        Path in = Fixture.write(dir.resolve("traces.jsonl"), traces);
        List<String> options = List.of("--model", model.toString(), "--in", in.toString(), "--steps", "16", "--batch", "4");

        Path reference = dir.resolve("uninterrupted.jsonl");
        assertEquals(0, child("attribute", options, "--out", reference.toString()).waitFor());

        Path out = dir.resolve("killed.jsonl");
        Path partial = out.resolveSibling("killed.jsonl.partial");
        long delay = RANDOM.nextInt(300);
        Process killed = child("attribute", options, "--out", out.toString());
        killAfter(killed, () -> lines(partial) >= 2, delay, "attribute");
        assertFalse(Files.exists(out), "killed after " + lines(partial) + " records + " + delay + " ms: the output must not exist yet");
        int complete = completeRecords(partial);
        assertTrue(complete >= 2 && complete < traces.size(), complete + " complete records in the partial file");

        Process resumed = child("attribute", options, "--out", out.toString());
        assertEquals(0, resumed.waitFor(), stderrOf(resumed));
        assertTrue(stderrOf(resumed).contains("resuming, " + complete + " traces already"), stderrOf(resumed));
        assertEquals(Fixture.read(reference).stream().map(Fixture::timeless).toList(),
                Fixture.read(out).stream().map(Fixture::timeless).toList(),
                "killed after " + complete + " records + " + delay + " ms, then resumed");
        assertFalse(Files.exists(partial));
    }

    @Test
    void killedTrainResumesToTheUninterruptedWeights() throws Exception {
        Path in = Fixture.write(dir.resolve("train.jsonl"), Fixture.synth(12));
        List<String> options = List.of("--model", model.toString(), "--in", in.toString(), "--mask", "full", "--epochs", "4",
                "--batch", "2", "--lr", "1e-3");

        Path reference = dir.resolve("trained-uninterrupted");
        Process whole = child("train", options, "--out", reference.toString());
        assertEquals(0, whole.waitFor(), stderrOf(whole));

        Path out = dir.resolve("trained-killed");
        long delay = RANDOM.nextInt(150);
        Process killed = child("train", options, "--out", out.toString());
        killAfter(killed, () -> Files.isRegularFile(out.resolve("checkpoints/epoch-1/model.safetensors")), delay, "train");
        assertFalse(Files.exists(out.resolve("model.safetensors")), "killed in epoch 2, 3 or 4 (+" + delay + " ms): no final model yet");

        Process resumed = child("train", options, "--out", out.toString(), "--resume");
        assertEquals(0, resumed.waitFor(), stderrOf(resumed));
        assertEquals(Hashes.sha256(reference.resolve("model.safetensors")), Hashes.sha256(out.resolve("model.safetensors")),
                "the resumed run's weights, bit for bit (killed " + delay + " ms after epoch 1's checkpoint)");
        JsonNode a = JsonLines.MAPPER.readTree(reference.resolve("record.json").toFile()).get("metrics").get("loss_per_update");
        JsonNode b = JsonLines.MAPPER.readTree(out.resolve("record.json").toFile()).get("metrics").get("loss_per_update");
        assertEquals(a, b);
        assertEquals(24, b.size());
    }

    /** Waits until the child shows progress, then a little longer, then kills it (SIGKILL). */
    static void killAfter(Process p, BooleanSupplier progress, long delayMillis, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!progress.getAsBoolean()) {
            assertTrue(p.isAlive(), what + " ended before any progress was seen: " + stderrOf(p));
            assertTrue(System.nanoTime() < deadline, what + " made no progress in 3 minutes");
            Thread.sleep(10);
        }
        Thread.sleep(delayMillis);
        assertTrue(p.isAlive(), what + " finished before it could be killed: give it more work");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
    }

    /** {@code java -cp <this class path> dev.segattr.cli.Main command options... extra...}, stderr to a file. */
    static Process child(String command, List<String> options, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), "dev.segattr.cli.Main", command));
        cmd.addAll(options);
        cmd.addAll(List.of(extra));
        // dir is this class's; other tests of the package that start children use the system's temporary folder
        Path log = dir != null ? Files.createTempFile(dir, command, ".err") : Files.createTempFile(command, ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile()).start();
        LOGS.put(p, log);
        return p;
    }

    static final java.util.Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    static String stderrOf(Process p) {
        try {
            return Files.readString(LOGS.get(p));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Newline-terminated lines in a file (0 when it does not exist). */
    static long lines(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count() : 0;
        } catch (IOException e) {
            return 0; // being renamed
        }
    }

    /** Records of a partial file that parse (a torn last line is what a kill may leave; it does not count). */
    static int completeRecords(Path partial) throws IOException {
        String text = Files.readString(partial);
        int n = 0;
        for (String line : text.split("\n", -1)) {
            try {
                if (!line.isEmpty() && JsonLines.MAPPER.readTree(line).isObject()) {
                    n++;
                }
            } catch (IOException torn) {
                break;
            }
        }
        return n;
    }
}

package dev.segattr.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job killed midway (its JVM halted, as kill -9) and rerun with --resume ends with the uninterrupted job's output. */
class ResumeTest {

    @TempDir
    Path tmp;

    @Test
    void resumeAfterAKilledJobEndsWithTheSameOutput() throws Exception {
        Path in = LocalSpark.reference().resolve("traces.jsonl");
        Path out = tmp.resolve("attributed");
        // 24 traces in 8 partitions of 3, two at a time: waves {0,1}, {2,3}, {4,5}, {6,7}. The JVM halts when partition
        // 5 has written its first record, so waves 0 and 1 are committed (12 traces) and wave 2 dies half-written.
        Process job = javaProcess(tmp.resolve("killed.log"), "halt:5", LocalSpark.attributeArgs(in, out, "--partitions", "8"));
        assertTrue(job.waitFor(5, TimeUnit.MINUTES), "the killed job did not end");
        assertEquals(137, job.exitValue(), () -> "the job was to be halted:\n" + log(tmp.resolve("killed.log")));
        assertFalse(Files.exists(out.resolve("_SUCCESS")), "a killed job's folder is not marked complete");
        int kept = LocalSpark.recordsOfFolder(out).size(); // committed part files only, no id twice
        assertEquals(12, kept, "waves 0 and 1 (partitions 0-3, 3 traces each) were committed");

        // Without --resume the folder is refused (nothing is overwritten); with it, the other 12 are done.
        assertEquals(2, LocalSpark.run(LocalSpark.attributeArgs(in, out, "--partitions", "8")));
        assertEquals(0, LocalSpark.run(LocalSpark.attributeArgs(in, out, "--partitions", "8", "--resume")));

        LocalSpark.assertSameAttributions(LocalSpark.recordsOf(LocalSpark.reference().resolve("attributed.jsonl")),
                LocalSpark.recordsOfFolder(out));
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        // A third run has nothing to do and changes nothing.
        int files = LocalSpark.partFiles(out).size();
        assertEquals(0, LocalSpark.run(LocalSpark.attributeArgs(in, out, "--resume")));
        assertEquals(files, LocalSpark.partFiles(out).size());
    }

    @Test
    void resumeWithOtherSettingsIsRefused() throws Exception {
        Path in = LocalSpark.traces(tmp, 2);
        Path out = tmp.resolve("attributed");
        assertEquals(0, LocalSpark.run(LocalSpark.attributeArgs(in, out)));
        Files.write(in, List.of(Files.readAllLines(LocalSpark.TRAIN).subList(0, 3).toArray(String[]::new)));
        var err = new java.io.StringWriter();
        var cli = SegattrSpark.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        List<String> args = new ArrayList<>(List.of(LocalSpark.attributeArgs(in, out, "--resume")));
        args.set(args.indexOf("4"), "6"); // --steps 6 instead of 4
        assertEquals(2, cli.execute(args.toArray(String[]::new)));
        // One of the two records already there is named (the first the driver reads back; its id depends on the data).
        assertTrue(err.toString().matches("segattr attribute: " + java.util.regex.Pattern.quote(out.toString())
                + ": record synth-\\d+ was made with 'gauss-legendre\\(4\\), pad, batch 2, float32', this run uses "
                + "'gauss-legendre\\(6\\), pad, batch 2, float32': rerun with the same options or remove the folder\\n"), err.toString());
    }

    /** segattr-spark in a JVM of its own on local[2], with a fault injected. */
    private static Process javaProcess(Path log, String faults, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(System.getProperty("segattr.spark.jvm.flags").trim().split("\\s+")));
        command.addAll(List.of("-Xmx2g", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dai.djl.offline=true", "-DDJL_CACHE_DIR=" + System.getProperty("segattr.djl.cache"),
                "-Dspark.master=local[2]", "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
                "-Dspark.driver.bindAddress=127.0.0.1", "-D" + Faults.KEY + "=" + faults,
                "-cp", System.getProperty("java.class.path"), SegattrSpark.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("DJL_OFFLINE", "true");
        return pb.start();
    }

    private static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}

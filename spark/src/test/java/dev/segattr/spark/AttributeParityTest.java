package dev.segattr.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job writes what the command line writes, on a real local SparkSession. */
class AttributeParityTest {

    @TempDir
    Path tmp;

    @Test
    void attributeOn24TracesMatchesTheCommandLine() throws Exception {
        Path ref = LocalSpark.reference();
        Path out = tmp.resolve("attributed");
        // 8 partitions, 2 at a time: 4 waves, each a Spark job that commits its part files.
        assertEquals(0, LocalSpark.run(LocalSpark.attributeArgs(ref.resolve("traces.jsonl"), out, "--partitions", "8")));

        Map<String, ObjectNode> cli = LocalSpark.recordsOf(ref.resolve("attributed.jsonl"));
        Map<String, ObjectNode> job = LocalSpark.recordsOfFolder(out);
        assertEquals(24, cli.size());
        LocalSpark.assertSameAttributions(cli, job);
        assertTrue(Files.exists(out.resolve("_SUCCESS")), "complete output is marked");
        // Every partition wrote one part file: 8 partitions, 8 files (a partition of 3 traces on average).
        assertEquals(8, LocalSpark.partFiles(out).size());
        // One model for every task of this JVM (the cache key is checkpoint, tokenizer, device, dtype).
        assertEquals(1, ModelCache.size());
    }

    @Test
    void selectOnTheAttributedFolderMatchesTheCommandLine() throws Exception {
        Path ref = LocalSpark.reference();
        Path cliOut = tmp.resolve("selected.jsonl");
        assertEquals(0, dev.segattr.cli.Main.run("select", "--in", ref.resolve("attributed.jsonl").toString(), "--out",
                cliOut.toString(), "--policy", "random", "--seed", "7"));
        Path out = tmp.resolve("selected");
        // The input is a file here; the folder attribute writes works the same (TraceInput reads its part files).
        assertEquals(0, LocalSpark.run("select", "--in", ref.resolve("attributed.jsonl").toString(), "--out", out.toString(),
                "--policy", "random", "--seed", "7"));
        assertEquals(LocalSpark.recordsOf(cliOut), LocalSpark.recordsOfFolder(out));
    }

    @Test
    void logprobsMatchesTheCommandLine() throws Exception {
        Path in = LocalSpark.traces(tmp, 6);
        Path cliOut = tmp.resolve("logprobs.jsonl");
        assertEquals(0, dev.segattr.cli.Main.run("logprobs", "--model", LocalSpark.MODEL.toString(), "--in", in.toString(),
                "--out", cliOut.toString()));
        Path out = tmp.resolve("logprobs");
        assertEquals(0, LocalSpark.run("logprobs", "--model", LocalSpark.MODEL.toString(), "--in", in.toString(), "--out", out.toString()));
        assertEquals(LocalSpark.recordsOf(cliOut), LocalSpark.recordsOfFolder(out));
    }

    @Test
    void exportOfTheSelectionMatchesTheCommandLine() throws Exception {
        Path ref = LocalSpark.reference();
        Path selected = tmp.resolve("selected.jsonl");
        assertEquals(0, dev.segattr.cli.Main.run("select", "--in", ref.resolve("attributed.jsonl").toString(), "--out", selected.toString()));
        Path cliOut = tmp.resolve("masked.jsonl");
        assertEquals(0, dev.segattr.cli.Main.run("export", "--model", LocalSpark.MODEL.toString(), "--in", selected.toString(),
                "--out", cliOut.toString(), "--mask", "random"));
        Path out = tmp.resolve("masked");
        assertEquals(0, LocalSpark.run("export", "--model", LocalSpark.MODEL.toString(), "--in", selected.toString(),
                "--out", out.toString(), "--mask", "random"));
        assertEquals(LocalSpark.recordsOf(cliOut), LocalSpark.recordsOfFolder(out));
    }

    @Test
    void greedyEvaluationMatchesTheCommandLine() throws Exception {
        Path in = tmp.resolve("questions.jsonl");
        try (var lines = Files.lines(LocalSpark.ROOT.resolve("data/synth/test.jsonl"))) {
            Files.write(in, lines.limit(4).toList());
        }
        // One prompt a batch on both sides: a batch's padding is the only thing partitioning could change.
        String[] settings = {"--max-new-tokens", "24", "--batch", "1"};
        Path cliOut = tmp.resolve("eval.jsonl");
        assertEquals(0, dev.segattr.cli.Main.run(concat(new String[] {"evaluate", "--model", LocalSpark.MODEL.toString(),
                "--in", in.toString(), "--out", cliOut.toString()}, settings)));
        Path out = tmp.resolve("eval");
        assertEquals(0, LocalSpark.run(concat(new String[] {"evaluate", "--model", LocalSpark.MODEL.toString(), "--in", in.toString(),
                "--out", out.toString()}, settings)));
        Map<String, ObjectNode> want = LocalSpark.recordsOf(cliOut);
        assertEquals(4, want.size());
        assertEquals(want, LocalSpark.recordsOfFolder(out));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void parquetInputGivesTheRecordsOfItsJsonLines() throws Exception {
        Path in = LocalSpark.traces(tmp, 4);
        Path parquet = tmp.resolve("traces.parquet");
        // Spark writes the same records as Parquet (its schema orders the fields alphabetically; values are the same).
        LocalSpark.session().read().json(in.toString()).coalesce(1).write().parquet(parquet.toString());
        Path fromJson = tmp.resolve("from-json");
        Path fromParquet = tmp.resolve("from-parquet");
        assertEquals(0, LocalSpark.run("logprobs", "--model", LocalSpark.MODEL.toString(), "--in", in.toString(), "--out", fromJson.toString()));
        assertEquals(0, LocalSpark.run("logprobs", "--model", LocalSpark.MODEL.toString(), "--in", parquet.toString(),
                "--format", "parquet", "--out", fromParquet.toString()));
        Map<String, ObjectNode> want = LocalSpark.recordsOfFolder(fromJson);
        assertEquals(4, want.size());
        assertEquals(want, LocalSpark.recordsOfFolder(fromParquet)); // field order aside: ObjectNode equality is by name
    }
}

package dev.segattr.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input fails the job with the command line's one line, exit 2, and writes nothing. */
class BadInputTest {

    @TempDir
    Path tmp;

    /** Exit code and stderr of segattr (the command line) and of segattr-spark on the same arguments. */
    private record Outcome(int code, String err) {
    }

    /** The command line's exit code and last stderr line (before it, progress lines of the records it did). */
    private static Outcome cli(String... args) {
        StringWriter err = new StringWriter();
        var cli = dev.segattr.cli.Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        String[] lines = err.toString().split("\n");
        return new Outcome(code, lines[lines.length - 1] + "\n");
    }

    private static Outcome spark(String... args) {
        LocalSpark.session();
        StringWriter err = new StringWriter();
        var cli = SegattrSpark.commandLine();
        cli.setErr(new PrintWriter(err));
        return new Outcome(cli.execute(args), err.toString());
    }

    @Test
    void aMalformedLineStopsTheJobWithTheCommandLinesMessage() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(LocalSpark.TRAIN).subList(0, 4));
        lines.set(2, lines.get(2).substring(0, 80)); // line 3 cut short: not JSON any more
        Path in = tmp.resolve("traces.jsonl");
        Files.write(in, lines);

        Outcome cli = cli(LocalSpark.attributeArgs(in, tmp.resolve("cli.jsonl")));
        Outcome job = spark(LocalSpark.attributeArgs(in, tmp.resolve("job")));
        assertEquals(2, cli.code());
        assertTrue(cli.err().startsWith("segattr attribute: traces.jsonl:3: malformed JSON ("), cli.err());
        assertEquals(cli, job);
        assertFalse(Files.exists(tmp.resolve("job")), "nothing written");
    }

    @Test
    void aMissingFieldIsNamedWithItsLine() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(LocalSpark.TRAIN).subList(0, 3));
        lines.set(1, lines.get(1).replace("\"answer\":", "\"answered\":"));
        Path in = tmp.resolve("traces.jsonl");
        Files.write(in, lines);
        Outcome cli = cli(LocalSpark.attributeArgs(in, tmp.resolve("cli.jsonl")));
        assertTrue(cli.err().startsWith("segattr attribute: traces.jsonl:2: field 'answer'"), cli.err());
        assertEquals(cli, spark(LocalSpark.attributeArgs(in, tmp.resolve("job"))));
    }

    @Test
    void aMissingModelFolderStopsTheJobWithTheCommandLinesMessage() {
        Path in = LocalSpark.traces(tmp, 2);
        List<String> args = new ArrayList<>(List.of(LocalSpark.attributeArgs(in, tmp.resolve("out"))));
        args.set(args.indexOf(LocalSpark.MODEL.toString()), tmp.resolve("no-model").toString());
        Outcome cli = cli(args.toArray(String[]::new));
        assertEquals(new Outcome(2, "segattr attribute: --model " + tmp.resolve("no-model") + ": no such folder\n"), cli);
        assertEquals(cli, spark(args.toArray(String[]::new)));
    }

    @Test
    void aMissingInputFileStopsTheJob() {
        Outcome job = spark(LocalSpark.attributeArgs(tmp.resolve("none.jsonl"), tmp.resolve("out")));
        assertEquals(new Outcome(2, "segattr attribute: " + tmp.resolve("none.jsonl") + ": no such file\n"), job);
    }
}

package dev.segattr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.trace.JsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentCommandTest {

    @TempDir
    Path dir;

    @Test
    void addsSegmentsThatConcatenateToTheReasoning() throws IOException {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, """
                {"id": "a", "question": "q", "reasoning": "Add.\\n\\nWait, check.\\n\\nAnother way.", "answer": "1", "keep": true}
                {"id": "b", "question": "q", "solution": "\\n\\nWait first.", "answer": "2"}
                """);
        Path out = dir.resolve("out.jsonl");
        assertEquals(0, Main.run("segment", "--in", in.toString(), "--out", out.toString()));
        List<JsonNode> records = readAll(out);
        assertEquals(2, records.size());
        JsonNode a = records.get(0);
        assertEquals(List.of("Add.", "\n\nWait, check.", "\n\nAnother way."), strings(a.get("segments")));
        assertEquals(4, a.get("segment_spans").get(1).get(0).asInt());
        assertTrue(a.get("keep").asBoolean(), "fields are kept as they came");
        assertEquals(List.of("\n\nWait first."), strings(records.get(1).get("segments")));
    }

    @Test
    void customKeywords() throws IOException {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"id\": \"a\", \"question\": \"q\", \"reasoning\": \"x\\n\\nHmm y\\n\\nWait z\", \"answer\": \"1\"}\n");
        Path out = dir.resolve("out.jsonl");
        assertEquals(0, Main.run("segment", "--in", in.toString(), "--out", out.toString(), "--keyword", "\\n\\nHmm"));
        assertEquals(List.of("x", "\n\nHmm y\n\nWait z"), strings(readAll(out).get(0).get("segments")));
    }

    @Test
    void badInputExitsWithTwoAndOneLineAndLeavesTheOldOutput() throws IOException {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"id\": \"a\", \"question\": \"q\", \"reasoning\": \"r\", \"answer\": \"1\"}\n{\"id\": \"b\", \"question\": \"q\"}\n");
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "previous results\n");
        Result result = run("segment", "--in", in.toString(), "--out", out.toString());
        assertEquals(2, result.code);
        assertEquals("segattr segment: in.jsonl:2: no reasoning: expected a 'reasoning', 'solution' or 'messages' field", result.err.strip());
        assertEquals("previous results\n", Files.readString(out), "nothing already written is lost");
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no half-written file");
        }
    }

    @Test
    void skipBadWritesTheGoodRecords() throws IOException {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"id\": \"a\", \"question\": \"q\", \"reasoning\": \"r\", \"answer\": \"1\"}\nnot json\n");
        Path out = dir.resolve("out.jsonl");
        Result result = run("segment", "--in", in.toString(), "--out", out.toString(), "--skip-bad");
        assertEquals(0, result.code);
        assertEquals(1, readAll(out).size());
        assertTrue(result.err.startsWith("segattr segment: skipped in.jsonl:2: malformed JSON"), result.err);
    }

    @Test
    void usageErrorsAndHelp() {
        assertEquals(2, run("segment", "--in", "x.jsonl").code, "a missing option is bad usage");
        Result missing = run("segment", "--in", dir.resolve("none.jsonl").toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, missing.code);
        assertTrue(missing.err.contains("none.jsonl: no such file"), missing.err);
        assertEquals(2, run("segment", "--in", "a", "--out", "b", "--pattern", "(").code);
        Result help = run("segment", "--help");
        assertEquals(0, help.code);
        assertTrue(help.out.contains("--keyword"));
        assertFalse(Files.exists(dir.resolve("o")));
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static List<JsonNode> readAll(Path file) {
        try (var lines = JsonLines.read(file)) {
            return lines.map(l -> (JsonNode) l.json()).toList();
        }
    }

    static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}

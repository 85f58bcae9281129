package dev.segattr.trace;

import dev.segattr.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsThePlainLayoutAndKeepsExtraFields() throws IOException {
        Path file = write("""
                {"id": "a1", "question": "2+3?", "reasoning": "2+3=5.\\n\\nWait, yes.", "answer": "5", "source": "mine"}
                {"id": 7, "question": "1+1?", "reasoning": "two", "answer": 2}
                """);
        List<Trace> traces = TraceReader.readAll(file);
        assertEquals(2, traces.size());
        Trace first = traces.get(0);
        assertEquals("a1", first.id());
        assertEquals("2+3=5.\n\nWait, yes.", first.reasoning());
        assertEquals("5", first.answer());
        assertEquals("mine", first.field("source").asText());
        assertEquals("7", traces.get(1).id());
        assertEquals("2", traces.get(1).answer());
    }

    @Test
    void readsLimoLayout() throws IOException {
        Path file = write("""
                {"question": "What is 6*7?", "solution": "6*7 = 42. So \\\\boxed{42}.", "answer": "42"}
                """);
        Trace trace = TraceReader.readAll(file).get(0);
        assertEquals("1", trace.id(), "a record without id is named by its line number");
        assertEquals("6*7 = 42. So \\boxed{42}.", trace.reasoning());
        assertEquals("42", trace.answer());
    }

    @Test
    void readsChatMessagesWithThinkBlocks() throws IOException {
        Path file = write("""
                {"id": "c", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "3*3?"}, {"role": "assistant", "content": "<think>\\n3*3 = 9.\\n\\nWait, 9.\\n</think>\\n\\nThe answer is \\\\boxed{9}."}]}
                {"id": "d", "messages": [{"role": "user", "content": "1+2?"}, {"role": "assistant", "content": "1+2=3\\n</think>\\nSo \\\\boxed{3}"}], "answer": "3"}
                """);
        List<Trace> traces = TraceReader.readAll(file);
        assertEquals("3*3?", traces.get(0).question());
        assertEquals("3*3 = 9.\n\nWait, 9.", traces.get(0).reasoning());
        assertEquals("9", traces.get(0).answer());
        assertEquals("1+2=3", traces.get(1).reasoning(), "R1-style turns whose <think> the template added");
    }

    @Test
    void badRecordsAreNamedByFileLineAndField() throws IOException {
        assertError("{\"question\": \"q\", \"reasoning\": \"r\"}", "t.jsonl:1: field 'answer' is missing");
        assertError("{\"question\": \"q\", \"reasoning\": \"r\", \"answer\": [1]}", "t.jsonl:1: field 'answer': expected a string or a number, got array");
        assertError("{\"question\": 5, \"reasoning\": \"r\", \"answer\": \"1\"}", "t.jsonl:1: field 'question': expected a string, got number");
        assertError("{\"question\": \"q\", \"reasoning\": \"  \", \"answer\": \"1\"}", "t.jsonl:1: field 'reasoning' is empty");
        assertError("\n{\"question\": \"q\", \"reasoning\": \"r\", \"answer\": \"1\"", "t.jsonl:2: malformed JSON");
        assertError("[1, 2]", "t.jsonl:1: expected a JSON object, got array");
        assertError("{\"question\": \"q\", \"answer\": \"1\"}", "t.jsonl:1: no reasoning");
        assertError("""
                {"id": "x", "question": "q", "reasoning": "r", "answer": "1"}
                {"id": "x", "question": "q", "reasoning": "r", "answer": "1"}
                """, "t.jsonl:2: field 'id': duplicate id 'x'");
        assertError("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"no think\"}]}",
                "t.jsonl:1: field 'messages': the assistant turn has no </think>");
    }

    @Test
    void invalidUtf8IsNamed() throws IOException {
        Path file = dir.resolve("t.jsonl");
        Files.write(file, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
        BadInputException e = assertThrows(BadInputException.class, () -> TraceReader.readAll(file));
        assertTrue(e.getMessage().startsWith("t.jsonl:1: not valid UTF-8"), e.getMessage());
    }

    @Test
    void aByteOrderMarkAtTheStartIsPassedOver() throws IOException {
        // EF BB BF, then two records: line 1 must parse as the first record, and line numbers stay as they were.
        Path file = dir.resolve("t.jsonl");
        Files.write(file, ("\uFEFF{\"id\": \"a\", \"question\": \"q\", \"reasoning\": \"r\", \"answer\": \"1\"}\n"
                + "{\"id\": \"b\", \"question\": \"q\", \"reasoning\": \"r\", \"answer\": 2}\n").getBytes(StandardCharsets.UTF_8));
        assertEquals((byte) 0xEF, Files.readAllBytes(file)[0], "the file really starts with the mark");
        List<Trace> traces = TraceReader.readAll(file);
        assertEquals(List.of("a", "b"), traces.stream().map(Trace::id).toList());
        // A mark anywhere else is a character like any other, and outside a string it is malformed JSON.
        Files.write(file, ("{\"id\": \"a\", \"question\": \"q\", \"reasoning\": \"r\", \"answer\": \"1\"}\n"
                + "\uFEFF{\"id\": \"b\"}\n").getBytes(StandardCharsets.UTF_8));
        BadInputException e = assertThrows(BadInputException.class, () -> TraceReader.readAll(file));
        assertTrue(e.getMessage().startsWith("t.jsonl:2: malformed JSON"), e.getMessage());
    }

    @Test
    void aMissingFileIsOneLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> TraceReader.readAll(dir.resolve("nope.jsonl")));
        assertTrue(e.getMessage().endsWith("nope.jsonl: no such file"), e.getMessage());
    }

    @Test
    void skippingBadRecordsReportsThemAndKeepsTheGoodOnes() throws IOException {
        Path file = write("""
                {"id": "1", "question": "q", "reasoning": "r", "answer": "1"}
                {broken
                {"id": "2", "question": "q", "reasoning": "", "answer": "1"}
                {"id": "3", "question": "q", "reasoning": "r", "answer": "3"}
                """);
        try (TraceReader reader = TraceReader.open(file).skippingBad()) {
            List<String> ids = reader.stream().map(Trace::id).toList();
            assertEquals(List.of("1", "3"), ids);
            assertEquals(2, reader.problems().size());
            assertTrue(reader.problems().get(0).startsWith("t.jsonl:2: malformed JSON"));
            assertTrue(reader.problems().get(1).startsWith("t.jsonl:3: field 'reasoning' is empty"));
        }
    }

    /** 200,000 records (about 40 MB) stream through a reader with a small heap footprint. */
    @Test
    void aLargeFileStreams() throws IOException {
        Path file = dir.resolve("large.jsonl");
        String filler = "x".repeat(150);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 200_000; i++) {
                out.write("{\"id\":\"" + i + "\",\"question\":\"q\",\"reasoning\":\"" + filler + "\\n\\nWait " + i + "\",\"answer\":\"" + i + "\"}\n");
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long count = 0;
        long segments = 0;
        long peak = 0;
        try (TraceReader reader = TraceReader.open(file)) {
            for (Trace trace : reader) {
                count++;
                segments += Segmenter.reference().split(trace.reasoning()).size();
                if (count % 50_000 == 0) {
                    System.gc();
                    peak = Math.max(peak, rt.totalMemory() - rt.freeMemory() - before);
                }
            }
        }
        assertEquals(200_000, count);
        assertEquals(400_000, segments);
        // Only the id set grows (about 60 bytes an id); the records themselves are never all in memory.
        assertTrue(peak < Files.size(file) / 2, "heap grew by " + peak + " bytes for a " + Files.size(file) + "-byte file");
    }

    private void assertError(String content, String expectedStart) throws IOException {
        Path file = write(content);
        BadInputException e = assertThrows(BadInputException.class, () -> TraceReader.readAll(file));
        assertTrue(e.getMessage().startsWith(expectedStart), () -> "got: " + e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("t.jsonl");
        Files.writeString(file, content);
        return file;
    }
}

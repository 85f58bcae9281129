package dev.segattr.select;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentTableTest {

    static JsonLines.Line line(String json) {
        return new JsonLines.Line(Path.of("attributed.jsonl"), 3, JsonLines.parse(Path.of("attributed.jsonl"), 3, json));
    }

    static final String RECORD = """
            {"id": "q1", "segments": ["Let x = 2.", "\\n\\nWait, <check> it", "\\n\\nSo 4."],
             "segment_roles": ["setup", "check", "conclusion"],
             "token_attributions": [[0.5, -0.1], [0.2, 0.3, -0.4], [1.0]]}
            """;

    @Test
    void readsAnAttributedRecord() {
        ScoredTrace t = ScoredTrace.fromRecord(line(RECORD));
        assertEquals("q1", t.id());
        assertEquals(3, t.size());
        assertEquals(6, t.totalTokens());
        assertEquals("check", t.roles().get(1));
        assertEquals(-0.4, t.attributions().get(1)[2], 0);
    }

    @Test
    void badRecordsNameFileLineAndField() {
        var e = assertThrows(BadInputException.class, () -> ScoredTrace.fromRecord(line(
                "{\"id\": \"q\", \"token_attributions\": [[0.1, null]]}")));
        assertEquals("attributed.jsonl:3: field 'token_attributions[0][1]': expected a number, got null", e.getMessage());
        var missing = assertThrows(BadInputException.class, () -> ScoredTrace.fromRecord(line("{\"id\": \"q\"}")));
        assertTrue(missing.getMessage().startsWith("attributed.jsonl:3: field 'token_attributions' is missing"), missing.getMessage());
        var mismatch = assertThrows(BadInputException.class, () -> ScoredTrace.fromRecord(line(
                "{\"id\": \"q\", \"segments\": [\"a\"], \"token_attributions\": [[0.1], [0.2]]}")));
        assertTrue(mismatch.getMessage().contains("1 segment texts for 2 segments"), mismatch.getMessage());
    }

    @Test
    void oneRowPerSegmentWithMetricsSelectionRoleAndPreview(@TempDir Path dir) throws Exception {
        ScoredTrace t = ScoredTrace.fromRecord(line(RECORD));
        ScoredTrace other = ScoredTrace.ofAttributions("q2", List.of(new double[] {1}, new double[] {0, 0}));
        SegmentTable table = SegmentTable.of(List.of(t, other), SelectionPolicy.reference());
        Table tt = table.table();
        assertEquals(5, tt.rowCount());
        assertEquals(List.of("id", "index", "tokens", "strength", "consistency", "status", "selected", "role", "preview"), tt.columnNames());
        assertEquals(1.0, tt.doubleColumn("strength").where(tt.stringColumn("id").isEqualTo("q1")).sum(), 1e-12);
        assertEquals("⏎⏎Wait, <check> it", tt.stringColumn("preview").get(1));
        assertEquals("check", tt.stringColumn("role").get(1));
        assertEquals("", tt.stringColumn("role").get(3));
        assertEquals("zero attribution", tt.stringColumn("status").get(4));
        assertTrue(tt.booleanColumn("selected").get(4));

        Path csv = dir.resolve("segments.csv");
        table.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("id,index,tokens,strength,consistency,status,selected,role,preview", lines.get(0));
        assertEquals(6, lines.size());

        String html = table.html();
        assertTrue(html.contains("&lt;check&gt;"), "text is escaped");
        assertFalse(html.contains("<check>"));
        assertTrue(html.contains("<td style=\"text-align:left\">⏎⏎Wait, &lt;check&gt; it</td>"), "text columns read from the left");
        assertTrue(table.html(2).contains("<p>... 3 more rows (5 in all)</p>"), "the note of the one table renderer, viz.HtmlTable");

        // In a notebook the table shows itself: HTML first, plain text as the fallback.
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(table.mimeBundle().keySet()));
        assertEquals(table.html(SegmentTable.DISPLAY_ROWS), table.mimeBundle().get("text/html"));
        assertTrue(table.mimeBundle().get("text/plain").toString().contains("zero attribution"));
    }

    @Test
    void readsAWholeAttributedFileLeavingOutFailedTraces(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("attributed.jsonl");
        Files.writeString(file, RECORD.replace("\n", " ").strip() + "\n"
                + "{\"id\": \"q2\", \"token_attributions\": null, \"attribution_status\": \"non-finite\"}\n");
        List<ScoredTrace> traces = ScoredTrace.readAll(file);
        assertEquals(1, traces.size());
        assertEquals(3, SegmentTable.of(traces, SelectionPolicy.reference()).rowCount());
    }

    @Test
    void previewsCutLongTextInTheMiddle() {
        String p = SegmentTable.preview("a".repeat(50) + "\n" + "b".repeat(50), 21);
        assertEquals(21, p.length());
        assertTrue(p.startsWith("aaaa") && p.endsWith("bbb") && p.contains("…"));
    }
}

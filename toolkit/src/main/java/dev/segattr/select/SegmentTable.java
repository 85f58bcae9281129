package dev.segattr.select;

import dev.segattr.experiment.AtomicFile;
import dev.segattr.viz.HtmlTable;
import dev.segattr.viz.RichDisplay;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row per segment, for one trace or a whole data set, as a Tablesaw {@link Table}: {@code id, index,
 * tokens, strength, consistency, status, selected, role, preview}. {@code strength} and {@code consistency} are
 * missing (NaN, an empty CSV cell) for a trace without attributions; {@code role} is empty unless the record
 * carries {@code segment_roles}; {@code preview} is the segment's text on one line, cut in the middle.
 *
 * <pre>{@code
 * SegmentTable table = SegmentTable.of(traces, SelectionPolicy.reference());
 * table.writeCsv(Path.of("segments.csv"));
 * table.html();            // for a notebook cell
 * table.table().where(table.table().booleanColumn("selected").isTrue());   // Tablesaw from here on
 * }</pre>
 */
public final class SegmentTable implements RichDisplay {

    /** Rows a notebook shows before "... n more rows". */
    public static final int DISPLAY_ROWS = 100;

    public static final int PREVIEW_CHARS = 80;

    private final Table table = Table.create("segments",
            StringColumn.create("id"), IntColumn.create("index"), IntColumn.create("tokens"),
            DoubleColumn.create("strength"), DoubleColumn.create("consistency"), StringColumn.create("status"),
            BooleanColumn.create("selected"), StringColumn.create("role"), StringColumn.create("preview"));

    /** An empty table; {@link #add} fills it. */
    public SegmentTable() {
    }

    /** The table of one trace under a selection made on it. */
    public static SegmentTable of(ScoredTrace trace, Selection selection) {
        return new SegmentTable().add(trace, selection);
    }

    /** The table of a data set: every trace's segments under the policy. */
    public static SegmentTable of(List<ScoredTrace> traces, SelectionPolicy policy) {
        SegmentTable t = new SegmentTable();
        traces.forEach(trace -> t.add(trace, policy.select(trace)));
        return t;
    }

    /** Adds one trace's rows. */
    public SegmentTable add(ScoredTrace trace, Selection selection) {
        SegmentMetrics metrics = trace.attributions() == null ? null : SegmentMetrics.of(trace.attributions());
        int[] counts = trace.tokenCounts();
        for (int s = 0; s < counts.length; s++) {
            table.stringColumn("id").append(trace.id());
            table.intColumn("index").append(s);
            table.intColumn("tokens").append(counts[s]);
            table.doubleColumn("strength").append(metrics == null ? Double.NaN : metrics.strength(s));
            table.doubleColumn("consistency").append(metrics == null ? Double.NaN : metrics.consistency(s));
            table.stringColumn("status").append(metrics == null ? "" : metrics.status(s).label());
            table.booleanColumn("selected").append(selection.isSelected(s));
            String role = trace.roles() == null ? null : trace.roles().get(s);
            table.stringColumn("role").append(role == null ? "" : role);
            String text = trace.segments() == null ? null : trace.segments().get(s);
            table.stringColumn("preview").append(text == null ? "" : preview(text, PREVIEW_CHARS));
        }
        return this;
    }

    public Table table() {
        return table;
    }

    public int rowCount() {
        return table.rowCount();
    }

    /** CSV with a header line, written atomically. */
    public void writeCsv(Path file) {
        AtomicFile.writeText(file, w -> table.write().csv(w));
    }

    /** All rows as an HTML table. */
    public String html() {
        return html(Integer.MAX_VALUE);
    }

    /** An HTML table of at most {@code maxRows} rows (a note says how many were left out); selected rows bold. */
    public String html(int maxRows) {
        return HtmlTable.of(table).cssClass("segattr-segments").maxRows(maxRows)
                .emphasising(r -> table.booleanColumn("selected").get(r))
                .cellText((column, r) -> cell(table.row(r), column.name())).toHtml();
    }

    private static String cell(Row row, String name) {
        return switch (name) {
            case "index", "tokens" -> Integer.toString(row.getInt(name));
            case "strength", "consistency" -> {
                double v = row.getDouble(name);
                yield Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
            }
            case "selected" -> row.getBoolean(name) ? "yes" : "";
            default -> row.getString(name);
        };
    }

    static String preview(String text, int maxChars) {
        String flat = text.replace("\r", "").replace("\n", "⏎");
        if (flat.length() <= maxChars) {
            return flat;
        }
        int head = Math.max(1, (maxChars - 1) * 2 / 3);
        int tail = Math.max(0, maxChars - 1 - head);
        return flat.substring(0, head) + "…" + flat.substring(flat.length() - tail);
    }

    /** The table as a notebook shows it: HTML (at most {@link #DISPLAY_ROWS} rows, selected rows bold) and plain text. */
    @Override
    public Map<String, Object> mimeBundle() {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, html(DISPLAY_ROWS));
        bundle.put(TEXT_PLAIN, table.print(DISPLAY_ROWS));
        return bundle;
    }

    @Override
    public String toString() {
        return table.print();
    }
}

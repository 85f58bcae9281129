package dev.segattr.viz;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * A Tablesaw table as a plain HTML table, the one renderer of the toolkit and the kernel: header cells from the
 * column names, numbers right-aligned and text left-aligned (a notebook right-aligns every cell by default),
 * every name and value escaped. Options for the tables that need them: a CSS class, a caption, emphasised rows
 * (bold), the cell text, and a row limit with a note saying how many rows were left out.
 *
 * <pre>{@code
 * String html = HtmlTable.of(table).caption("segments").maxRows(100).toHtml();
 * }</pre>
 */
public final class HtmlTable {

    /** Guava's escaper (Tablesaw brings Guava): &amp; &lt; &gt; &quot; and &#39;. */
    private static final Escaper ESCAPER = HtmlEscapers.htmlEscaper();

    /** The text of a cell. */
    @FunctionalInterface
    public interface CellText {
        String of(Column<?> column, int row);
    }

    private final Table table;
    private String cssClass;
    private String caption;
    private int maxRows = Integer.MAX_VALUE;
    private IntPredicate emphasised = row -> false;
    private CellText cellText = (column, row) -> column.getString(row);

    private HtmlTable(Table table) {
        this.table = table;
    }

    public static HtmlTable of(Table table) {
        return new HtmlTable(table);
    }

    /** Text made safe inside HTML elements and attribute values. */
    public static String escape(String text) {
        return ESCAPER.escape(text);
    }

    public HtmlTable cssClass(String name) {
        this.cssClass = name;
        return this;
    }

    /** A caption above the table; none when null or blank. */
    public HtmlTable caption(String text) {
        this.caption = text;
        return this;
    }

    /** At most this many rows; a note after the table says how many more there are. */
    public HtmlTable maxRows(int rows) {
        this.maxRows = rows;
        return this;
    }

    /** Rows shown in bold (e.g. the selected segments). */
    public HtmlTable emphasising(IntPredicate rows) {
        this.emphasised = rows;
        return this;
    }

    /** How a cell reads; by default the column's own string (its print formatter). */
    public HtmlTable cellText(CellText text) {
        this.cellText = text;
        return this;
    }

    public String toHtml() {
        StringBuilder s = new StringBuilder(cssClass == null ? "<table>\n" : "<table class=\"" + escape(cssClass) + "\">\n");
        if (caption != null && !caption.isBlank()) {
            s.append("<caption>").append(escape(caption)).append("</caption>\n");
        }
        s.append("<thead><tr>");
        for (Column<?> c : table.columns()) {
            s.append("<th>").append(escape(c.name())).append("</th>");
        }
        s.append("</tr></thead>\n<tbody>\n");
        int rows = Math.min(table.rowCount(), maxRows);
        for (int r = 0; r < rows; r++) {
            s.append(emphasised.test(r) ? "<tr style=\"font-weight:bold\">" : "<tr>");
            for (Column<?> c : table.columns()) {
                s.append(c instanceof NumericColumn ? "<td style=\"text-align:right\">" : "<td style=\"text-align:left\">")
                        .append(escape(cellText.of(c, r))).append("</td>");
            }
            s.append("</tr>\n");
        }
        s.append("</tbody>\n</table>\n");
        if (table.rowCount() > rows) {
            s.append(String.format(Locale.ROOT, "<p>... %d more rows (%d in all)</p>\n", table.rowCount() - rows, table.rowCount()));
        }
        return s.toString();
    }
}

package dev.segattr.notebook;

import dev.segattr.viz.Charts;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.Base64;

/** Small HTML pieces for the facade's rich outputs. */
final class Html {

    private Html() {
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A chart as an inline image, for an HTML output that also holds a table (a front end shows one form only). */
    static String img(Chart<?, ?> chart) {
        return img(Charts.png(chart));
    }

    static String img(byte[] png) {
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\"/>";
    }

    /** Shows a column's numbers with a {@link java.text.DecimalFormat} pattern (missing values empty); the values keep their precision. */
    static DoubleColumn format(DoubleColumn column, String pattern) {
        java.text.DecimalFormat f = new java.text.DecimalFormat(pattern, java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT));
        column.setPrintFormatter(f, "");
        return column;
    }

    /** A Tablesaw table as plain HTML: numbers right-aligned, text left. */
    static String table(Table table) {
        StringBuilder s = new StringBuilder("<table>\n<thead><tr>");
        for (Column<?> c : table.columns()) {
            s.append("<th>").append(escape(c.name())).append("</th>");
        }
        s.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < table.rowCount(); r++) {
            s.append("<tr>");
            for (Column<?> c : table.columns()) {
                s.append(c instanceof NumericColumn ? "<td style=\"text-align:right\">" : "<td style=\"text-align:left\">")
                        .append(escape(c.getString(r))).append("</td>");
            }
            s.append("</tr>\n");
        }
        return s.append("</tbody>\n</table>\n").toString();
    }
}

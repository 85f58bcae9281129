package dev.segattr.notebook;

import dev.segattr.viz.Charts;
import dev.segattr.viz.HtmlTable;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.util.Base64;

/** Small HTML pieces for the facade's rich outputs. */
final class Html {

    private Html() {
    }

    static String escape(String s) {
        return HtmlTable.escape(s);
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
        return HtmlTable.of(table).toHtml();
    }
}

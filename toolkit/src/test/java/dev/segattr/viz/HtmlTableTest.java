package dev.segattr.viz;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HtmlTableTest {

    /** Two rows: names that need escaping, scores (Tablesaw prints 2.0 as "2"). */
    private static Table scores() {
        return Table.create("scores & more",
                StringColumn.create("name <n>", "a<b & \"c\"", "it's"),
                DoubleColumn.create("score", 0.5, 2.0));
    }

    @Test
    void escapesNamesAndValuesAndAlignsNumbersRightTextLeft() {
        assertEquals("""
                <table>
                <caption>scores &amp; more</caption>
                <thead><tr><th>name &lt;n&gt;</th><th>score</th></tr></thead>
                <tbody>
                <tr><td style="text-align:left">a&lt;b &amp; &quot;c&quot;</td><td style="text-align:right">0.5</td></tr>
                <tr><td style="text-align:left">it&#39;s</td><td style="text-align:right">2</td></tr>
                </tbody>
                </table>
                """, HtmlTable.of(scores()).caption(scores().name()).toHtml());
    }

    @Test
    void aRowLimitSaysHowManyRowsWereLeftOutAndEmphasisAndCellTextApply() {
        String html = HtmlTable.of(scores()).cssClass("x").maxRows(1).emphasising(r -> r == 0)
                .cellText((column, r) -> column.name().equals("score") ? "half" : column.getString(r)).toHtml();
        assertEquals("""
                <table class="x">
                <thead><tr><th>name &lt;n&gt;</th><th>score</th></tr></thead>
                <tbody>
                <tr style="font-weight:bold"><td style="text-align:left">a&lt;b &amp; &quot;c&quot;</td><td style="text-align:right">half</td></tr>
                </tbody>
                </table>
                <p>... 1 more rows (2 in all)</p>
                """, html);
    }
}

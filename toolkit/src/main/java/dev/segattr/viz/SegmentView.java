package dev.segattr.viz;

import dev.segattr.experiment.AtomicFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A long trace one segment a row: the row shows the segment's first line, a bar for its strength, its
 * consistency, its role where known and whether the selection keeps or masks it; opening the row shows the
 * segment's tokens as a heat map (red raises the answer, blue lowers it). A 5,000-token trace of 200 segments
 * reads as 200 lines instead of one wall of colour, and the rows open with plain HTML ({@code <details>}), so no
 * script is needed and the same markup works in Jupyter, a browser and a saved file ({@link #save}).
 *
 * <p>Every piece of trace text is HTML-escaped: a trace holding {@code <script>} shows those characters. To stay
 * small on long traces, token colours are classes of one style sheet in eight steps per sign (not an inline style
 * per token) on a one-letter element, and uncoloured tokens carry no element at all: about 16 bytes per
 * coloured token plus its text.
 *
 * <pre>{@code
 * SegmentView view = SegmentView.of("Trace 12", rows);   // or attribution.view() in a notebook
 * view.save(Path.of("trace-12.html"));                    // a page for people without Jupyter
 * }</pre>
 */
public final class SegmentView implements RichDisplay {

    /**
     * One segment.
     *
     * @param index        its index in the trace
     * @param tokens       its tokens' text (they concatenate to the segment)
     * @param attributions one per token
     * @param strength     normalised strength (NaN when unknown)
     * @param consistency  direction consistency (NaN when unknown)
     * @param role         its known role (synthetic data), or null
     * @param kept         whether the selection keeps (supervises) it, or null when there is no selection
     */
    public record Row(int index, List<String> tokens, double[] attributions, double strength, double consistency,
                      String role, Boolean kept) {
        public Row {
            tokens = List.copyOf(tokens);
            if (tokens.size() != attributions.length) {
                throw new IllegalArgumentException("segment " + index + ": " + tokens.size() + " tokens, "
                        + attributions.length + " attributions");
            }
        }

        public String text() {
            return String.join("", tokens);
        }
    }

    /** Colour steps per sign: enough to read a heat map, few enough to keep the class names one digit. */
    static final int STEPS = 8;
    /** Characters of a collapsed row's first line. */
    static final int FIRST_LINE = 140;

    private final String title;
    private final List<Row> rows;

    private SegmentView(String title, List<Row> rows) {
        this.title = title == null ? "" : title;
        this.rows = List.copyOf(rows);
    }

    public static SegmentView of(String title, List<Row> rows) {
        return new SegmentView(title, rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /** The view as an HTML fragment (its style sheet included), what a notebook shows. */
    public String toHtml() {
        double maxStrength = 0;
        double scale = 0;
        int tokens = 0;
        for (Row r : rows) {
            if (Double.isFinite(r.strength())) {
                maxStrength = Math.max(maxStrength, r.strength());
            }
            for (double a : r.attributions()) {
                if (Double.isFinite(a)) {
                    scale = Math.max(scale, Math.abs(a));
                }
            }
            tokens += r.tokens().size();
        }
        StringBuilder html = new StringBuilder(4096 + rows.size() * 320 + tokens * 24);
        html.append(STYLE).append("<div class=\"sgv\">");
        if (!title.isEmpty()) {
            html.append("<div class=\"sgv-title\">").append(escape(title)).append("</div>");
        }
        html.append("<div class=\"sgv-note\">").append(rows.size()).append(" segments, ").append(tokens)
                .append(" tokens; a row opens to its tokens: <i class=p6>raises the answer</i> "
                        + "<i class=n6>lowers it</i>; bar: strength; c: consistency</div>");
        for (Row r : rows) {
            row(html, r, maxStrength, scale);
        }
        return html.append("</div>").toString();
    }

    private static void row(StringBuilder html, Row r, double maxStrength, double scale) {
        String keep = r.kept() == null ? "" : r.kept() ? "kept" : "masked";
        html.append("<details class=\"sgv-row").append(keep.isEmpty() ? "" : " " + keep).append("\"><summary>")
                .append("<span class=\"i\">").append(r.index()).append("</span>")
                .append("<span class=\"bar\"><span style=\"width:")
                .append(Double.isFinite(r.strength()) && maxStrength > 0
                        ? String.format(Locale.ROOT, "%.0f", 100 * r.strength() / maxStrength) : "0")
                .append("%\"></span></span>")
                .append("<span class=\"v\">").append(number(r.strength(), 3)).append("</span>")
                .append("<span class=\"v\">c ").append(number(r.consistency(), 2)).append("</span>")
                .append("<span class=\"role\">").append(r.role() == null ? "" : escape(r.role())).append("</span>")
                .append("<span class=\"keep\">").append(keep).append("</span>")
                .append("<span class=\"line\">").append(escape(firstLine(r.text()))).append("</span>")
                .append("</summary><div class=\"hm\">");
        List<String> tokens = r.tokens();
        double[] a = r.attributions();
        for (int i = 0; i < tokens.size(); i++) {
            int step = scale > 0 && Double.isFinite(a[i]) ? (int) Math.ceil(Math.abs(a[i]) / scale * STEPS) : 0;
            if (step == 0) {
                html.append(escape(tokens.get(i)));
            } else {
                html.append("<i class=").append(a[i] > 0 ? 'p' : 'n').append(Math.min(step, STEPS)).append('>')
                        .append(escape(tokens.get(i))).append("</i>");
            }
        }
        html.append("</div></details>");
    }

    /** The first non-blank line, cut to {@link #FIRST_LINE} characters (segments start with "\n\nWait"). */
    static String firstLine(String text) {
        String line = text.strip();
        int end = line.indexOf('\n');
        boolean cut = end >= 0;
        line = cut ? line.substring(0, end) : line;
        if (line.length() > FIRST_LINE) {
            line = line.substring(0, FIRST_LINE);
            cut = true;
        }
        return cut ? line + " \u2026" : line;
    }

    private static String number(double x, int digits) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%." + digits + "f", x) : "?";
    }

    /** The view as a page of its own: what {@link #save} writes. */
    public String toStandaloneHtml() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + escape(title.isEmpty() ? "segattr: segments" : title) + "</title></head>\n<body style=\"margin:16px;"
                + "font-family:sans-serif;\">\n" + toHtml() + "\n</body></html>\n";
    }

    /** Writes the standalone page to {@code file} (atomically) and returns it. */
    public Path save(Path file) {
        AtomicFile.writeString(file, toStandaloneHtml());
        return file;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, toHtml());
        bundle.put(TEXT_PLAIN, toPlainText());
        return bundle;
    }

    /** One line a segment: index, strength, consistency, role, kept or masked, first line. */
    public String toPlainText() {
        StringBuilder s = new StringBuilder(toString()).append('\n');
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "%4d  %6s  %5s  %-11s %-7s %s%n", r.index(), number(r.strength(), 3),
                    number(r.consistency(), 2), r.role() == null ? "" : r.role(),
                    r.kept() == null ? "" : r.kept() ? "kept" : "masked", firstLine(r.text())));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        long kept = rows.stream().filter(r -> Boolean.TRUE.equals(r.kept())).count();
        return "SegmentView" + (title.isEmpty() ? "" : " \"" + title + "\"") + ": " + rows.size() + " segments, "
                + rows.stream().mapToInt(r -> r.tokens().size()).sum() + " tokens, " + kept + " kept";
    }

    static String escape(String s) {
        return HtmlTable.escape(s);
    }

    /**
     * One style sheet per view, every rule under {@code .sgv} so that it changes nothing else on a notebook's page.
     * Kept segments have a solid green box, masked ones a dashed grey one, as in {@link TokenHeatMap}.
     */
    static final String STYLE = styleSheet();

    private static String styleSheet() {
        StringBuilder css = new StringBuilder("<style>")
                .append(".sgv{font-family:sans-serif;font-size:13px}")
                .append(".sgv-title{font-weight:bold;margin-bottom:4px}")
                .append(".sgv-note{font-size:11px;color:#555;margin-bottom:6px}")
                .append(".sgv-row summary{cursor:pointer;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;line-height:1.7}")
                .append(".sgv-row summary>span{display:inline-block;vertical-align:middle;margin-right:8px}")
                .append(".sgv .i{width:3em;text-align:right;color:#777}")
                .append(".sgv .bar{width:80px;height:9px;background:#eee}")
                .append(".sgv .bar>span{display:block;height:100%;background:#d62728}")
                .append(".sgv .v{width:4.5em;font-variant-numeric:tabular-nums}")
                .append(".sgv .role{width:6.5em;color:#555}")
                .append(".sgv .keep{width:4em}")
                .append(".sgv .kept .keep{color:#2ca02c}.sgv .masked .keep{color:#999}")
                .append(".sgv .line{display:inline;font-family:monospace;white-space:pre}")
                .append(".sgv i{font-style:normal}")
                .append(".sgv .hm{font-family:monospace;white-space:pre-wrap;line-height:1.9;margin:2px 0 8px 3.5em;"
                        + "padding:2px 4px;border:1px dashed #bbb;border-radius:3px}")
                .append(".sgv .kept .hm{border:1px solid #2ca02c}");
        for (int step = 1; step <= STEPS; step++) {
            String alpha = String.format(Locale.ROOT, "%.2f", 0.85 * step / STEPS);
            css.append(".sgv .p").append(step).append("{background:rgba(214,39,40,").append(alpha).append(")}")
                    .append(".sgv .n").append(step).append("{background:rgba(31,119,180,").append(alpha).append(")}");
        }
        return css.append("</style>").toString();
    }

    /** Rows from whole-trace arrays: tokens, attributions and the segment of each token (-1 outside the reasoning). */
    public static List<Row> rows(List<String> tokens, double[] attributions, int[] segmentOfToken, double[] strength,
                                 double[] consistency, List<String> roles, java.util.Set<Integer> kept) {
        List<Row> rows = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            int segment = segmentOfToken[i];
            int from = i;
            while (i < tokens.size() && segmentOfToken[i] == segment) {
                i++;
            }
            if (segment < 0) {
                continue;
            }
            rows.add(new Row(segment, tokens.subList(from, i), java.util.Arrays.copyOfRange(attributions, from, i),
                    strength == null ? Double.NaN : strength[segment], consistency == null ? Double.NaN : consistency[segment],
                    roles == null || segment >= roles.size() ? null : roles.get(segment),
                    kept == null ? null : kept.contains(segment)));
        }
        return rows;
    }
}

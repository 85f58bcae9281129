package dev.segattr.viz;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A trace's tokens coloured by their attribution: red pushes the answer's log-probability up, blue pushes it
 * down, the stronger the deeper. Segments are boxed, the selected ones with a solid border, and a segment's
 * metrics show on hover. Plain HTML with inline styles: it renders the same in Jupyter, a browser or a report.
 *
 * <pre>{@code
 * String html = TokenHeatMap.of(tokens, attributions, segmentOfToken).selected(Set.of(0, 3)).toHtml();
 * }</pre>
 */
public final class TokenHeatMap implements RichDisplay {

    private final List<String> tokens;
    private final double[] attributions;
    private final int[] segmentOfToken;
    private Set<Integer> selected = Set.of();
    private List<String> segmentLabels = List.of();
    private String title = "";

    private TokenHeatMap(List<String> tokens, double[] attributions, int[] segmentOfToken) {
        if (tokens.size() != attributions.length || tokens.size() != segmentOfToken.length) {
            throw new IllegalArgumentException("tokens, attributions and segments differ in length: "
                    + tokens.size() + ", " + attributions.length + ", " + segmentOfToken.length);
        }
        this.tokens = tokens;
        this.attributions = attributions;
        this.segmentOfToken = segmentOfToken;
    }

    /** @param segmentOfToken the segment index of each token, or -1 for tokens outside the reasoning */
    public static TokenHeatMap of(List<String> tokens, double[] attributions, int[] segmentOfToken) {
        return new TokenHeatMap(tokens, attributions, segmentOfToken);
    }

    public TokenHeatMap selected(Set<Integer> selectedSegments) {
        this.selected = Set.copyOf(selectedSegments);
        return this;
    }

    /** Hover text per segment (e.g. "strength 0.12, consistency 0.54, role reflective"). */
    public TokenHeatMap segmentLabels(List<String> labels) {
        this.segmentLabels = List.copyOf(labels);
        return this;
    }

    public TokenHeatMap title(String title) {
        this.title = title;
        return this;
    }

    public String toHtml() {
        double scale = 0;
        for (double a : attributions) {
            if (Double.isFinite(a)) {
                scale = Math.max(scale, Math.abs(a));
            }
        }
        StringBuilder html = new StringBuilder(tokens.size() * 60);
        html.append("<div style=\"font-family:monospace;font-size:13px;line-height:1.9;white-space:pre-wrap;\">");
        if (!title.isEmpty()) {
            html.append("<div style=\"font-weight:bold;margin-bottom:4px;\">").append(HtmlTable.escape(title)).append("</div>");
        }
        html.append("<div style=\"font-size:11px;color:#555;margin-bottom:6px;\">")
                .append("<span style=\"background:rgba(214,39,40,0.6)\">&nbsp;raises the answer&nbsp;</span> ")
                .append("<span style=\"background:rgba(31,119,180,0.6)\">&nbsp;lowers it&nbsp;</span> ")
                .append("solid box: selected segment; dashed: not selected</div>");
        int open = Integer.MIN_VALUE;
        for (int i = 0; i < tokens.size(); i++) {
            int segment = segmentOfToken[i];
            if (segment != open) {
                if (open != Integer.MIN_VALUE) {
                    html.append("</span>");
                }
                html.append(segmentOpen(segment));
                open = segment;
            }
            double a = attributions[i];
            double alpha = scale > 0 && Double.isFinite(a) ? Math.min(1, Math.abs(a) / scale) * 0.85 : 0;
            String rgb = a >= 0 ? "214,39,40" : "31,119,180";
            html.append(String.format(Locale.ROOT, "<span title=\"%s\" style=\"background:rgba(%s,%.3f)\">",
                    HtmlTable.escape(String.format(Locale.ROOT, "%+.4g", a)), rgb, alpha));
            html.append(HtmlTable.escape(tokens.get(i)));
            html.append("</span>");
        }
        if (open != Integer.MIN_VALUE) {
            html.append("</span>");
        }
        return html.append("</div>").toString();
    }

    /** The heat map as a notebook shows it: the HTML, and a one-line description as plain text. */
    @Override
    public Map<String, Object> mimeBundle() {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, toHtml());
        bundle.put(TEXT_PLAIN, toString());
        return bundle;
    }

    @Override
    public String toString() {
        long segments = java.util.Arrays.stream(segmentOfToken).filter(s -> s >= 0).distinct().count();
        return "TokenHeatMap" + (title.isEmpty() ? "" : " \"" + title + "\"") + ": " + tokens.size() + " tokens, "
                + segments + " segments, selected " + new java.util.TreeSet<>(selected);
    }

    private String segmentOpen(int segment) {
        if (segment < 0) {
            return "<span style=\"color:#777;\">";
        }
        boolean isSelected = selected.contains(segment);
        String label = segment < segmentLabels.size() ? segmentLabels.get(segment) : "segment " + segment;
        return "<span title=\"" + HtmlTable.escape("segment " + segment + (isSelected ? " (selected)" : "") + ": " + label)
                + "\" style=\"border:1px " + (isSelected ? "solid #2ca02c" : "dashed #bbb")
                + ";border-radius:3px;padding:1px 0;\">";
    }
}

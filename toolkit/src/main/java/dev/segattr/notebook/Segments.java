package dev.segattr.notebook;

import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;
import dev.segattr.viz.RichDisplay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One trace cut into segments, shown as a table: index, chars, the known role (synthetic data) and the text.
 *
 * @param trace    the trace
 * @param segments its segments, tiling the reasoning
 * @param roles    the segments' known roles (the record's {@code segment_roles}), or null
 */
public record Segments(Trace trace, List<Segment> segments, List<String> roles) implements RichDisplay {

    public Segments {
        segments = List.copyOf(segments);
        roles = roles == null ? null : List.copyOf(roles);
    }

    public int size() {
        return segments.size();
    }

    public Segment get(int index) {
        return segments.get(index);
    }

    public List<String> texts() {
        return segments.stream().map(Segment::text).toList();
    }

    @Override
    public Map<String, Object> mimeBundle() {
        StringBuilder html = new StringBuilder("<table>\n<caption>").append(Html.escape(caption())).append("</caption>\n")
                .append("<thead><tr><th>segment</th><th>chars</th>").append(roles == null ? "" : "<th>role</th>")
                .append("<th style=\"text-align:left\">text</th></tr></thead>\n<tbody>\n");
        for (Segment s : segments) {
            html.append("<tr><td>").append(s.index()).append("</td><td>").append(s.length()).append("</td>");
            if (roles != null) {
                html.append("<td>").append(Html.escape(roles.get(s.index()))).append("</td>");
            }
            html.append("<td style=\"text-align:left;white-space:pre-wrap\">").append(Html.escape(s.preview(160))).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        StringBuilder plain = new StringBuilder(caption()).append('\n');
        for (Segment s : segments) {
            plain.append(String.format(Locale.ROOT, "%3d %5d  %s%s%n", s.index(), s.length(),
                    roles == null ? "" : roles.get(s.index()) + "  ", s.preview(80)));
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, html.toString());
        bundle.put(TEXT_PLAIN, plain.toString());
        return bundle;
    }

    private String caption() {
        return "Trace " + trace.id() + ": " + segments.size() + " segments, " + trace.reasoning().length() + " chars";
    }

    @Override
    public String toString() {
        return "Segments(" + trace.id() + ", " + segments.size() + " segments)";
    }
}

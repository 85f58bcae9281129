package dev.segattr.notebook;

import dev.segattr.viz.Charts;
import dev.segattr.viz.RichDisplay;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the convergence delta of one trace shrinks as the path gets more points, per point scheme: the integrated
 * gradients primer's experiment. Shown as the log-scale chart above the table of runs.
 *
 * @param traceId the trace
 * @param runs    one per (scheme, points), in the order run
 */
public record Convergence(String traceId, List<Run> runs) implements RichDisplay {

    /** One attribution of the trace. */
    public record Run(String scheme, int points, double targetLogprob, double baselineLogprob, double delta, double seconds) {

        /** |delta| / |F(x) - F(x')|. */
        public double relativeDelta() {
            double gap = Math.abs(targetLogprob - baselineLogprob);
            return delta == 0 ? 0 : Math.abs(delta) / gap;
        }
    }

    public Convergence {
        runs = List.copyOf(runs);
    }

    /** |delta| against points, one line per scheme (a delta of exactly 0 is drawn at 1e-12: the axis is logarithmic). */
    public XYChart chart() {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (String scheme : runs.stream().map(Run::scheme).distinct().toList()) {
            List<Run> of = runs.stream().filter(r -> r.scheme().equals(scheme)).toList();
            double[][] xy = new double[2][of.size()];
            for (int i = 0; i < of.size(); i++) {
                xy[0][i] = of.get(i).points();
                xy[1][i] = Math.max(1e-12, Math.abs(of.get(i).delta()));
            }
            series.put(scheme, xy);
        }
        return Charts.convergence("Convergence delta of trace " + traceId, series);
    }

    public Table table() {
        Table t = Table.create("convergence of trace " + traceId);
        StringColumn scheme = StringColumn.create("scheme");
        IntColumn points = IntColumn.create("points");
        DoubleColumn fx = DoubleColumn.create("F(x)");
        DoubleColumn fb = DoubleColumn.create("F(x')");
        DoubleColumn delta = DoubleColumn.create("delta");
        DoubleColumn relative = DoubleColumn.create("|delta| / |F(x) - F(x')|");
        DoubleColumn seconds = DoubleColumn.create("seconds");
        for (Run r : runs) {
            scheme.append(r.scheme());
            points.append(r.points());
            fx.append(r.targetLogprob());
            fb.append(r.baselineLogprob());
            delta.append(r.delta());
            relative.append(r.relativeDelta());
            seconds.append(r.seconds());
        }
        Html.format(fx, "0.0000");
        Html.format(fb, "0.0000");
        Html.format(delta, "0.00E0");
        Html.format(relative, "0.00E0");
        Html.format(seconds, "0.00");
        return t.addColumns(scheme, points, fx, fb, delta, relative, seconds);
    }

    /** |delta| of a scheme at a number of points, or NaN when that run was not made. */
    public double delta(String scheme, int points) {
        return runs.stream().filter(r -> r.scheme().equals(scheme) && r.points() == points)
                .mapToDouble(Run::delta).findFirst().orElse(Double.NaN);
    }

    @Override
    public Map<String, Object> mimeBundle() {
        byte[] png = Charts.png(chart());
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, "<div>" + Html.img(png) + "</div>" + Html.table(table()));
        bundle.put(IMAGE_PNG, png);
        bundle.put(TEXT_PLAIN, table().print());
        return bundle;
    }

    @Override
    public String toString() {
        return "Convergence(" + traceId + ", " + runs.size() + " runs)";
    }
}

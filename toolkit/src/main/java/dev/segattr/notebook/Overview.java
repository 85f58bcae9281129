package dev.segattr.notebook;

import dev.segattr.attribution.AttributionStatus;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.select.SegmentMetrics;
import dev.segattr.select.SegmentTable;
import dev.segattr.select.Selection;
import dev.segattr.viz.Charts;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The tables and charts over many traces' attributions that the facade shows. */
final class Overview {

    private Overview() {
    }

    /**
     * One row per trace: tokens, segments, F(x), F(x'), the delta, its status and time, and what the reference rule
     * keeps: selected segments, supervised share of the trace's tokens, and the share of segments that hold 80% of
     * the attribution strength.
     */
    static Table of(List<Attribution> attributions) {
        StringColumn id = StringColumn.create("id");
        IntColumn tokens = IntColumn.create("tokens");
        IntColumn segments = IntColumn.create("segments");
        DoubleColumn fx = DoubleColumn.create("F(x)");
        DoubleColumn fb = DoubleColumn.create("F(x')");
        DoubleColumn delta = DoubleColumn.create("delta");
        DoubleColumn relative = DoubleColumn.create("relative delta");
        StringColumn status = StringColumn.create("status");
        DoubleColumn seconds = DoubleColumn.create("seconds");
        IntColumn selected = IntColumn.create("selected segments");
        DoubleColumn tokenShare = DoubleColumn.create("supervised token share");
        DoubleColumn top80 = DoubleColumn.create("segments holding 80%");
        StringColumn settings = StringColumn.create("settings");
        for (Attribution a : attributions) {
            TokenAttribution r = a.result();
            id.append(a.trace().id());
            tokens.append(a.target().length());
            segments.append(a.segments().size());
            fx.append(r.targetLogprob());
            fb.append(r.baselineLogprob());
            delta.append(r.convergenceDelta());
            relative.append(r.relativeDelta());
            status.append(r.status().label());
            seconds.append(r.seconds());
            settings.append(r.settings());
            if (a.status() == AttributionStatus.NON_FINITE) {
                selected.appendMissing();
                tokenShare.appendMissing();
                top80.appendMissing();
            } else {
                Selection s = a.selection();
                selected.append(s.segments().length);
                tokenShare.append(s.tokenRatio());
                top80.append(shareHolding(a.metrics(), 0.8));
            }
        }
        Html.format(fx, "0.0000");
        Html.format(fb, "0.0000");
        Html.format(delta, "0.00E0");
        Html.format(relative, "0.00E0");
        Html.format(seconds, "0.00");
        Html.format(tokenShare, "0.000");
        Html.format(top80, "0.000");
        return Table.create("attributions", id, tokens, segments, fx, fb, delta, relative, status, seconds, selected, tokenShare, top80, settings);
    }

    /** The smallest share of a trace's segments whose strengths add up to {@code mass} (strongest first). */
    static double shareHolding(SegmentMetrics m, double mass) {
        double[] s = m.strengths();
        Arrays.sort(s);
        double sum = 0;
        int k = 0;
        for (int i = s.length - 1; i >= 0 && sum < mass - 1e-12; i--) {
            sum += s[i];
            k++;
        }
        return s.length == 0 || sum < mass - 1e-12 ? Double.NaN : (double) k / s.length;
    }

    /** Segments in the (strength, consistency) plane, by known role when every row has one, else selected or not. */
    static XYChart scatter(SegmentTable table, double beta) {
        Table t = table.table();
        boolean roles = t.rowCount() > 0 && t.stringColumn("role").countMissing() == 0
                && t.stringColumn("role").asList().stream().noneMatch(String::isEmpty);
        List<String> labels = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            labels.add(roles ? t.stringColumn("role").get(r) : t.booleanColumn("selected").get(r) ? "selected" : "not selected");
        }
        double[] x = t.doubleColumn("strength").asDoubleArray();
        double[] y = t.doubleColumn("consistency").asDoubleArray();
        return Charts.strengthConsistency(Charts.groupPoints(labels, x, y), beta);
    }
}

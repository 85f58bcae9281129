package dev.segattr.study;

import dev.segattr.study.Statistics.Interval;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;

/**
 * Accuracy against mean output tokens, one point per method, with both 95% intervals drawn as a cross: where the
 * paper's claim lives (up and to the left of full SFT is better). XChart's error bars are vertical and symmetric,
 * and bootstrap intervals are neither, so each arm is a two-point line of its own.
 */
final class TradeoffChart {

    private static final Color[] PALETTE = {
            new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};

    private TradeoffChart() {
    }

    static XYChart of(List<Summary.MethodRow> rows) {
        XYChart chart = new XYChartBuilder().width(760).height(500)
                .title("Accuracy against output length (95% intervals, seeds pooled)")
                .xAxisTitle("mean output tokens").yAxisTitle("accuracy (greedy)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0));
        int i = 0;
        for (Summary.MethodRow r : rows) {
            Color color = PALETTE[i++ % PALETTE.length];
            Interval acc = r.accuracy();
            Interval len = r.meanOutputTokens();
            XYSeries point = chart.addSeries(r.method(), new double[] {len.estimate()}, new double[] {acc.estimate()});
            point.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            point.setMarker(SeriesMarkers.CIRCLE);
            point.setMarkerColor(color);
            arm(chart, r.method() + " tokens", new double[] {len.low(), len.high()}, new double[] {acc.estimate(), acc.estimate()}, color);
            arm(chart, r.method() + " accuracy", new double[] {len.estimate(), len.estimate()}, new double[] {acc.low(), acc.high()}, color);
        }
        return chart;
    }

    private static void arm(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = chart.addSeries(name + " interval", x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(1.5f));
        s.setShowInLegend(false);
    }
}

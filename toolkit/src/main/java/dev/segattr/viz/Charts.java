package dev.segattr.viz;

import dev.segattr.experiment.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The study's charts as XChart objects: a notebook shows them (the kernel renders any XChart as PNG), the
 * command line saves them with {@link #savePng}. Each method is one small call.
 */
public final class Charts {

    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private Charts() {
    }

    /**
     * Segments in the (strength, consistency) plane, one series per group (for example "selected" and
     * "not selected", or the ground-truth roles), with the reference rule's beta as a line.
     */
    public static XYChart strengthConsistency(Map<String, double[][]> groups, double beta) {
        XYChart chart = new XYChartBuilder().width(720).height(480)
                .title("Segments: attribution strength vs direction consistency")
                .xAxisTitle("normalised strength").yAxisTitle("consistency").build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.05);
        double maxX = 0;
        int i = 0;
        for (Map.Entry<String, double[][]> group : groups.entrySet()) {
            double[] x = group.getValue()[0];
            double[] y = group.getValue()[1];
            if (x.length == 0) {
                continue;
            }
            for (double v : x) {
                maxX = Math.max(maxX, v);
            }
            XYSeries s = chart.addSeries(group.getKey() + " (" + x.length + ")", x, y);
            s.setMarkerColor(withAlpha(PALETTE[i++ % PALETTE.length], 150));
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (!Double.isNaN(beta) && maxX > 0) {
            XYSeries line = chart.addSeries("beta = " + beta, new double[] {0, maxX}, new double[] {beta, beta});
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(Color.GRAY);
        }
        return chart;
    }

    /** One line per run: a value (the loss) against the step. */
    public static XYChart curves(String title, String yTitle, Map<String, double[]> series) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title)
                .xAxisTitle("step").yAxisTitle(yTitle).build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        int i = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue();
            if (y.length == 0) {
                continue;
            }
            double[] x = new double[y.length];
            for (int k = 0; k < y.length; k++) {
                x[k] = k + 1;
            }
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(PALETTE[i++ % PALETTE.length]);
        }
        return chart;
    }

    /** One bar per method for one measure (accuracy, mean output tokens, ...). */
    public static CategoryChart bars(String title, String yTitle, Map<String, Double> values) {
        CategoryChart chart = new CategoryChartBuilder().width(560).height(400).title(title)
                .xAxisTitle("method").yAxisTitle(yTitle).build();
        style(chart);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setSeriesColors(new Color[] {PALETTE[0]});
        chart.addSeries(yTitle, new ArrayList<>(values.keySet()), new ArrayList<>(values.values()));
        return chart;
    }

    /** A value against a count of points, log-scaled in y, one line per scheme: the IG primer's convergence plot. */
    public static XYChart convergence(String title, Map<String, double[][]> series) {
        XYChart chart = new XYChartBuilder().width(640).height(420).title(title)
                .xAxisTitle("path points").yAxisTitle("|convergence delta|").build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true);
        int i = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i++ % PALETTE.length]);
        }
        return chart;
    }

    /** Writes a chart as PNG, atomically. */
    public static Path savePng(Chart<?, ?> chart, Path file) {
        AtomicFile.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        return file;
    }

    /** The PNG bytes of a chart (what a notebook displays). */
    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Groups points by label: the input of {@link #strengthConsistency}. */
    public static Map<String, double[][]> groupPoints(List<String> labels, double[] x, double[] y) {
        Map<String, List<double[]>> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            byLabel.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(new double[] {x[i], y[i]});
        }
        Map<String, double[][]> groups = new LinkedHashMap<>();
        byLabel.forEach((label, points) -> {
            double[][] xy = new double[2][points.size()];
            for (int i = 0; i < points.size(); i++) {
                xy[0][i] = points.get(i)[0];
                xy[1][i] = points.get(i)[1];
            }
            groups.put(label, xy);
        });
        return groups;
    }

    private static void style(Chart<?, ?> chart) {
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setAntiAlias(true);
        styler.setChartTitleBoxVisible(false);
        styler.setPlotBorderVisible(false);
    }

    private static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }
}

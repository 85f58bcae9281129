package dev.segattr.kernel;

import dev.segattr.viz.HtmlTable;
import dev.segattr.viz.Progress;
import dev.segattr.viz.RichDisplay;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How cell values look in a notebook. Java objects get the rich forms Jupyter shows inline:
 * {@link RichDisplay} objects their own MIME bundle, XChart charts a PNG, Tablesaw tables an HTML table
 * (images, through JJava's own renderers, a PNG). Everything else is its {@code toString()}.
 */
final class Displays {

    /** Rows of a table shown before "... n more rows". */
    static final int MAX_TABLE_ROWS = 100;

    private Displays() {
    }

    /** The kinds of value shown richly; {@link #bundle} gives their forms. */
    static final List<Class<?>> RICH = List.of(RichDisplay.class, Chart.class, Table.class);

    static void register(Renderer renderer) {
        for (Class<?> kind : RICH) {
            renderer.createRegistration(kind).register((value, context) -> bundle(value).forEach(context.getOutputContainer()::putData));
        }
    }

    /**
     * The MIME bundle of a value of one of the {@link #RICH} kinds, as Jupyter's JSON wants it (PNG in base64): the one
     * place that says how segattr's objects look, whichever kernel's renderer shows them.
     */
    static Map<String, String> bundle(Object value) {
        if (value instanceof RichDisplay rich) {
            return RichDisplay.encode(rich.mimeBundle());
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof Chart<?, ?> chart) {
            out.put("image/png", Base64.getEncoder().encodeToString(png(chart)));
            out.put("text/plain", chart.getClass().getSimpleName() + " \"" + chart.getTitle() + "\" ("
                    + chart.getWidth() + "x" + chart.getHeight() + " PNG)");
        } else if (value instanceof Table table) {
            out.put("text/html", html(table, MAX_TABLE_ROWS));
            out.put("text/plain", table.print(MAX_TABLE_ROWS));
        } else {
            throw new IllegalArgumentException("not one of " + RICH + ": " + value.getClass());
        }
        return out;
    }

    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain HTML table (Jupyter styles it), numbers right-aligned, text left, at most {@code maxRows} rows. */
    static String html(Table table, int maxRows) {
        return HtmlTable.of(table).caption(table.name()).maxRows(maxRows).toHtml();
    }

    static String escape(String text) {
        return HtmlTable.escape(text);
    }

    /**
     * Shows toolkit progress as a bar that updates in place: the first report of a {@link Progress} is a
     * {@code display_data} with a {@code display_id}, the later ones {@code update_display_data} of it.
     * Outside a running cell there is nowhere to show it, and it is dropped.
     */
    static Progress.Sink progressSink(JupyterIO io) {
        Set<String> shown = ConcurrentHashMap.newKeySet();
        return p -> {
            if (!io.display.isAttached()) {
                return;
            }
            DisplayData data = new DisplayData(p.line());
            data.putHTML(progressHtml(p));
            data.setDisplayId(p.id());
            if (shown.add(p.id())) {
                io.display.display(data);
            } else {
                io.display.updateDisplay(data);
            }
            if (p.finished()) {
                shown.remove(p.id());
            }
        };
    }

    static String progressHtml(Progress p) {
        String bar;
        if (p.total() > 0) {
            bar = "<progress value=\"" + p.done() + "\" max=\"" + p.total() + "\" style=\"width:20em\"></progress>";
        } else {
            bar = p.finished() ? "<progress value=\"1\" max=\"1\" style=\"width:20em\"></progress>"
                    : "<progress style=\"width:20em\"></progress>";
        }
        return "<div>" + bar + " <code>" + escape(p.line()) + "</code></div>";
    }

    /** Values without a renderer of their own: arrays as their contents, not {@code [I@1b6d3586}. */
    static Object plain(Object value) {
        if (value == null || !value.getClass().isArray()) {
            return value;
        }
        String text = java.util.Arrays.deepToString(new Object[]{value});
        return text.substring(1, text.length() - 1);
    }

    /** A DisplayData for any object, as the notebook's display(...) shows it. */
    static DisplayData render(Renderer renderer, Object value) {
        if (value instanceof DisplayData) {
            return (DisplayData) value;
        }
        return renderer.render(value == null ? "null" : plain(value));
    }
}

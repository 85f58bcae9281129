package dev.segattr.kernel;

import dev.segattr.viz.SegmentView;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stock kernel built on jjava-jupyter (as JJava's is) that loads extensions: after it looks for them on the jar a
 * cell added, segattr's objects render through its own {@link Renderer} as in segattr's kernel.
 */
class JJavaExtensionTest {

    /** The least a kernel needs; extensions on, as JJava's default (JJAVA_LOAD_EXTENSIONS). */
    static final class StockKernel extends BaseKernel {
        StockKernel() {
            super("stock", "1", new LanguageInfo.Builder("java").build(), List.of(), null,
                    new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null, null, true,
                    new StringStyler.Builder().build());
        }

        /** What JJava's %jars and %maven do after adding jars to the cells' class path. */
        void jarsAdded(String classPath) {
            installExtensions(classPath);
        }

        boolean hasExtension(String className) {
            return extensions.containsKey(className);
        }

        @Override
        public Object evalRaw(String code) {
            throw new UnsupportedOperationException("this kernel only renders");
        }

        @Override
        public DisplayData inspect(String code, int at, boolean extraDetail) {
            return null;
        }

        @Override
        public ReplacementOptions complete(String code, int at) {
            return null;
        }

        @Override
        public String isComplete(String code) {
            return "complete";
        }
    }

    @Test
    void aStockKernelFindsTheExtensionAndShowsSegattrObjects() {
        StockKernel kernel = new StockKernel();
        SegmentView view = SegmentView.of("t <script>", List.of(
                new SegmentView.Row(0, List.of("a", " b"), new double[] {0.5, -0.5}, 0.2, 0.0, "essential", true)));
        assertEquals(null, kernel.getRenderer().render(view).getData(MIMEType.TEXT_HTML),
                "before the extension a stock kernel shows the text form only");

        kernel.jarsAdded(Path.of("target", "classes").toAbsolutePath().toString());
        assertTrue(kernel.hasExtension(JJavaExtension.class.getName()), "found through META-INF/services");

        DisplayData shown = kernel.getRenderer().render(view);
        assertEquals(view.toHtml(), shown.getData(MIMEType.TEXT_HTML));
        assertTrue(shown.getData(MIMEType.TEXT_PLAIN).toString().startsWith("SegmentView \"t <script>\": 1 segments"));

        Table table = Table.create("t", IntColumn.create("n", 1, 2));
        assertTrue(kernel.getRenderer().render(table).getData(MIMEType.TEXT_HTML).toString().contains("<th>n</th>"));

        XYChart chart = new XYChartBuilder().width(200).height(100).title("c").build();
        chart.addSeries("s", new double[] {0, 1}, new double[] {1, 0});
        byte[] png = Base64.getDecoder().decode(kernel.getRenderer().render(chart).getData(MIMEType.IMAGE_PNG).toString());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }
}

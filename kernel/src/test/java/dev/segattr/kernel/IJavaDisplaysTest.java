package dev.segattr.kernel;

import dev.segattr.viz.SegmentView;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IJava's renderer (io.github.spencerpark:jupyter-jvm-basekernel) after the one-line glue of {@link IJavaDisplays}. */
class IJavaDisplaysTest {

    @Test
    void ijavasRendererShowsSegattrObjectsAfterTheGlue() {
        Renderer renderer = new Renderer();
        SegmentView view = SegmentView.of("t", List.of(
                new SegmentView.Row(0, List.of("<img src=x onerror=alert(1)>"), new double[] {1}, 0.2, 1.0, null, false)));
        assertNull(renderer.render(view).getData(MIMEType.TEXT_HTML), "IJava alone shows toString()");

        IJavaDisplays.register(renderer);
        DisplayData shown = renderer.render(view);
        assertEquals(view.toHtml(), shown.getData(MIMEType.TEXT_HTML));
        assertTrue(shown.getData(MIMEType.TEXT_HTML).toString().contains("&lt;img src=x onerror=alert(1)&gt;"));

        Table table = Table.create("t", IntColumn.create("n", 1, 2));
        assertEquals(Displays.html(table, Displays.MAX_TABLE_ROWS), renderer.render(table).getData(MIMEType.TEXT_HTML));
        XYChart chart = new XYChartBuilder().width(200).height(100).title("c").build();
        chart.addSeries("s", new double[] {0, 1}, new double[] {1, 0});
        byte[] png = Base64.getDecoder().decode(renderer.render(chart).getData(MIMEType.IMAGE_PNG).toString());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }
}

package dev.segattr.kernel;

import dev.segattr.viz.Progress;
import dev.segattr.viz.RichDisplay;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.util.Base64;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How values become Jupyter MIME bundles (no kernel process needed). */
class DisplaysTest {

    private final Renderer renderer = new Renderer();

    {
        org.dflib.jjava.jupyter.kernel.display.common.Image.registerAll(renderer);
        Displays.register(renderer);
    }

    @AfterEach
    void restore() {
        Progress.setSink(null);
    }

    @Test
    void richDisplayObjectsGiveTheirOwnBundle() {
        RichDisplay swatch = () -> java.util.Map.of("text/html", "<i>x</i>", "text/plain", "x");
        DisplayData data = renderer.render(swatch);
        assertEquals("<i>x</i>", data.getData(MIMEType.TEXT_HTML));
        assertEquals("x", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void longTablesAreCutWithACount() {
        Table t = Table.create("n", IntColumn.create("i", IntStream.range(0, 250).toArray()));
        String html = Displays.html(t, 100);
        assertEquals(100, html.split("<tr><td").length - 1, "100 rows shown");
        assertTrue(html.contains("<p>... 150 more rows (250 in all)</p>"), html);
    }

    @Test
    void imagesArePngs() {
        DisplayData data = renderer.render(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB));
        byte[] png = Base64.getDecoder().decode(data.getData(MIMEType.IMAGE_PNG).toString());
        assertEquals('P', png[1]);
    }

    @Test
    void arraysShowTheirContents() {
        assertEquals("[1, 2]", Displays.plain(new int[]{1, 2}));
        assertEquals("[[a], [b, c]]", Displays.plain(new String[][]{{"a"}, {"b", "c"}}));
        assertEquals("text", Displays.plain("text"));
    }

    @Test
    void aProgressBarOfUnknownLengthIsIndeterminateUntilDone() {
        Progress.setSink(p -> { });
        Progress p = Progress.start("scan", 0);
        assertTrue(Displays.progressHtml(p).startsWith("<div><progress style=\"width:20em\"></progress>"));
        p.close();
        assertTrue(Displays.progressHtml(p).startsWith("<div><progress value=\"1\" max=\"1\""));
        assertTrue(Displays.progressHtml(Progress.start("a<b", 3)).contains("<code>a&lt;b ["));
    }
}

package dev.segattr.viz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    @TempDir
    Path dir;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void chartsAreWrittenAsPngImages() throws IOException {
        var points = Charts.groupPoints(List.of("selected", "not selected", "selected"),
                new double[] {0.5, 0.1, 0.4}, new double[] {0.6, 0.9, 0.3});
        assertEquals(2, points.get("selected")[0].length);
        Path scatter = Charts.savePng(Charts.strengthConsistency(points, 0.8), dir.resolve("scatter.png"));
        BufferedImage image = ImageIO.read(scatter.toFile());
        assertEquals(720, image.getWidth());

        Map<String, double[]> losses = new LinkedHashMap<>();
        losses.put("full", new double[] {2.0, 1.5, 1.2});
        losses.put("selective", new double[] {2.1, 1.4, 1.1});
        Charts.savePng(Charts.curves("Training loss", "loss", losses), dir.resolve("loss.png"));
        Map<String, Double> accuracy = new LinkedHashMap<>();
        accuracy.put("full", 0.4);
        accuracy.put("selective", 0.5);
        byte[] png = Charts.png(Charts.bars("Accuracy", "accuracy", accuracy));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test
    void heatMapColoursTokensAndMarksSelectedSegments() {
        String html = TokenHeatMap.of(List.of("2+3", "=5", "\n\nWait", " <ok>"), new double[] {1.0, -0.5, 0.0, 0.25},
                new int[] {0, 0, 1, 1}).selected(Set.of(0)).title("t1").toHtml();
        assertTrue(html.contains("rgba(214,39,40,0.850)"), "the strongest positive token at full colour");
        assertTrue(html.contains("rgba(31,119,180,0.425)"), "a negative token in blue at half the strength");
        assertTrue(html.contains("&lt;ok&gt;"), "token text is escaped");
        assertTrue(html.contains("solid #2ca02c") && html.contains("dashed #bbb"));
        assertThrows(IllegalArgumentException.class, () -> TokenHeatMap.of(List.of("a"), new double[0], new int[] {0}));
    }

    @Test
    void heatMapShowsItselfInANotebook() {
        TokenHeatMap map = TokenHeatMap.of(List.of("a", "b", "c"), new double[] {1, -1, 0}, new int[] {-1, 0, 1})
                .selected(Set.of(1)).title("t2");
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(map.mimeBundle().keySet()));
        assertEquals(map.toHtml(), map.mimeBundle().get("text/html"));
        assertEquals("TokenHeatMap \"t2\": 3 tokens, 2 segments, selected [1]", map.mimeBundle().get("text/plain"));
    }
}

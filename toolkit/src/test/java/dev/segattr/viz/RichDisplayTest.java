package dev.segattr.viz;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RichDisplayTest {

    @Test
    void bundlesKeepTheirOrderAndAPlainFallback() {
        RichDisplay table = RichDisplay.html("<table><tr><td>1</td></tr></table>", "1");
        assertEquals(List.of("text/html", "text/plain"), List.copyOf(table.mimeBundle().keySet()));
        assertEquals("1", table.toString());
        assertEquals("# Title", RichDisplay.markdown("# Title").mimeBundle().get("text/markdown"));
    }

    @Test
    void encodingGivesJupyterBase64ForPngAndTextForTheRest() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        Map<String, String> encoded = RichDisplay.encode(RichDisplay.png(png, "a picture").mimeBundle());
        assertArrayEquals(png, Base64.getDecoder().decode(encoded.get("image/png")));
        assertEquals("a picture", encoded.get("text/plain"));
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assertEquals(svg, RichDisplay.encode(RichDisplay.svg(svg, "s").mimeBundle()).get("image/svg+xml"));
    }

    @Test
    void ofCopiesTheBundle() {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("text/plain", "before");
        RichDisplay d = RichDisplay.of(bundle);
        bundle.put("text/plain", "after");
        assertEquals("before", d.mimeBundle().get("text/plain"));
    }
}

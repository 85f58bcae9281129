package dev.segattr.viz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentViewTest {

    @TempDir
    Path dir;

    @Test
    void aRowShowsItsMetricsAndOpensToColouredTokens() {
        // Largest |a| is 0.8, so steps are ceil(8 |a| / 0.8): 0.8 -> p8, -0.4 -> n4, 0.05 -> p1 (0.5 rounds up), 0 -> no span.
        // Strengths 0.2 and 0.1: bars of 100% and 50% of the widest.
        SegmentView view = SegmentView.of("t", List.of(
                new SegmentView.Row(0, List.of("Ben", " has", " 3", "."), new double[] {0.8, -0.4, 0.05, 0}, 0.2, 0.55, "essential", true),
                new SegmentView.Row(1, List.of("\n\nWait", ", 3", ".\nYes"), new double[] {0, 0, 0}, 0.1, 1.0, null, false)));
        String html = view.toHtml();
        assertTrue(html.contains("<i class=p8>Ben</i><i class=n4> has</i><i class=p1> 3</i>.</div>"), html);
        assertTrue(html.contains("<details class=\"sgv-row kept\"><summary><span class=\"i\">0</span>"), html);
        assertTrue(html.contains("<span style=\"width:100%\">"), html);
        assertTrue(html.contains("<span style=\"width:50%\">"), html);
        assertTrue(html.contains("<span class=\"v\">0.200</span><span class=\"v\">c 0.55</span><span class=\"role\">essential</span>"
                + "<span class=\"keep\">kept</span>"), html);
        assertTrue(html.contains("<details class=\"sgv-row masked\">"), html);
        assertTrue(html.contains("<span class=\"line\">Wait, 3. \u2026</span>"), "first non-blank line, cut at the newline: " + html);
        assertEquals(2, count(html, "<details"));
        String plain = view.toPlainText();
        assertTrue(plain.startsWith("SegmentView \"t\": 2 segments, 7 tokens, 1 kept\n"), plain);
        assertTrue(plain.contains("   1   0.100   1.00              masked  Wait, 3. \u2026"), plain);
    }

    @Test
    void traceTextIsEscapedEverywhere() {
        String script = "<script>alert(1)</script>";
        String img = "<img src=x onerror=alert(2)>";
        SegmentView view = SegmentView.of("Trace <script>alert(3)</script>", List.of(
                new SegmentView.Row(0, List.of(script, " & ", img), new double[] {0.5, 0, -0.5}, 0.3, 0.5, "<b>role</b>", true),
                new SegmentView.Row(1, List.of("\"quoted\" ", img), new double[] {0, 0.1}, 0.1, 0.5, null, null)));
        for (String html : List.of(view.toHtml(), view.toStandaloneHtml())) {
            assertFalse(html.contains("<script"), "no script element: " + html);
            assertFalse(html.contains("<img"), "no image element: " + html);
            assertFalse(html.contains("<b>"), html);
            assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
            assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"), html);
            assertTrue(html.contains(" &amp; "), html);
            assertTrue(html.contains("&quot;quoted&quot;"), html);
            // What a browser shows of the heat maps is the trace exactly.
            assertEquals(script + " & " + img + "\"quoted\" " + img, shownTokens(html));
        }
    }

    @Test
    void aLongTraceOf5000TokensIn200SegmentsStaysSmall() {
        // 200 segments of 25 tokens, words of 3-8 letters with a leading space, attributions of both signs:
        // the worst case for size is every token coloured, which this is except the zeros at every 7th token.
        List<String> tokens = new ArrayList<>();
        double[] a = new double[5000];
        int[] segmentOf = new int[5000];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 5000; i++) {
            StringBuilder word = new StringBuilder(i % 25 == 0 && i > 0 ? "\n\nWait" : " ");
            for (int c = 3 + random.nextInt(6); c > 0; c--) {
                word.append((char) ('a' + random.nextInt(26)));
            }
            tokens.add(word.toString());
            a[i] = i % 7 == 0 ? 0 : random.nextGaussian();
            segmentOf[i] = i / 25;
        }
        double[] strength = new double[200];
        double[] consistency = new double[200];
        for (int s = 0; s < 200; s++) {
            strength[s] = random.nextDouble() / 10;
            consistency[s] = random.nextDouble();
        }
        Set<Integer> kept = Set.of(0, 3, 7, 198, 199);
        SegmentView view = SegmentView.of("long", SegmentView.rows(tokens, a, segmentOf, strength, consistency, null, kept));
        String html = view.toHtml();
        int bytes = html.getBytes(StandardCharsets.UTF_8).length;
        int text = String.join("", tokens).length();
        System.err.printf("SegmentView: 5,000 tokens (%,d characters of text), 200 segments: %,d bytes of HTML (%.1f per token)%n",
                text, bytes, bytes / 5000.0);
        assertEquals(200, count(html, "<details"));
        assertEquals(5, count(html, "<details class=\"sgv-row kept\">"));
        assertEquals(String.join("", tokens), shownTokens(html), "every token shown once, in order");
        // Text ~32 KB; 16 bytes of element a coloured token; rows ~330 bytes with the first line; style ~2 KB.
        assertTrue(bytes < 250_000, bytes + " bytes");
    }

    @Test
    void savedAsAPageOfItsOwn() throws Exception {
        SegmentView view = SegmentView.of("one", List.of(new SegmentView.Row(0, List.of("x"), new double[] {1}, 1, 1, null, true)));
        Path file = view.save(dir.resolve("view.html"));
        String page = Files.readString(file);
        assertTrue(page.startsWith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>one</title>"), page);
        assertTrue(page.contains(view.toHtml()));
        assertTrue(page.endsWith("</body></html>\n"));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The text of the heat maps (every div.hm) as a browser would show it: tags dropped, entities decoded. */
    private static String shownTokens(String html) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("<div class=\"hm\">(.*?)</div>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            out.append(m.group(1).replaceAll("<[^>]*>", "")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&"));
        }
        return out.toString();
    }
}

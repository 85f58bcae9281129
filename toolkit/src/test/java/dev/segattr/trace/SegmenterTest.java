package dev.segattr.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmenterTest {

    private final Segmenter reference = Segmenter.reference();

    @Test
    void splitsBeforeEachTransitionPhrase() {
        String reasoning = "Let me add 2 and 3. That is 5.\n\nWait, is it 5? Yes.\n\nAlternatively, count: 2, 3, 4, 5. So 5.";
        List<String> texts = texts(reference.split(reasoning));
        assertEquals(List.of("Let me add 2 and 3. That is 5.", "\n\nWait, is it 5? Yes.",
                "\n\nAlternatively, count: 2, 3, 4, 5. So 5."), texts);
    }

    static List<String> keywords() {
        return Segmenter.REFERENCE_KEYWORDS;
    }

    @ParameterizedTest
    @MethodSource("keywords")
    void everyReferenceKeywordSplits(String keyword) {
        String reasoning = "First part." + keyword + " and the rest.";
        List<Segment> segments = reference.split(reasoning);
        assertEquals(2, segments.size(), () -> "keyword " + keyword.strip());
        assertEquals(keyword + " and the rest.", segments.get(1).text());
        assertEquals("First part.".length(), segments.get(1).start());
    }

    @ParameterizedTest
    @MethodSource("keywords")
    void nearMissesDoNotSplit(String keyword) {
        String word = keyword.substring(2);
        for (String nearMiss : List.of(
                "\n" + word,                                  // one newline
                "\n\n" + word.toLowerCase(),                  // case differs
                "\n\n " + word,                               // a space before the word
                " " + word,                                   // no newline
                "\r\n\r\n" + word)) {                         // CRLF: the phrase is "\n\n" exactly
            List<Segment> segments = reference.split("Some text." + nearMiss + " more text.");
            assertEquals(1, segments.size(), () -> "near miss " + nearMiss.replace("\n", "\\n").replace("\r", "\\r"));
        }
    }

    @Test
    void noWordBoundaryAsInTheReference() {
        assertEquals(2, reference.split("Let me think.\n\nWaiting is not needed.").size());
        assertEquals(2, reference.split("Let me think.\n\nAnotherwise odd.").size());
    }

    @Test
    void aTraceStartingWithAKeywordHasNoEmptyFirstSegment() {
        List<Segment> segments = reference.split("\n\nWait, start here.\n\nHowever, go on.");
        assertEquals(List.of("\n\nWait, start here.", "\n\nHowever, go on."), texts(segments));
        assertEquals(0, segments.get(0).index());
        assertEquals(0, segments.get(0).start());
    }

    @Test
    void aTraceEndingWithAKeywordKeepsItInTheLastSegment() {
        List<Segment> segments = reference.split("All done.\n\nWait");
        assertEquals(List.of("All done.", "\n\nWait"), texts(segments));
    }

    @Test
    void adjacentKeywordsGiveOneSegmentEach() {
        List<Segment> segments = reference.split("a\n\nWait\n\nWait\n\nBut wait");
        assertEquals(List.of("a", "\n\nWait", "\n\nWait", "\n\nBut wait"), texts(segments));
    }

    @Test
    void moreNewlinesBeforeAKeywordStayWithTheSegmentBefore() {
        List<Segment> segments = reference.split("a\n\n\n\nWait, b");
        assertEquals(List.of("a\n\n", "\n\nWait, b"), texts(segments));
    }

    @Test
    void unicodeAndCrlfTextKeepsExactSpans() {
        String reasoning = "Ünïcödé 数学 😀 first.\r\nline two\n\nWait, 😀 again ∑.\r\n\n\nHowever, end é.";
        List<Segment> segments = reference.split(reasoning);
        assertEquals(3, segments.size());
        for (Segment s : segments) {
            assertEquals(s.text(), reasoning.substring(s.start(), s.end()));
        }
        assertEquals(reasoning, String.join("", texts(segments)));
    }

    @Test
    void userKeywordsAndPatterns() {
        Segmenter custom = Segmenter.ofKeywords(List.of("\n\nHmm", "\n\nOK"));
        assertEquals(3, custom.split("x\n\nHmm y\n\nOK z\n\nWait w").size());
        Segmenter byPattern = Segmenter.ofPattern("(?m)^Step \\d+");
        assertEquals(List.of("Intro\n", "Step 1: a\n", "Step 2: b"), texts(byPattern.split("Intro\nStep 1: a\nStep 2: b")));
        assertThrows(IllegalArgumentException.class, () -> Segmenter.ofKeywords(List.of("")));
    }

    @Test
    void anEmptyMatchingPatternNeverGivesEmptySegments() {
        List<Segment> segments = Segmenter.ofPattern("(?=x)|$|^").split("axbxx");
        assertEquals("axbxx", String.join("", texts(segments)));
        assertTrue(segments.stream().allMatch(s -> s.length() > 0));
    }

    /** Property: over many random traces built from keywords and filler, the segments rebuild the text exactly. */
    @Test
    void segmentsConcatenateToTheReasoningOverManyRandomTraces() {
        Random random = new Random(20261127);
        List<String> pieces = new ArrayList<>(Segmenter.REFERENCE_KEYWORDS);
        pieces.addAll(List.of("\n", "\n\n", " ", "wait", "Wait", "x = 3.", "∑😀", "\r\n", "But", "\n\nBut", "\n\nWai"));
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder text = new StringBuilder();
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                text.append(pieces.get(random.nextInt(pieces.size())));
            }
            String reasoning = text.toString();
            List<Segment> segments = reference.split(reasoning);
            assertEquals(reasoning, String.join("", texts(segments)));
            int expectedStart = 0;
            for (int i = 0; i < segments.size(); i++) {
                Segment s = segments.get(i);
                assertEquals(i, s.index());
                assertEquals(expectedStart, s.start());
                assertTrue(s.length() > 0);
                if (i > 0) {
                    int at = s.start();
                    assertTrue(Segmenter.REFERENCE_KEYWORDS.stream().anyMatch(k -> reasoning.startsWith(k, at)),
                            "every later segment starts with a keyword");
                }
                expectedStart = s.end();
            }
            // and no keyword starts strictly inside a segment
            for (Segment s : segments) {
                for (int at = s.start() + 1; at < s.end(); at++) {
                    int pos = at;
                    assertTrue(Segmenter.REFERENCE_KEYWORDS.stream().noneMatch(k -> reasoning.startsWith(k, pos)),
                            () -> "a keyword inside segment " + s.index() + " of " + reasoning.replace("\n", "\\n"));
                }
            }
            assertEquals(segments, Segmenter.fromTexts(reasoning, texts(segments)));
        }
    }

    @Test
    void storedSegmentsAreCheckedAgainstTheReasoning() {
        assertThrows(IllegalArgumentException.class, () -> Segmenter.fromTexts("abc", List.of("ab")));
        assertThrows(IllegalArgumentException.class, () -> Segmenter.fromTexts("abc", List.of("ab", "x")));
    }

    @Test
    void aTraceUsesTheSegmentsASegmentRunRecordedElseTheReferenceSplit() {
        String reasoning = "Add 2 and 3.\n\nWait, 5.\n\nCheck: 5.";
        assertEquals(reference.split(reasoning), Trace.of("t", "Q", reasoning, "5").segments());

        var json = JsonLines.MAPPER.createObjectNode().put("id", "t").put("question", "Q").put("reasoning", reasoning)
                .put("answer", "5");
        json.putArray("segments").add("Add 2 and 3.\n\nWait, 5.").add("\n\nCheck: 5.");
        Trace recorded = Trace.fromJson(new JsonLines.Line(Path.of("t.jsonl"), 1, json));
        assertEquals(List.of("Add 2 and 3.\n\nWait, 5.", "\n\nCheck: 5."), texts(recorded.segments()));

        json.putArray("segments").add("Add 2 and 3.");
        Trace stale = Trace.fromJson(new JsonLines.Line(Path.of("t.jsonl"), 1, json));
        assertThrows(IllegalArgumentException.class, stale::segments);
    }

    @Test
    void previewIsOneLine() {
        Segment s = reference.split("Line one\nline two and a long tail of text here").get(0);
        assertEquals("Line one⏎line two and a long tail of text here", s.preview(100));
        assertEquals(12, s.preview(12).length());
    }

    static List<String> texts(List<Segment> segments) {
        return segments.stream().map(Segment::text).collect(Collectors.toList());
    }
}

package dev.segattr.attribution;

import dev.segattr.tokenizer.Encoded;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerTargetTest {

    static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(IgFixture.load().dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** Text "x{12}" as tokens: "x" [0,1), "{" [1,2), "1" [2,3), "2}" [3,5): the last carries the brace. */
    @Test
    void answerTokensLieWhollyInsideTheBraces() {
        Encoded e = new Encoded(new long[] {1, 2, 3, 4}, new int[] {0, 1, 2, 3}, new int[] {1, 2, 3, 5});
        assertArrayEquals(new int[] {2, 3}, AnswerTarget.answerTokens(e, 2, 4));
        Encoded clean = new Encoded(new long[] {1, 2, 3, 4, 5}, new int[] {0, 1, 2, 3, 4}, new int[] {1, 2, 3, 4, 5});
        assertArrayEquals(new int[] {2, 4}, AnswerTarget.answerTokens(clean, 2, 4));
        // "{12}" as one token: nothing inside, an empty run where the answer starts.
        Encoded merged = new Encoded(new long[] {1, 2}, new int[] {0, 1}, new int[] {1, 5});
        int[] none = AnswerTarget.answerTokens(merged, 2, 4);
        assertEquals(none[0], none[1]);
    }

    @Test
    void segmentsOwnTheTokensThatStartInThemAndTileTheTrace() {
        String reasoning = "Add 2 and 2.\n\nWait, 2 + 2 = 4.\n\nAlternatively, 4 = 2 * 2.";
        List<Segment> segments = Segmenter.reference().split(reasoning);
        AnswerTarget t = AnswerTarget.of(tokenizer, TraceLayout.fallbackPrompt(), "What is 2 + 2?", reasoning, segments, "4");
        assertTrue(t.text().startsWith("User: What is 2 + 2?" + TraceLayout.INSTRUCTION + "\nAssistant: <think>\n"));
        assertTrue(t.text().endsWith(reasoning + "</think> So, the final answer is \\boxed{4}"));
        int[] trace = t.traceTokens();
        assertEquals(trace[0], t.segmentTokens(0)[0]);
        for (int s = 1; s < segments.size(); s++) {
            assertEquals(t.segmentTokens(s - 1)[1], t.segmentTokens(s)[0], "segments are contiguous");
            int first = t.segmentTokens(s)[0];
            int start = t.encoded().start()[first] - t.promptLength();
            assertEquals(segments.get(s).start(), start, "segment " + s + " starts with its own first token");
        }
        assertEquals(trace[1], t.segmentTokens(segments.size() - 1)[1]);
        assertEquals("4", tokenizer.decode(java.util.Arrays.copyOfRange(t.ids(), t.answerFrom(), t.answerTo())));
        List<double[]> split = t.perSegment(new double[t.length()]);
        assertArrayEquals(t.segmentTokenCounts(), split.stream().mapToInt(a -> a.length).toArray());
    }

    @Test
    void anEmptyAnswerGivesAnEmptyRunAndAnEmptyAnswerStatus() {
        String reasoning = "Nothing to say.";
        AnswerTarget t = AnswerTarget.of(tokenizer, TraceLayout.fallbackPrompt(), "Q?", reasoning,
                Segmenter.reference().split(reasoning), "");
        assertTrue(t.answerIsEmpty());
        try (ToyModel model = new ToyModel(tokenizer.vocabSize(), 8, 1)) {
            TokenAttribution a = t.attribute(new IntegratedGradients(model, IntegratedGradients.Options.reference(Baseline.zero())));
            assertEquals(AttributionStatus.EMPTY_ANSWER, a.status());
            assertEquals(t.length(), a.length());
        }
    }

    @Test
    void segmentsMustTileTheReasoning() {
        assertThrows(IllegalArgumentException.class, () -> AnswerTarget.of(tokenizer, TraceLayout.fallbackPrompt(), "Q",
                "abc def", List.of(new Segment(0, 0, 3, "abc")), "1"));
    }
}

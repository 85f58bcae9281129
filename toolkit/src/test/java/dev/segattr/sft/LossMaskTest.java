package dev.segattr.sft;

import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import dev.segattr.trace.Trace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Labels token by token, with the real Qwen3 tokenizer and chat markup. */
class LossMaskTest {

    @TempDir
    static Path tmp;
    static Tokenizer qwen;

    static final SequenceFormat CHAT = SequenceFormat.of(
            t -> "<|im_start|>user\n" + t.question() + "<|im_end|>\n<|im_start|>assistant\n<think>\n",
            t -> "\n</think>\n\nThe answer is $\\boxed{" + t.answer() + "}$.", true);

    static final Trace TRACE = Trace.of("t1", "What is 2+2?",
            "Two plus two: add them, 2+2=4.\n\nWait, let me check: 4-2=2, so yes.\n\nAlternatively, 2*2=4 too.\n\nBut wait, is 4 prime? No matter.",
            "4");

    @BeforeAll
    static void load() {
        qwen = Tokenizer.load(SftFixtures.qwen3Tokenizer(tmp.resolve("qwen3")));
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    @Test
    void fullSupervisesReasoningAnswerAndEndNeverThePrompt() {
        TokenizedTrace t = TrainingData.tokenize(qwen, CHAT, TRACE);
        MaskedExample e = LossMask.apply(t, segments(), Supervision.everything());
        String prompt = CHAT.prompt(TRACE);
        for (int i = 0; i < t.length(); i++) {
            boolean inPrompt = t.start()[i] < prompt.length();
            assertEquals(inPrompt ? MaskedExample.IGNORE : t.ids()[i], e.labels()[i], "token " + i);
        }
        assertEquals(TRACE.reasoning() + CHAT.answerPart(TRACE) + "<|im_end|>", supervisedText(e));
        assertEquals(qwen.eosId(), e.inputIds()[e.length() - 1]);
        assertEquals(e.supervisedTokens(), e.completionTokens());
    }

    @Test
    void selectiveSupervisesExactlyTheChosenSegmentsAndTheAnswer() {
        List<Segment> segments = segments();
        assertEquals(4, segments.size());
        MaskedExample e = LossMask.apply(TrainingData.tokenize(qwen, CHAT, TRACE), segments, Supervision.segments(0, 2));
        // Qwen's pre-tokenizer glues newlines to the punctuation before them: "4.\n\n" ends in one token ".\n\n" that
        // starts in segment 0 and so belongs to it, although its "\n\n" opens segment 1. Likewise segment 2 ends with
        // the "\n\n" of segment 3, and segment 1's last token carries segment 2's "\n\n".
        assertEquals("Two plus two: add them, 2+2=4.\n\n" + "Alternatively, 2*2=4 too.\n\n"
                + "</think>\n\nThe answer is $\\boxed{4}$.<|im_end|>", supervisedText(e));
        assertTrue(e.supervisedTokens() < e.completionTokens());
    }

    @Test
    void selectiveWithoutTheAnswerPart() {
        MaskedExample e = LossMask.apply(TrainingData.tokenize(qwen, CHAT, TRACE), segments(), Supervision.segments(3), false);
        // the last reasoning token ".\n" carries the answer part's first newline
        assertEquals("But wait, is 4 prime? No matter.\n", supervisedText(e));
    }

    @Test
    void tokenLevelSelectionCountsTokensWithinEachSegment() {
        TokenizedTrace t = TrainingData.tokenize(qwen, CHAT, TRACE);
        List<Segment> segments = segments();
        int[] counts = LossMask.tokenCounts(t, segments);
        List<int[]> chosen = List.of(new int[] {0}, new int[0], new int[] {1, counts[2] - 1}, new int[0]);
        MaskedExample e = LossMask.apply(t, segments, Supervision.tokens(chosen), false);
        int first = t.firstTokenAt(CHAT.prompt(TRACE).length());
        int seg2 = first + counts[0] + counts[1];
        List<Integer> expected = List.of(first, seg2 + 1, seg2 + counts[2] - 1);
        assertEquals(expected, supervisedPositions(e));
    }

    @Test
    void aTokenThatStraddlesABoundaryBelongsToTheSegmentItStartsIn() {
        // text "PPabcdeAA": prompt "PP", reasoning "abcde" with segments "ab" | "cde", answer "AA".
        // Tokens: "PP" [0], "abc" [2] straddles into segment 1, "de" [5], "AA" [7].
        TokenizedTrace t = new TokenizedTrace("x", new long[] {10, 11, 12, 13}, new int[] {0, 2, 5, 7}, 2, 7);
        List<Segment> segments = List.of(new Segment(0, 0, 2, "ab"), new Segment(1, 2, 5, "cde"));
        assertArrayEquals(new int[] {1, 1}, LossMask.tokenCounts(t, segments));
        assertArrayEquals(new long[] {-100, 11, -100, 13}, LossMask.apply(t, segments, Supervision.segments(0)).labels());
        assertArrayEquals(new long[] {-100, -100, 12, 13}, LossMask.apply(t, segments, Supervision.segments(1)).labels());
    }

    @Test
    void randomSupervisesAboutAsManyTokensSeededByTheTraceId() {
        Trace longer = Trace.of("t2", "Q", "Start here. " + "\n\nWait, a step. ".repeat(3) + "\n\nAlternatively, another path of thought. ".repeat(6)
                + "\n\nHowever, done.", "1");
        TokenizedTrace t = TrainingData.tokenize(qwen, CHAT, longer);
        List<Segment> segments = Segmenter.reference().split(longer.reasoning());
        int[] counts = LossMask.tokenCounts(t, segments);
        Supervision selected = Supervision.segments(0, 4, 5, 8, 9, 10);
        int target = LossMask.supervisedReasoningTokens(selected, counts);

        Supervision a = LossMask.randomLike(t, segments, selected, 7);
        Supervision b = LossMask.randomLike(t, segments, selected, 7);
        Supervision c = LossMask.randomLike(t, segments, selected, 8);
        int[] chosen = ((Supervision.Segments) a).selected();
        assertArrayEquals(chosen, ((Supervision.Segments) b).selected(), "same seed, same trace: same segments");
        assertNotEquals(List.of(chosen), List.of(((Supervision.Segments) c).selected()));
        for (int always : new int[] {0, segments.size() - 2, segments.size() - 1}) {
            assertTrue(java.util.Arrays.binarySearch(chosen, always) >= 0, "segment " + always + " is always kept");
        }
        int got = LossMask.supervisedReasoningTokens(a, counts);
        int largest = java.util.Arrays.stream(counts).max().orElseThrow();
        assertTrue(Math.abs(got - target) <= largest, "random supervises " + got + " tokens, the selection " + target);
    }

    @Test
    void aSelectionThatDoesNotFitTheTraceIsRefused() {
        TokenizedTrace t = TrainingData.tokenize(qwen, CHAT, TRACE);
        assertThrows(IllegalArgumentException.class, () -> LossMask.apply(t, segments(), Supervision.segments(4)));
        assertThrows(IllegalArgumentException.class, () -> LossMask.apply(t, segments(),
                Supervision.tokens(List.of(new int[] {999}, new int[0], new int[0], new int[0]))));
        assertThrows(IllegalArgumentException.class, () -> LossMask.apply(t, segments().subList(0, 2), Supervision.everything()));
    }

    static List<Segment> segments() {
        return Segmenter.reference().split(TRACE.reasoning());
    }

    static List<Integer> supervisedPositions(MaskedExample e) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < e.length(); i++) {
            if (e.labels()[i] != MaskedExample.IGNORE) {
                assertEquals(e.inputIds()[i], e.labels()[i]);
                positions.add(i);
            }
        }
        return positions;
    }

    static String supervisedText(MaskedExample e) {
        return qwen.decode(supervisedPositions(e).stream().mapToLong(i -> e.inputIds()[i]).toArray());
    }
}

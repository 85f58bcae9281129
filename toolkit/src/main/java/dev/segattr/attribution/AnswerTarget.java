package dev.segattr.attribution;

import dev.segattr.tokenizer.Encoded;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The sequence integrated gradients runs on, and where the answer and the segments sit in it (METHOD.md
 * section 2): {@code U + C + A} as {@link TraceLayout} lays it out (U the chat-template prompt of the question,
 * C the reasoning, A {@code "</think> So, the final answer is \boxed{" + answer + "}"}).
 * The whole string is tokenised once, without added special tokens (the template writes them as text), and
 * the tokenizer's char offsets place everything; nothing is re-tokenised, so nothing drifts:
 * <ul>
 *   <li>the answer tokens are those whose char span lies wholly inside the braces, [start of the answer, its
 *       end): a token that carries the {@code {} or the {@code }} (a span reaching outside) is not one. They
 *       form one run [{@link #answerFrom()}, {@link #answerTo()}), empty when the tokenizer merges the whole
 *       answer with a brace;</li>
 *   <li>segment s owns the tokens whose first char lies in it (a token straddling two segments belongs to the
 *       first; a token straddling the prompt and the trace belongs to the prompt). A segment may own no token.</li>
 * </ul>
 */
public final class AnswerTarget {

    private final String text;
    private final int promptLength;
    private final int traceLength;
    private final Encoded encoded;
    private final int answerFrom;
    private final int answerTo;
    private final int[][] segmentTokens;

    private AnswerTarget(String text, int promptLength, int traceLength, Encoded encoded, int answerFrom, int answerTo,
                         int[][] segmentTokens) {
        this.text = text;
        this.promptLength = promptLength;
        this.traceLength = traceLength;
        this.encoded = encoded;
        this.answerFrom = answerFrom;
        this.answerTo = answerTo;
        this.segmentTokens = segmentTokens;
    }

    /**
     * Builds the target of a trace.
     *
     * @param prompt   renders U from the user message ({@link TraceLayout#userMessage}), generation prompt included
     * @param segments the reasoning's segments, tiling it (from {@code Segmenter} or a record's {@code segments})
     */
    public static AnswerTarget of(Tokenizer tokenizer, UnaryOperator<String> prompt, Trace trace, List<Segment> segments) {
        return of(tokenizer, prompt, trace.question(), trace.reasoning(), segments, trace.answer());
    }

    public static AnswerTarget of(Tokenizer tokenizer, UnaryOperator<String> prompt, String question, String reasoning,
                                  List<Segment> segments, String answer) {
        checkTiling(reasoning, segments);
        String u = prompt.apply(TraceLayout.userMessage(question));
        String text = u + reasoning + TraceLayout.answerPart(answer);
        Encoded encoded = tokenizer.encode(text);
        int answerChar = u.length() + reasoning.length() + TraceLayout.ANSWER_PREFIX.length();
        int[] answerRun = answerTokens(encoded, answerChar, answerChar + answer.length());
        int[][] spans = new int[segments.size()][];
        for (int s = 0; s < spans.length; s++) {
            Segment seg = segments.get(s);
            spans[s] = encoded.tokenRange(u.length() + seg.start(), u.length() + seg.end());
        }
        return new AnswerTarget(text, u.length(), reasoning.length(), encoded, answerRun[0], answerRun[1], spans);
    }

    /** The tokens whose char span lies inside [charFrom, charTo): {from, to}, to exclusive, from == to if none. */
    static int[] answerTokens(Encoded encoded, int charFrom, int charTo) {
        int from = -1;
        int to = -1;
        for (int i = 0; i < encoded.size(); i++) {
            if (encoded.start()[i] >= charFrom && encoded.end()[i] <= charTo && encoded.end()[i] > encoded.start()[i]) {
                if (from < 0) {
                    from = i;
                } else if (i != to) {
                    throw new IllegalStateException("answer tokens are not contiguous at token " + i);
                }
                to = i + 1;
            }
        }
        if (from < 0) {
            // No token inside: the empty run sits where the answer starts.
            int at = encoded.tokenRange(charFrom, charFrom)[0];
            return new int[] {at, at};
        }
        return new int[] {from, to};
    }

    private static void checkTiling(String reasoning, List<Segment> segments) {
        int at = 0;
        for (int s = 0; s < segments.size(); s++) {
            Segment seg = segments.get(s);
            if (seg.start() != at || !reasoning.startsWith(seg.text(), at)) {
                throw new IllegalArgumentException("segment " + s + " does not continue the reasoning at char " + at);
            }
            at = seg.end();
        }
        if (at != reasoning.length()) {
            throw new IllegalArgumentException("the segments cover " + at + " of " + reasoning.length() + " chars of the reasoning");
        }
    }

    /** U + C + A. */
    public String text() {
        return text;
    }

    public long[] ids() {
        return encoded.ids().clone();
    }

    public Encoded encoded() {
        return encoded;
    }

    public int length() {
        return encoded.size();
    }

    /** Chars of U: the trace starts here in {@link #text()}. */
    public int promptLength() {
        return promptLength;
    }

    /** First answer token (inside the braces). */
    public int answerFrom() {
        return answerFrom;
    }

    /** One past the last answer token; equal to {@link #answerFrom()} when no token lies inside the braces. */
    public int answerTo() {
        return answerTo;
    }

    public boolean answerIsEmpty() {
        return answerFrom == answerTo;
    }

    public int segmentCount() {
        return segmentTokens.length;
    }

    /** {from, to} token range of segment s. */
    public int[] segmentTokens(int s) {
        return segmentTokens[s].clone();
    }

    public int[] segmentTokenCounts() {
        return Arrays.stream(segmentTokens).mapToInt(r -> r[1] - r[0]).toArray();
    }

    /** {from, to}: the tokens of the trace (the segments' union). */
    public int[] traceTokens() {
        return encoded.tokenRange(promptLength, promptLength + traceLength);
    }

    /** Splits per-token values of the whole sequence into one array per segment. */
    public List<double[]> perSegment(double[] perToken) {
        if (perToken.length != encoded.size()) {
            throw new IllegalArgumentException(perToken.length + " values for " + encoded.size() + " tokens");
        }
        List<double[]> out = new ArrayList<>(segmentTokens.length);
        for (int[] r : segmentTokens) {
            out.add(Arrays.copyOfRange(perToken, r[0], r[1]));
        }
        return out;
    }

    /** Integrated gradients of this target's answer log-probability. */
    public TokenAttribution attribute(IntegratedGradients ig) {
        return ig.attribute(encoded.ids(), answerFrom, answerTo);
    }

    @Override
    public String toString() {
        return "AnswerTarget(" + encoded.size() + " tokens, answer [" + answerFrom + ", " + answerTo + "), "
                + segmentTokens.length + " segments)";
    }
}

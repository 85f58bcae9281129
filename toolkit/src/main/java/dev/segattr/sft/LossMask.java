package dev.segattr.sft;

import dev.segattr.select.Budget;
import dev.segattr.select.ScoredTrace;
import dev.segattr.select.Selection;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.trace.Segment;

import java.util.Arrays;
import java.util.List;

/**
 * Token labels for selective SFT (METHOD.md section 5): {@value MaskedExample#IGNORE} on the prompt and on the
 * reasoning tokens that are not supervised, the token id on the supervised ones and on the whole answer part.
 * Spans come from character offsets: segment s owns the tokens whose first char lies in it, so a token that
 * straddles a boundary belongs to the segment it starts in (as in the attribution's token grouping).
 *
 * <pre>{@code
 * MaskedExample ex = LossMask.apply(tokenized, segments, Supervision.segments(0, 3, 4));
 * ex.labels();   // -100 ... -100 ids of segments 0, 3, 4 ... ids of "</think> ... \boxed{42}" and EOS
 * }</pre>
 */
public final class LossMask {

    private LossMask() {
    }

    /** The labels for one trace, the answer part supervised. {@code segments} are char spans into the reasoning that tile it. */
    public static MaskedExample apply(TokenizedTrace t, List<Segment> segments, Supervision supervision) {
        return apply(t, segments, supervision, true);
    }

    /** The labels for one trace; {@code superviseAnswer} false leaves the part after the reasoning without loss too. */
    public static MaskedExample apply(TokenizedTrace t, List<Segment> segments, Supervision supervision, boolean superviseAnswer) {
        int[][] ranges = tokenRanges(t, segments);
        long[] labels = new long[t.length()];
        Arrays.fill(labels, MaskedExample.IGNORE);
        int firstReasoning = t.firstTokenAt(t.reasoningStart());
        int firstAnswer = t.firstTokenAt(t.reasoningEnd());
        if (supervision instanceof Supervision.Everything) {
            copy(t.ids(), labels, firstReasoning, firstAnswer);
        } else if (supervision instanceof Supervision.Segments s) {
            for (int seg : s.selected()) {
                if (seg < 0 || seg >= segments.size()) {
                    throw new IllegalArgumentException("trace " + t.id() + ": selected segment " + seg
                            + " does not exist (the trace has " + segments.size() + ")");
                }
                copy(t.ids(), labels, ranges[seg][0], ranges[seg][1]);
            }
        } else if (supervision instanceof Supervision.Tokens k) {
            if (k.selected().size() != segments.size()) {
                throw new IllegalArgumentException("trace " + t.id() + ": token selection for " + k.selected().size()
                        + " segments, the trace has " + segments.size());
            }
            for (int seg = 0; seg < segments.size(); seg++) {
                int n = ranges[seg][1] - ranges[seg][0];
                for (int i : k.selected().get(seg)) {
                    if (i < 0 || i >= n) {
                        throw new IllegalArgumentException("trace " + t.id() + ": selected token " + i + " of segment " + seg
                                + " does not exist (the segment has " + n + " tokens)");
                    }
                    labels[ranges[seg][0] + i] = t.ids()[ranges[seg][0] + i];
                }
            }
        }
        if (superviseAnswer) {
            copy(t.ids(), labels, firstAnswer, t.length());
        }
        return new MaskedExample(t.id(), t.ids().clone(), labels, t.length() - firstReasoning);
    }

    /** Number of tokens each segment owns. */
    public static int[] tokenCounts(TokenizedTrace t, List<Segment> segments) {
        return Arrays.stream(tokenRanges(t, segments)).mapToInt(r -> r[1] - r[0]).toArray();
    }

    /** The supervision a selection (from the select package) stands for: its segments, or its single tokens. */
    public static Supervision of(Selection selection) {
        return selection.level() == Selection.Level.TOKEN
                ? Supervision.tokens(selection.selectedTokenIndices())
                : Supervision.segments(selection.segments());
    }

    /**
     * Random segments supervising about as many reasoning tokens as {@code matched} does on this trace: the
     * select package's random policy (segments 0, M-2, M-1 always, the others in an order seeded by {@code seed}
     * and the trace's id), with the token counts of this tokenisation.
     */
    public static Supervision randomLike(TokenizedTrace t, List<Segment> segments, Supervision matched, long seed) {
        int[] counts = tokenCounts(t, segments);
        return of(SelectionPolicy.randomSegments(t.id(), counts, supervisedReasoningTokens(matched, counts), seed));
    }

    /**
     * The top-|IG| tokens of the trace's attributions, as many as {@code matched} supervises (the select package's
     * top-tokens policy). The attributions must group the tokens as this tokenisation does.
     */
    public static Supervision topTokensLike(TokenizedTrace t, List<Segment> segments, Supervision matched, ScoredTrace scored) {
        int[] counts = tokenCounts(t, segments);
        if (!Arrays.equals(counts, scored.tokenCounts())) {
            throw new IllegalArgumentException("trace " + t.id() + ": the attributions have " + Arrays.toString(scored.tokenCounts())
                    + " tokens per segment, this tokenizer gives " + Arrays.toString(counts) + " (attribute and train with the same tokenizer)");
        }
        return of(SelectionPolicy.topTokens(Budget.exactly(supervisedReasoningTokens(matched, counts))).select(scored));
    }

    /** Reasoning tokens a supervision covers, given the segments' token counts. */
    public static int supervisedReasoningTokens(Supervision s, int[] counts) {
        if (s instanceof Supervision.Segments g) {
            return Arrays.stream(g.selected()).filter(i -> i >= 0 && i < counts.length).map(i -> counts[i]).sum();
        }
        if (s instanceof Supervision.Tokens k) {
            return k.selected().stream().mapToInt(a -> a.length).sum();
        }
        return Arrays.stream(counts).sum();
    }

    /** For each segment, its tokens {from, to}: those whose first char lies in the segment. */
    static int[][] tokenRanges(TokenizedTrace t, List<Segment> segments) {
        int reasoningLength = t.reasoningEnd() - t.reasoningStart();
        int[][] ranges = new int[segments.size()][];
        int expectedStart = 0;
        for (int s = 0; s < segments.size(); s++) {
            Segment seg = segments.get(s);
            if (seg.start() != expectedStart) {
                throw new IllegalArgumentException("trace " + t.id() + ": segment " + s + " starts at char " + seg.start()
                        + ", expected " + expectedStart + " (segments must tile the reasoning)");
            }
            ranges[s] = new int[] {t.firstTokenAt(t.reasoningStart() + seg.start()), t.firstTokenAt(t.reasoningStart() + seg.end())};
            expectedStart = seg.end();
        }
        if (expectedStart != reasoningLength) {
            throw new IllegalArgumentException("trace " + t.id() + ": segments cover " + expectedStart + " of "
                    + reasoningLength + " chars of the reasoning");
        }
        return ranges;
    }

    private static void copy(long[] ids, long[] labels, int from, int to) {
        System.arraycopy(ids, from, labels, from, to - from);
    }
}

package dev.segattr.attribution;

import dev.segattr.tokenizer.TraceLayout;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.Trace;

import java.util.Arrays;

/**
 * Leave-one-segment-out importance, as PIR and SPIRIT define a segment's importance: how much the answer's
 * log-probability drops when the segment is removed from the trace.
 * <pre>
 *   importance_s = F(ids) - F(ids without the tokens of segment s),   F = sum of log p(answer tokens | before)
 * </pre>
 * A positive importance: the answer is less likely without the segment. N segments cost N + 1 forward passes and no
 * backward (integrated gradients needs J forward+backward passes over the whole sequence).
 *
 * <p>How it is computed: the full sequence and the N shortened ones are left-padded to the full length, so that the
 * answer sits at the same positions in every row, and go through the model {@code rows} at a time with an
 * attention mask (padding is neither attended to nor counted in positions: each row gives its own sequence's
 * logits). The head runs on the answer positions only.
 *
 * <pre>{@code
 * var ablation = new SegmentAblation(lm);
 * SegmentAblation.Result r = ablation.score(target);   // an AnswerTarget: ids, answer range, segment ranges
 * r.importance();                                      // one per segment
 * }</pre>
 */
public final class SegmentAblation {

    /** Rows x tokens per forward pass: no backward, so only one layer's activations are alive at a time. */
    static final long ROWS_TOKENS = 2 * PointsPerPass.SATURATING_ROWS;

    /**
     * @param full       F(ids): the answer's log-probability given the whole trace
     * @param without    F(ids without segment s), one per segment (= full for a segment without tokens)
     * @param importance full - without[s]
     * @param passes     forward passes made
     * @param seconds    wall time
     */
    public record Result(double full, double[] without, double[] importance, int passes, double seconds) {
        public Result {
            without = without.clone();
            importance = importance.clone();
        }

        @Override
        public double[] without() {
            return without.clone();
        }

        @Override
        public double[] importance() {
            return importance.clone();
        }
    }

    private final CausalLM model;
    private final int rows;

    /** Rows per pass chosen from the sequence length (at most {@link #ROWS_TOKENS} tokens per pass). */
    public SegmentAblation(CausalLM model) {
        this(model, 0);
    }

    /** @param rowsPerPass sequences per forward pass, or 0 to choose from the length */
    public SegmentAblation(CausalLM model, int rowsPerPass) {
        if (rowsPerPass < 0) {
            throw new IllegalArgumentException("rows per pass must be at least 1 (or 0: chosen), got " + rowsPerPass);
        }
        this.model = java.util.Objects.requireNonNull(model, "model");
        this.rows = rowsPerPass;
    }

    /**
     * The importance of each of a trace's segments (its own, else the reference split), its answer scored as
     * {@code attribute} scores it: the tokenizer's chat prompt, the reasoning, the boxed answer.
     */
    public Result score(Tokenizer tokenizer, Trace trace) {
        return score(AnswerTarget.of(tokenizer, TraceLayout.promptOf(tokenizer), trace, trace.segments()));
    }

    /** The importance of each segment of an attribution target. */
    public Result score(AnswerTarget target) {
        int[][] segments = new int[target.segmentCount()][];
        for (int s = 0; s < segments.length; s++) {
            segments[s] = target.segmentTokens(s);
        }
        return score(target.ids(), target.answerFrom(), target.answerTo(), segments);
    }

    /**
     * @param ids      the whole sequence (prompt, trace, answer suffix)
     * @param from     first answer token
     * @param to       one past the last answer token
     * @param segments {from, to} token ranges, each before {@code from}
     */
    public Result score(long[] ids, int from, int to, int[][] segments) {
        long start = System.nanoTime();
        if (from < 1 || to < from || to > ids.length) {
            throw new IllegalArgumentException("answer tokens [" + from + ", " + to + ") must lie in [1, " + ids.length + "]");
        }
        for (int[] r : segments) {
            if (r[0] < 0 || r[1] < r[0] || r[1] > from) {
                throw new IllegalArgumentException("segment tokens [" + r[0] + ", " + r[1] + ") must lie before the answer at " + from);
            }
        }
        int t = ids.length;
        // Row 0 is the whole sequence, row 1 + s the sequence without segment s; empty segments need no row.
        int[] rowOf = new int[segments.length];
        int count = 1;
        for (int s = 0; s < segments.length; s++) {
            rowOf[s] = segments[s][1] > segments[s][0] ? count++ : 0;
        }
        long[][] sequences = new long[count][];
        sequences[0] = ids;
        for (int s = 0; s < segments.length; s++) {
            if (rowOf[s] > 0) {
                sequences[rowOf[s]] = without(ids, segments[s]);
            }
        }
        int perPass = rows > 0 ? rows : (int) Math.max(1, ROWS_TOKENS / t);
        double[] f = new double[count];
        int passes = 0;
        long[] answer = Arrays.copyOfRange(ids, from, to);
        for (int r0 = 0; r0 < count; r0 += perPass) {
            int r1 = Math.min(count, r0 + perPass);
            System.arraycopy(answerLogprobs(sequences, r0, r1, t, from, to, answer), 0, f, r0, r1 - r0);
            passes++;
        }
        double[] withoutSegment = new double[segments.length];
        double[] importance = new double[segments.length];
        for (int s = 0; s < segments.length; s++) {
            withoutSegment[s] = f[rowOf[s]];
            importance[s] = f[0] - withoutSegment[s];
        }
        return new Result(f[0], withoutSegment, importance, passes, (System.nanoTime() - start) / 1e9);
    }

    /** F of rows [r0, r1), each left-padded to {@code t} tokens: the answer at [from, to) in every row. */
    private double[] answerLogprobs(long[][] sequences, int r0, int r1, int t, int from, int to, long[] answer) {
        int b = r1 - r0;
        long[] flatIds = new long[b * t];
        float[] flatMask = new float[b * t];
        for (int r = 0; r < b; r++) {
            long[] seq = sequences[r0 + r];
            int pad = t - seq.length;
            System.arraycopy(seq, 0, flatIds, r * t + pad, seq.length); // padding ids stay 0: masked out
            Arrays.fill(flatMask, r * t + pad, (r + 1) * t, 1f);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray embeds = model.embed(scope.create(flatIds, new Shape(b, t)));              // (b, T, H)
            embeds.attach(scope);
            NDArray mask = scope.create(flatMask, new Shape(b, t));                            // (b, T)
            NDArray logits = model.forward(embeds, mask, from - 1, to - 1);                     // (b, n, V)
            NDArray logp = logits.toType(DataType.FLOAT32, false).logSoftmax(2);
            NDArray picked = logp.gather(scope.create(answer, new Shape(1, to - from, 1)).repeat(0, b), 2);
            float[] f = picked.sum(new int[] {1, 2}).toFloatArray();                           // (b)
            double[] out = new double[b];
            for (int r = 0; r < b; r++) {
                out[r] = f[r];
            }
            return out;
        }
    }

    private static long[] without(long[] ids, int[] range) {
        long[] out = new long[ids.length - (range[1] - range[0])];
        System.arraycopy(ids, 0, out, 0, range[0]);
        System.arraycopy(ids, range[1], out, range[0], ids.length - range[1]);
        return out;
    }
}

package dev.segattr.bench;

import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.Baseline;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PointScheme;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.Trace;

import java.util.ArrayList;
import java.util.List;

/**
 * Completeness per second: for each point scheme, the fewest path points (from a ladder) whose convergence delta
 * is within {@link #TARGET} of |F(x) - F(x')| on one sequence, and stays so at the next rung (a delta can cross zero
 * by chance at a small J: one lucky rung is not convergence), and the time an attribution with that many takes
 * (K chosen as {@code attribute} chooses it). The sequence is a real trace when one is given (its answer the target,
 * as {@code attribute} scores it), else random ids with the last tokens as the answer.
 */
final class ConvergenceBench {

    /** |delta| <= TARGET x |F(x) - F(x')|. */
    static final double TARGET = 0.05;
    /** The path points tried, in order; the reference recipe's 50 among them. */
    static final int[] LADDER = {2, 3, 4, 6, 8, 12, 16, 24, 32, 50, 64, 96, 128};

    private ConvergenceBench() {
    }

    /** One sequence: ids and the answer range. */
    record Sequence(String source, long[] ids, int from, int to) {
        static Sequence random(CausalLM model, BenchOptions o) {
            return new Sequence("random ids", RandomIds.of(o.seqLen(), model.config().vocabSize(), o.seed()),
                    o.seqLen() - o.answerTokens(), o.seqLen());
        }

        static Sequence trace(Tokenizer tokenizer, Trace trace) {
            AnswerTarget t = AnswerTarget.of(tokenizer, TraceLayout.promptOf(tokenizer), trace, trace.segments());
            return new Sequence("trace " + trace.id(), t.ids(), t.answerFrom(), t.answerTo());
        }
    }

    static BenchReport.Convergence run(CausalLM model, Sequence seq, Baseline baseline, BenchOptions o) {
        EmbeddingModel em = EmbeddingModel.of(model);
        List<BenchReport.SchemeConvergence> schemes = new ArrayList<>();
        for (PointScheme scheme : PointScheme.values()) {
            BenchReport.SchemeConvergence found = null;
            double lastDelta = Double.NaN;
            int candidate = -1;       // the rung that reached the target, waiting for the next to confirm it
            Runnable candidateCall = null;
            TokenAttribution candidateResult = null;
            for (int j : LADDER) {
                if (j < 2 && (scheme == PointScheme.TRAPEZOID || scheme == PointScheme.ADAPTIVE)) {
                    continue;
                }
                IntegratedGradients ig = new IntegratedGradients(em, IntegratedGradients.Options.reference(baseline)
                        .withPoints(scheme, j).withAutoBatch());
                TokenAttribution[] last = new TokenAttribution[1];
                Runnable call = () -> last[0] = ig.attribute(seq.ids(), seq.from(), seq.to());
                call.run(); // also the warm-up of the timed repeats
                lastDelta = last[0].relativeDelta();
                if (lastDelta > TARGET) {
                    candidate = -1;
                    continue;
                }
                if (candidate < 0) {
                    candidate = j;
                    candidateCall = call;
                    candidateResult = last[0];
                    continue;
                }
                candidateCall.run(); // warm again after the confirming rung
                Repeats timed = Repeats.time(0, o.repeats(), candidateCall);
                found = new BenchReport.SchemeConvergence(scheme.label(), candidate, candidateResult.pointsPerPass(),
                        candidateResult.relativeDelta(), timed.seconds(), timed.cpuSeconds());
                break;
            }
            schemes.add(found != null ? found : new BenchReport.SchemeConvergence(scheme.label(), -1, 0, lastDelta,
                    new double[0], new double[0]));
        }
        return new BenchReport.Convergence(seq.source(), seq.ids().length, seq.to() - seq.from(), TARGET, schemes);
    }
}

package dev.segattr.bench;

import dev.segattr.attribution.Baseline;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PathPoints;
import dev.segattr.attribution.PointScheme;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.model.CausalLM;

/**
 * Integrated-gradients throughput: one random sequence of {@code seqLen} tokens whose last {@code answerTokens}
 * are the scored answer, attributed with J reference points, K per pass, weights frozen (as {@code attribute}
 * runs it). Throughput counts sequence tokens x path points per second.
 */
final class AttributionBench {

    private AttributionBench() {
    }

    static BenchReport.Attribution run(CausalLM model, BenchOptions o, double peakGflops) {
        long[] ids = RandomIds.of(o.seqLen(), model.config().vocabSize(), o.seed());
        Long pad = model.config().padTokenId();
        IntegratedGradients ig = new IntegratedGradients(EmbeddingModel.of(model),
                IntegratedGradients.Options.reference(Baseline.token(pad == null ? 0 : pad))
                        .withPath(PathPoints.of(PointScheme.REFERENCE, o.steps())).withBatch(o.batch()));
        int k = ig.pointsPerPass(o.seqLen()); // o.batch(), or attribute's own choice when it is 0 (auto)
        int from = o.seqLen() - o.answerTokens();
        TokenAttribution[] last = new TokenAttribution[1];
        Repeats timed;
        BenchReport.SectionMemory memory;
        try (SectionProbe probe = SectionProbe.start()) {
            timed = Repeats.time(1, o.repeats(), () -> last[0] = ig.attribute(ids, from, o.seqLen()));
            memory = probe.stop();
        }
        double best = timed.best();
        double flop = new Flops(model.config()).integratedGradients(o.seqLen(), o.steps(), o.answerTokens());
        int passes = (o.steps() + k - 1) / k;
        return new BenchReport.Attribution(o.seqLen(), o.steps(), k, passes, o.answerTokens(), timed.seconds(),
                timed.cpuSeconds(),                (double) o.seqLen() * o.steps() / best, BenchReport.Work.of(flop, best, peakGflops), memory,
                last[0].status().label());
    }
}

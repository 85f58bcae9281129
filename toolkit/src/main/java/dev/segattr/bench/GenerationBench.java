package dev.segattr.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.segattr.model.CausalLM;
import dev.segattr.model.GenerationConfig;
import dev.segattr.model.Generator;

import java.util.Arrays;
import java.util.List;

/**
 * Greedy decoding of one random prompt, with the KV cache ({@link Generator}) and without it (the whole
 * sequence goes through the model again for every new token, as a decoder without a cache must). Both run the
 * same number of new tokens and never stop early.
 */
final class GenerationBench {

    private GenerationBench() {
    }

    static BenchReport.Generation run(CausalLM model, BenchOptions o, double peakGflops) {
        long[] prompt = RandomIds.of(o.promptTokens(), model.config().vocabSize(), o.seed() + 1);
        Flops flops = new Flops(model.config());
        GenerationConfig greedy = GenerationConfig.greedy(o.newTokens()).withStopIds(List.of());
        Generator generator = new Generator(model);
        long[][] cachedTokens = new long[1][];
        long[][] uncachedTokens = new long[1][];
        Repeats cached;
        Repeats uncached;
        BenchReport.SectionMemory memory;
        try (SectionProbe probe = SectionProbe.start()) {
            cached = Repeats.time(1, o.repeats(),
                    () -> cachedTokens[0] = generator.generate(List.of(prompt), greedy).tokens().get(0));
            uncached = Repeats.time(1, o.repeats(), () -> uncachedTokens[0] = uncached(model, prompt, o.newTokens()));
            memory = probe.stop();
        }
        BenchReport.Decoding withCache = decoding(cached, o.newTokens(),
                flops.generationCached(o.promptTokens(), o.newTokens()), peakGflops);
        BenchReport.Decoding without = decoding(uncached, o.newTokens(),
                flops.generationUncached(o.promptTokens(), o.newTokens()), peakGflops);
        return new BenchReport.Generation(o.promptTokens(), o.newTokens(), withCache, without,
                withCache.newTokensPerSecond() / without.newTokensPerSecond(),
                Arrays.equals(cachedTokens[0], uncachedTokens[0]), memory);
    }

    private static BenchReport.Decoding decoding(Repeats timed, int tokens, double flop, double peakGflops) {
        double best = timed.best();
        return new BenchReport.Decoding(timed.seconds(), timed.cpuSeconds(), tokens / best,
                BenchReport.Work.of(flop, best, peakGflops));
    }

    /** Greedy decoding that runs the full forward pass over the prompt and all tokens so far at every step. */
    static long[] uncached(CausalLM model, long[] prompt, int newTokens) {
        long[] sequence = Arrays.copyOf(prompt, prompt.length + newTokens);
        for (int n = 0; n < newTokens; n++) {
            int length = prompt.length + n;
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray ids = scope.create(Arrays.copyOf(sequence, length), new Shape(1, length));
                NDArray last = model.forwardIds(ids, null).get(new NDIndex("0, -1, :"));  // (V)
                sequence[length] = last.argMax().getLong();
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }
}

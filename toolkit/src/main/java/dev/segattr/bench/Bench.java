package dev.segattr.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.segattr.attribution.Baseline;
import dev.segattr.experiment.Environment;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.Trace;

import java.util.function.BiFunction;
import java.util.function.DoubleFunction;

/**
 * {@code segattr bench} as a library call: the machine's matrix-product peak, then the chosen sections on one
 * model, each with its counted work, its share of the peak and its memory.
 *
 * <pre>{@code
 * try (CausalLM model = Bench.initModel(256, 4, 1024, 0)) {
 *     BenchReport r = Bench.run(model, "init", BenchOptions.defaults());
 *     r.attribution().tokenPointsPerSecond();
 * }
 * }</pre>
 */
public final class Bench {

    private Bench() {
    }

    /**
     * A randomly initialised Qwen3 model, so that the benchmark needs no files: heads of 64 (fewer when the
     * hidden size is small), half as many key-value heads (grouped-query attention, as Qwen3), MLP width 3 x
     * hidden.
     */
    public static CausalLM initModel(int hidden, int layers, int vocab, long seed) {
        return CausalLM.init(initConfig(hidden, layers, vocab), seed);
    }

    public static ModelConfig initConfig(int hidden, int layers, int vocab) {
        int headDim = Math.min(64, hidden);
        if (hidden % headDim != 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " must be a multiple of 64, or an even size below it");
        }
        int heads = hidden / headDim;
        int kvHeads = heads % 2 == 0 ? heads / 2 : heads;
        return ModelConfig.of("qwen3", vocab, hidden, 3 * hidden, layers, heads, kvHeads, headDim)
                .withTokens(null, java.util.List.of(), 0L);
    }

    /** Sets PyTorch's intra-op threads (as torch.set_num_threads); the engine is started if needed. */
    public static void setThreads(int threads) {
        Engine.getInstance();
        JniUtils.setNumThreads(threads);
    }

    public static int threads() {
        Engine.getInstance();
        return JniUtils.getNumThreads();
    }

    /** Runs the sections of {@code options} on {@code model}; {@code source} names it in the report. */
    public static BenchReport run(CausalLM model, String source, BenchOptions options) {
        return run(model, source, options, null, null);
    }

    /**
     * As {@link #run(CausalLM, String, BenchOptions)}; the convergence section attributes {@code trace} (tokenized
     * by {@code tokenizer}, its answer the target, the pad baseline) when one is given, else random ids.
     */
    public static BenchReport run(CausalLM model, String source, BenchOptions options, Tokenizer tokenizer, Trace trace) {
        long started = System.nanoTime();
        PeakMeter peaks = new PeakMeter(model, options);
        BenchReport.Attribution attribution = null;
        BenchReport.Generation generation = null;
        BenchReport.Training training = null;
        if (options.sections().contains(Section.ATTRIBUTION)) {
            attribution = peaks.around(p -> AttributionBench.run(model, options, p), BenchReport.Attribution::againstPeak);
        }
        BenchReport.Convergence convergence = null;
        if (options.sections().contains(Section.CONVERGENCE)) {
            Long pad = model.config().padTokenId();
            ConvergenceBench.Sequence seq = trace == null ? ConvergenceBench.Sequence.random(model, options)
                    : ConvergenceBench.Sequence.trace(tokenizer, trace);
            Baseline baseline = trace == null ? Baseline.token(pad == null ? 0 : pad) : Baseline.pad(tokenizer.padId());
            convergence = ConvergenceBench.run(model, seq, baseline, options);
        }
        if (options.sections().contains(Section.GENERATION)) {
            generation = peaks.around(p -> GenerationBench.run(model, options, p), BenchReport.Generation::againstPeak);
        }
        if (options.sections().contains(Section.TRAINING)) { // last: it changes the weights
            training = peaks.around(p -> TrainingBench.run(model, options, p), BenchReport.Training::againstPeak);
        }
        double peak = peaks.best > 0 ? peaks.best : peaks.measure();
        // The sections reset the peaks: the run's peak is the largest of theirs (or the process' when none ran).
        double heap = Memory.peakHeapMb();
        double resident = Memory.peakResidentMb();
        double nativeMb = Memory.nativeInUseMb();
        for (BenchReport.SectionMemory m : new BenchReport.SectionMemory[] {
                attribution == null ? null : attribution.memory(), generation == null ? null : generation.memory(),
                training == null ? null : training.memory()}) {
            if (m != null) {
                heap = Math.max(heap, m.peakHeapMb());
                resident = Math.max(resident, m.peakResidentMb());
                nativeMb = Math.max(nativeMb, m.peakNativeMb());
            }
        }
        return new BenchReport(Environment.capture(), figures(model, source), threads(),
                NativeAllocator.keepsFreedMemory(), peak, options.peakSize(),
                attribution, convergence, generation, training, heap, resident, nativeMb, (System.nanoTime() - started) / 1e9);
    }

    /**
     * The matrix-product rate, measured before and after each section: on a shared machine other jobs come and go,
     * and a section is judged against the better of the two (the machine's rate when it was least disturbed).
     */
    private static final class PeakMeter {
        private final CausalLM model;
        private final BenchOptions options;
        private double best; // the best rate seen so far in this run

        PeakMeter(CausalLM model, BenchOptions options) {
            this.model = model;
            this.options = options;
        }

        double measure() {
            return MatmulPeak.gflops(model.manager(), options.peakSize(), 10);
        }

        /** Runs {@code section} (given the rate before it) and judges its result against the better rate. */
        <R> R around(DoubleFunction<R> section, BiFunction<R, Double, R> againstPeak) {
            double before = measure();
            R result = section.apply(before);
            double peak = Math.max(before, measure());
            best = Math.max(best, peak);
            return againstPeak.apply(result, peak);
        }
    }

    static BenchReport.ModelFigures figures(CausalLM model, String source) {
        ModelConfig c = model.config();
        long parameters = model.parameters().values().stream().mapToLong(NDArray::size).sum();
        return new BenchReport.ModelFigures(source, c.modelType(), c.hiddenSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.intermediateSize(), c.vocabSize(),
                parameters);
    }
}

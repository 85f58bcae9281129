package dev.segattr.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The figures of one {@code segattr bench} run; {@link #toJson()} is what the command prints. A section that
 * was not run is null (and left out of the JSON).
 *
 * @param environment      versions, machine, threads (as in experiment records)
 * @param model            what was measured
 * @param threads          PyTorch's intra-op threads
 * @param keepFreedMemory  whether glibc was told to keep freed native memory ({@link NativeAllocator})
 * @param matmulPeakGflops the best float32 n x n product rate seen in this run (before and after each section)
 * @param seconds          wall time of the whole run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchReport(Map<String, Object> environment, ModelFigures model, int threads, boolean keepFreedMemory,
                          double matmulPeakGflops,
                          int matmulPeakSize, Attribution attribution, Convergence convergence, Generation generation,
                          Training training,
                          double peakHeapMb, double peakResidentMb, double peakNativeMb, double seconds) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The decoder's shape, and where it came from ("init" or the checkpoint folder). */
    public record ModelFigures(String source, String modelType, int hidden, int layers, int heads, int kvHeads,
                               int headDim, int intermediate, int vocab, long parameters) {
    }

    /**
     * Counted work against time: {@code gflops = gflop / seconds}, {@code peakFraction = gflops / peak}, where the
     * peak is the better of the matrix-product rates measured just before and just after the section.
     */
    public record Work(double gflop, double seconds, double gflops, double peakGflops, double peakFraction) {
        static Work of(double flop, double seconds, double peakGflops) {
            double rate = flop / seconds / 1e9;
            return new Work(flop / 1e9, seconds, rate, peakGflops, rate / peakGflops);
        }

        Work againstPeak(double peak) {
            return new Work(gflop, seconds, gflops, peak, gflops / peak);
        }
    }

    /**
     * Memory during a section: the resident set before it, its peak during it (Linux lets the peak be reset, so it
     * is the section's own), the peak heap, and the native bytes in use (glibc's mallinfo2: where libtorch's
     * arrays live) before it and at their sampled peak; -1 where glibc cannot tell.
     */
    public record SectionMemory(double residentBeforeMb, double peakResidentMb, double peakHeapMb, double nativeBeforeMb,
                                double peakNativeMb) {
        public double growthMb() {
            return peakResidentMb - residentBeforeMb;
        }
    }

    /**
     * Integrated gradients of one sequence, frozen weights.
     *
     * @param seconds              wall time of each timed call (one call = all J points + F(x) and F(x'))
     * @param cpuSeconds           CPU time of the process during each timed call
     * @param tokenPointsPerSecond seqLen x steps / fastest call
     * @param status               the attribution's status on the random sequence (its convergence check)
     */
    public record Attribution(int seqLen, int steps, int batch, int passes, int answerTokens, double[] seconds,
                              double[] cpuSeconds, double tokenPointsPerSecond, Work work, SectionMemory memory, String status) {
        Attribution againstPeak(double peak) {
            return new Attribution(seqLen, steps, batch, passes, answerTokens, seconds, cpuSeconds, tokenPointsPerSecond,
                    work.againstPeak(peak), memory, status);
        }
    }

    /** Decoding of one prompt, greedy, never stopping early. */
    public record Decoding(double[] seconds, double[] cpuSeconds, double newTokensPerSecond, Work work) {
        Decoding againstPeak(double peak) {
            return new Decoding(seconds, cpuSeconds, newTokensPerSecond, work.againstPeak(peak));
        }
    }

    /**
     * @param cached     with the KV cache (Generator)
     * @param uncached   recomputing the whole sequence for every new token
     * @param speedup    cached over uncached tokens per second
     * @param sameTokens whether both produced the same tokens (they should, up to float ties)
     */
    public record Generation(int promptTokens, int newTokens, Decoding cached, Decoding uncached, double speedup,
                             boolean sameTokens, SectionMemory memory) {
        Generation againstPeak(double peak) {
            return new Generation(promptTokens, newTokens, cached.againstPeak(peak), uncached.againstPeak(peak), speedup,
                    sameTokens, memory);
        }
    }

    /**
     * Full-parameter fine-tuning (Trainer: forward, backward, clipping, AdamW).
     *
     * @param seconds         wall time of each timed update
     * @param cpuSeconds      CPU time of the process during each timed update
     * @param tokensPerSecond batch x seqLen / fastest update
     */
    public record Training(int seqLen, int batch, int updates, double[] seconds, double[] cpuSeconds,
                           double tokensPerSecond, Work work,
                           SectionMemory memory) {
        Training againstPeak(double peak) {
            return new Training(seqLen, batch, updates, seconds, cpuSeconds, tokensPerSecond, work.againstPeak(peak), memory);
        }
    }

    /**
     * Completeness per second ({@code --sections convergence}): for each point scheme, the fewest path points of a
     * ladder with |delta| <= target x |F(x) - F(x')| on one sequence, and the time of an attribution with them.
     */
    public record Convergence(String sequence, int seqLen, int answerTokens, double target,
                              List<SchemeConvergence> schemes) {
    }

    /**
     * @param steps          the fewest points that reached the target (-1: none of the ladder did)
     * @param pointsPerPass  K used
     * @param relativeDelta  |delta| / |F(x) - F(x')| with those points (the last tried when none reached it)
     * @param seconds        wall time of each timed attribution with those points
     * @param cpuSeconds     CPU time of the process during each
     */
    public record SchemeConvergence(String scheme, int steps, int pointsPerPass, double relativeDelta, double[] seconds,
                                    double[] cpuSeconds) {
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double best(double[] seconds) {
        return Arrays.stream(seconds).min().orElse(Double.NaN);
    }
}

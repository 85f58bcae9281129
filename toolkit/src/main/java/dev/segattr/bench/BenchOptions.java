package dev.segattr.bench;

import java.util.EnumSet;
import java.util.Set;

/**
 * What {@code segattr bench} measures. Sequences are random token ids: throughput does not depend on the text.
 *
 * @param seqLen       tokens of the attributed sequence and of every training example
 * @param steps        J, integrated-gradients path points
 * @param batch        K, path points per forward+backward pass, or 0 (IntegratedGradients.AUTO_BATCH): chosen as
 *                     {@code attribute} chooses it by default
 * @param answerTokens tokens of the scored answer at the end of the attributed sequence
 * @param repeats      timed repetitions of each measurement, after one untimed warm-up
 * @param trainBatch   examples per training update
 * @param trainSteps   timed training updates (after one warm-up update)
 * @param promptTokens prompt length for generation
 * @param newTokens    tokens generated per timed run
 * @param peakSize     n of the n x n matrix product that measures the machine's peak
 * @param sections     which parts to run
 * @param seed         of the random ids
 */
public record BenchOptions(int seqLen, int steps, int batch, int answerTokens, int repeats, int trainBatch,
                           int trainSteps, int promptTokens, int newTokens, int peakSize, Set<Section> sections,
                           long seed) {

    public BenchOptions {
        require(seqLen >= 2, "seq-len must be at least 2, got " + seqLen);
        require(steps >= 1, "steps must be at least 1, got " + steps);
        require(batch >= 0, "batch must be auto (0) or at least 1, got " + batch);
        require(answerTokens >= 1 && answerTokens < seqLen,
                "answer tokens must be in [1, seq-len), got " + answerTokens);
        require(repeats >= 1, "repeats must be at least 1, got " + repeats);
        require(trainBatch >= 1 && trainSteps >= 1, "train batch and steps must be at least 1");
        require(promptTokens >= 1 && newTokens >= 2, "prompt tokens >= 1 and new tokens >= 2 needed");
        require(peakSize >= 64, "peak size must be at least 64, got " + peakSize);
        sections = sections.isEmpty() ? EnumSet.noneOf(Section.class) : EnumSet.copyOf(sections);
    }

    /**
     * With the default model (hidden 256, 4 layers, vocab 1024): about 20 s on an idle 2-core machine, a few
     * minutes when other jobs share the cores.
     */
    public static BenchOptions defaults() {
        return new BenchOptions(512, 16, 0, 4, 3, 2, 6, 128, 64, 1024, EnumSet.allOf(Section.class), 0);
    }

    public BenchOptions withSections(Set<Section> s) {
        return new BenchOptions(seqLen, steps, batch, answerTokens, repeats, trainBatch, trainSteps, promptTokens,
                newTokens, peakSize, s, seed);
    }

    public BenchOptions withAttribution(int length, int points, int perPass) {
        return new BenchOptions(length, points, perPass, Math.min(answerTokens, length - 1), repeats, trainBatch,
                trainSteps, promptTokens, newTokens, peakSize, sections, seed);
    }

    public BenchOptions withRepeats(int r) {
        return new BenchOptions(seqLen, steps, batch, answerTokens, r, trainBatch, trainSteps, promptTokens,
                newTokens, peakSize, sections, seed);
    }

    public BenchOptions withTraining(int examplesPerUpdate, int updates) {
        return new BenchOptions(seqLen, steps, batch, answerTokens, repeats, examplesPerUpdate, updates,
                promptTokens, newTokens, peakSize, sections, seed);
    }

    public BenchOptions withGeneration(int prompt, int tokens) {
        return new BenchOptions(seqLen, steps, batch, answerTokens, repeats, trainBatch, trainSteps, prompt, tokens,
                peakSize, sections, seed);
    }

    public BenchOptions withPeakSize(int n) {
        return new BenchOptions(seqLen, steps, batch, answerTokens, repeats, trainBatch, trainSteps, promptTokens,
                newTokens, n, sections, seed);
    }

    public BenchOptions withSeed(long s) {
        return new BenchOptions(seqLen, steps, batch, answerTokens, repeats, trainBatch, trainSteps, promptTokens,
                newTokens, peakSize, sections, s);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

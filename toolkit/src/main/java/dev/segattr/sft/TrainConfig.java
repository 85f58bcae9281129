package dev.segattr.sft;

/**
 * Settings of a fine-tuning run. {@link #defaults()} follows the reference run (METHOD.md section 5: lr 3e-5,
 * batch 2, no accumulation, cosine schedule with 5% warmup, weight decay 0, clipping at 1.0, seed 3407, max
 * length 16,384, 10 epochs) with 32-bit AdamW at PyTorch's betas and eps (the reference used an 8-bit AdamW).
 *
 * @param epochs          passes over the data
 * @param learningRate    peak learning rate (after warmup)
 * @param batchSize       examples per micro-batch (one forward and backward pass)
 * @param gradAccum       micro-batches per update
 * @param warmupRatio     warmup as a share of all updates (rounded up), when {@code warmupSteps} is negative
 * @param warmupSteps     warmup updates; negative to use {@code warmupRatio}
 * @param weightDecay     AdamW's decoupled weight decay
 * @param beta1           AdamW's first-moment decay
 * @param beta2           AdamW's second-moment decay
 * @param eps             AdamW's epsilon (added outside the square root)
 * @param maxGradNorm     clip the global gradient norm to this; 0 or less turns clipping off
 * @param seed            the data order of every epoch derives from it
 * @param maxLength       examples longer than this are cut to their first {@code maxLength} tokens (TRL's keep_start)
 * @param shuffle         shuffle the examples every epoch (else keep their order)
 * @param keepCheckpoints how many epoch checkpoints to keep (the latest); 0 keeps all
 */
public record TrainConfig(int epochs, double learningRate, int batchSize, int gradAccum, double warmupRatio, int warmupSteps,
                          double weightDecay, double beta1, double beta2, double eps, double maxGradNorm, long seed,
                          int maxLength, boolean shuffle, int keepCheckpoints) {

    public TrainConfig {
        require(epochs >= 1, "epochs must be at least 1, got " + epochs);
        require(learningRate >= 0 && Double.isFinite(learningRate), "learning rate must be >= 0, got " + learningRate);
        require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
        require(gradAccum >= 1, "gradient accumulation must be at least 1, got " + gradAccum);
        require(warmupRatio >= 0 && warmupRatio <= 1, "warmup ratio must be in [0, 1], got " + warmupRatio);
        require(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        require(eps > 0, "eps must be > 0, got " + eps);
        require(maxLength >= 2, "max length must be at least 2, got " + maxLength);
        require(keepCheckpoints >= 0, "keep checkpoints must be >= 0, got " + keepCheckpoints);
    }

    public static TrainConfig defaults() {
        return new TrainConfig(10, 3e-5, 2, 1, 0.05, -1, 0.0, 0.9, 0.999, 1e-8, 1.0, 3407, 16384, true, 0);
    }

    public TrainConfig withEpochs(int v) {
        return new TrainConfig(v, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withLearningRate(double v) {
        return new TrainConfig(epochs, v, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withBatchSize(int v) {
        return new TrainConfig(epochs, learningRate, v, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withGradAccum(int v) {
        return new TrainConfig(epochs, learningRate, batchSize, v, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withWarmupRatio(double v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, v, -1, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withWarmupSteps(int v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, v, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withWeightDecay(double v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, v, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withBetas(double b1, double b2) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, b1, b2, eps, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withEps(double v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, v, maxGradNorm, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withMaxGradNorm(double v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, v, seed, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withSeed(long v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, v, maxLength, shuffle, keepCheckpoints);
    }

    public TrainConfig withMaxLength(int v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, seed, v, shuffle, keepCheckpoints);
    }

    public TrainConfig withShuffle(boolean v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, v, keepCheckpoints);
    }

    public TrainConfig withKeepCheckpoints(int v) {
        return new TrainConfig(epochs, learningRate, batchSize, gradAccum, warmupRatio, warmupSteps, weightDecay, beta1, beta2, eps, maxGradNorm, seed, maxLength, shuffle, v);
    }

    public AdamW.Settings adamW() {
        return new AdamW.Settings(beta1, beta2, eps, weightDecay);
    }

    /** Updates in one epoch over {@code examples} examples: a last short micro-batch or accumulation group still counts. */
    public long updatesPerEpoch(int examples) {
        long microBatches = (examples + (long) batchSize - 1) / batchSize;
        return (microBatches + gradAccum - 1) / gradAccum;
    }

    /** The learning-rate schedule for a run over {@code examples} examples. */
    public LearningRateSchedule schedule(int examples) {
        long total = updatesPerEpoch(examples) * epochs;
        return warmupSteps >= 0 ? new LearningRateSchedule(learningRate, warmupSteps, total)
                : LearningRateSchedule.withWarmupRatio(learningRate, warmupRatio, total);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}

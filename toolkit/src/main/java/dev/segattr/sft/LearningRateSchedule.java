package dev.segattr.sft;

/**
 * Linear warmup from 0 to the peak, then cosine decay to 0, as transformers'
 * {@code get_cosine_schedule_with_warmup} (half a cosine cycle): the update with index {@code k} (from 0) runs at
 * <pre>
 *   peak * k / max(1, warmup)                                  for k &lt; warmup
 *   peak * max(0, (1 + cos(pi * (k - warmup) / max(1, total - warmup))) / 2)   after
 * </pre>
 * So with any warmup the first update runs at learning rate 0, as in transformers' Trainer.
 *
 * @param peak   the learning rate at the end of the warmup
 * @param warmup number of warmup updates
 * @param total  number of updates in the whole run
 */
public record LearningRateSchedule(double peak, long warmup, long total) {

    public LearningRateSchedule {
        if (!(peak >= 0) || warmup < 0 || total < 0) {
            throw new IllegalArgumentException("learning rate schedule needs peak >= 0, warmup >= 0, total >= 0; got "
                    + peak + ", " + warmup + ", " + total);
        }
    }

    /** Warmup as a share of the run, rounded up as transformers does ({@code ceil(total * ratio)}). */
    public static LearningRateSchedule withWarmupRatio(double peak, double ratio, long total) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("warmup ratio must be in [0, 1], got " + ratio);
        }
        return new LearningRateSchedule(peak, (long) Math.ceil(total * ratio), total);
    }

    /** The learning rate of update {@code k} (0 for the first). */
    public double at(long k) {
        return peak * factor(k);
    }

    public double factor(long k) {
        if (k < warmup) {
            return (double) k / Math.max(1, warmup);
        }
        double progress = (double) (k - warmup) / Math.max(1, total - warmup);
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
    }
}

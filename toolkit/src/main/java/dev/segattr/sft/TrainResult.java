package dev.segattr.sft;

import dev.segattr.viz.Charts;
import org.knowm.xchart.XYChart;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a training run did, update by update and epoch by epoch.
 *
 * @param steps          one entry per update, from the first (a resumed run includes the updates before it)
 * @param epochs         one entry per finished epoch
 * @param finalCheckpoint the last epoch's checkpoint folder
 * @param resumedFrom    the checkpoint a resumed run started from, or null
 */
public record TrainResult(List<Step> steps, List<Epoch> epochs, String finalCheckpoint, String resumedFrom) {

    /**
     * One update.
     *
     * @param step         1-based update number over the whole run
     * @param epoch        1-based epoch
     * @param learningRate the rate it ran at
     * @param loss         mean cross-entropy over the update's supervised tokens
     * @param gradNorm     global gradient norm before clipping
     * @param tokens       real tokens in the update's micro-batches
     * @param supervised   tokens that carried loss
     * @param seconds      wall time of forward, backward and update
     */
    public record Step(long step, int epoch, double learningRate, double loss, double gradNorm, long tokens, long supervised,
                       double seconds) {
    }

    /**
     * One epoch.
     *
     * @param epoch              1-based
     * @param loss               mean cross-entropy over all supervised tokens of the epoch (the token-weighted mean of its updates)
     * @param updates            updates made in it
     * @param tokens             real tokens processed
     * @param supervised         of which supervised
     * @param seconds            wall time of the updates (checkpoint writing not included)
     * @param tokensPerSecond    tokens / seconds
     * @param supervisedFraction supervised / tokens
     * @param checkpoint         the folder written after it
     */
    public record Epoch(int epoch, double loss, long updates, long tokens, long supervised, double seconds, double tokensPerSecond,
                        double supervisedFraction, String checkpoint) {
    }

    /** The last epoch's mean loss; null before an epoch has ended. */
    public Double finalLoss() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1).loss();
    }

    /** The line the train command and the study print when a fine-tune is done, {@code where} the model's folder. */
    public String summary(Object where) {
        return String.format(Locale.ROOT, "trained %d updates over %d epochs; final epoch loss %.4f; model in %s",
                steps.size(), epochs.size(), finalLoss(), where);
    }

    public Step lastStep() {
        return steps.get(steps.size() - 1);
    }

    public double[] losses() {
        return steps.stream().mapToDouble(Step::loss).toArray();
    }

    /** The loss per update (and the epochs' means at their last update). */
    public XYChart lossChart() {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("loss per update", losses());
        XYChart chart = Charts.curves("Training loss", "cross-entropy (nats per supervised token)", series);
        if (!epochs().isEmpty()) {
            double[] x = new double[epochs().size()];
            double[] y = new double[epochs().size()];
            long step = 0;
            for (int e = 0; e < x.length; e++) {
                step += epochs().get(e).updates();
                x[e] = step;
                y[e] = epochs().get(e).loss();
            }
            chart.addSeries("epoch mean", x, y);
        }
        return chart;
    }
}

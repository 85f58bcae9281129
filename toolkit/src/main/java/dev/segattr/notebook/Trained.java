package dev.segattr.notebook;

import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.TrainStage;
import dev.segattr.viz.Progress;
import dev.segattr.sft.TrainResult;
import dev.segattr.viz.Charts;
import dev.segattr.viz.RichDisplay;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A fine-tuning run's outcome: the checkpoint folder (Hugging Face layout, with {@code record.json} and
 * {@code loss.png}) and the loss per update, shown as the loss chart.
 *
 * @param dir     the fine-tuned checkpoint
 * @param outcome what {@link FineTune#run} returned
 */
public record Trained(Path dir, FineTune.Outcome outcome) implements RichDisplay {

    /** Fine-tunes through the train stage, each optimizer update a step of a progress bar. */
    static Trained run(Path model, Path selected, Path out, String mask, TrainConfig config, String device) {
        TrainStage.Options o = TrainStage.Options.of(model).withTrain(config).withMask(TrainingData.MaskMode.parse(mask))
                .withDevice(ComputeDevice.parse(device));
        try (Progress p = Progress.start("train " + mask, TrainStage.updates(selected, o))) {
            return new Trained(out, TrainStage.run(selected, out, o, new StageProgress(p, d -> "")));
        }
    }

    public TrainResult result() {
        return outcome.result();
    }

    public double finalLoss() {
        var epochs = outcome.result().epochs();
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).loss();
    }

    public XYChart lossChart() {
        return FineTune.lossChart(outcome.result());
    }

    @Override
    public Map<String, Object> mimeBundle() {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(IMAGE_PNG, Charts.png(lossChart()));
        bundle.put(TEXT_PLAIN, toString());
        return bundle;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Trained(%s: %d examples, %d updates, %.1f%% of reasoning and answer supervised, final epoch loss %.4f)",
                dir, outcome.data().examples().size(), outcome.result().steps().size(),
                100 * outcome.data().supervisedFractionOfCompletion(), finalLoss());
    }
}

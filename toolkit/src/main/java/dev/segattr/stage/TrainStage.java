package dev.segattr.stage;

import dev.segattr.BadInputException;
import dev.segattr.experiment.OutputLock;
import dev.segattr.model.Tokenizer;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Fine-tunes a model (all parameters, AdamW, warmup then cosine decay) on selected traces, writing the fine-tuned
 * model in the Hugging Face layout into the output folder with a checkpoint per epoch, record.json and loss.png
 * ({@link FineTune}). Not record-wise: training sees the whole data set every epoch.
 */
public final class TrainStage {

    public static final String NAME = "train";

    /**
     * @param model           the checkpoint to start from, with its tokenizer
     * @param train           optimizer, schedule, seed, max length
     * @param mask            which reasoning tokens carry loss
     * @param superviseAnswer whether the answer part after the reasoning carries loss
     * @param answerTemplate  the answer part A with {@code {answer}}; null for the reference's
     * @param resume          continue from the latest checkpoint in the output folder
     * @param device          where it trains
     */
    public record Options(Path model, TrainConfig train, TrainingData.MaskMode mask, boolean superviseAnswer,
                          String answerTemplate, boolean resume, ComputeDevice device) {

        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(mask, "mask");
            Objects.requireNonNull(device, "device");
        }

        /** The reference run's settings, selective mask, on the CPU. */
        public static Options of(Path model) {
            return new Options(model, TrainConfig.defaults(), TrainingData.MaskMode.SELECTIVE, true, null, false, ComputeDevice.CPU);
        }

        public Options withTrain(TrainConfig t) {
            return new Options(model, t, mask, superviseAnswer, answerTemplate, resume, device);
        }

        public Options withMask(TrainingData.MaskMode m) {
            return new Options(model, train, m, superviseAnswer, answerTemplate, resume, device);
        }

        public Options withResume(boolean r) {
            return new Options(model, train, mask, superviseAnswer, answerTemplate, r, device);
        }

        public Options withDevice(ComputeDevice d) {
            return new Options(model, train, mask, superviseAnswer, answerTemplate, resume, d);
        }

        /** What {@link FineTune} takes. */
        public FineTune.Options fineTune(Path in, Path out) {
            return new FineTune.Options(model, in, out, train, mask, superviseAnswer, answerTemplate, resume, device.label());
        }
    }

    private TrainStage() {
    }

    /** How many optimizer updates a run on {@code in} makes (the examples are masked to count them). */
    public static long updates(Path in, Options options) {
        int examples;
        try (Tokenizer tokenizer = Tokenizer.load(options.model())) {
            examples = FineTune.data(options.fineTune(in, null), tokenizer).examples().size();
        }
        return options.train().epochs() * options.train().updatesPerEpoch(examples);
    }

    /**
     * Trains on {@code in} into the folder {@code out}. Reports the data's figures as a {@link StageEvent.Note} and
     * every update as a {@link StageEvent.TrainStep}.
     */
    public static FineTune.Outcome run(Path in, Path out, Options options, StageListener listener) {
        if (!Files.isDirectory(options.model())) {
            throw new BadInputException("--model " + options.model() + ": no such folder");
        }
        try (OutputLock lock = OutputLock.acquire(out)) {
            if (Files.isDirectory(out.resolve("checkpoints")) && !options.resume()) {
                throw new BadInputException("--out " + out + " already holds a training run: use --resume to continue it, or another folder");
            }
            return FineTune.run(options.fineTune(in, out), line -> listener.on(new StageEvent.Note(NAME, line)),
                    step -> listener.on(new StageEvent.TrainStep(NAME, step)));
        }
    }
}

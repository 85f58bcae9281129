package dev.segattr.stage;

import dev.segattr.BadInputException;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.MaskedExample;
import dev.segattr.sft.SequenceFormat;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The masked training data for other trainers (TRL's SFTTrainer and kin): one JSON line per trace with
 * {@code id}, {@code input_ids} and {@code labels} (-100 where no loss), exactly the sequences the train stage
 * trains on. A trace with no supervised token gives no line.
 */
public final class ExportStage {

    public static final String NAME = "export";

    /**
     * @param model           the folder holding the tokenizer (the weights are not read)
     * @param mask            which reasoning tokens carry loss
     * @param seed            of {@code --mask random}
     * @param maxLength       longer sequences keep their first {@code maxLength} tokens
     * @param superviseAnswer whether the answer part carries loss
     * @param answerTemplate  the answer part A with {@code {answer}}; null for the reference's
     */
    public record Options(Path model, TrainingData.MaskMode mask, long seed, int maxLength, boolean superviseAnswer,
                          String answerTemplate) {

        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(mask, "mask");
        }

        /** The selection as recorded, the reference's seed and length limit, answer supervised. */
        public static Options of(Path model) {
            TrainConfig d = TrainConfig.defaults();
            return new Options(model, TrainingData.MaskMode.SELECTIVE, d.seed(), d.maxLength(), true, null);
        }

        public Options withMask(TrainingData.MaskMode m) {
            return new Options(model, m, seed, maxLength, superviseAnswer, answerTemplate);
        }

        /** The train stage's view of the same masking (a bad seed or length refused with its one-line message). */
        FineTune.Options fineTune(Path in) {
            TrainConfig config;
            try {
                config = TrainConfig.defaults().withSeed(seed).withMaxLength(maxLength);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            return new FineTune.Options(model, in, null, config, mask, superviseAnswer, answerTemplate, false, "cpu");
        }
    }

    private ExportStage() {
    }

    /** Writes the masked examples of {@code in} to {@code out} (atomically); every trace left out is a {@link StageEvent.Skipped}. */
    public static TrainingData.Built run(Path in, Path out, Options options, StageListener listener) {
        if (!Files.isDirectory(options.model())) {
            throw new BadInputException("--model " + options.model() + ": no such folder");
        }
        FineTune.Options o = options.fineTune(in);
        TrainingData.Built data;
        try (Tokenizer tokenizer = Tokenizer.load(options.model())) {
            data = FineTune.data(o, tokenizer);
        }
        TrainingData.export(out, data.examples());
        data.skipped().forEach(s -> listener.on(new StageEvent.Skipped(NAME, s)));
        return data;
    }

    /** The per-record work with the model's tokenizer; see {@link #open(Options, Tokenizer)}. */
    public static RecordStage<TraceRecord, Optional<MaskedExample>> open(Options options, LoadedModel model) {
        return open(options, model.tokenizer());
    }

    /**
     * The per-record work: a record's example ({@link TrainingData#toJson} is its line), or empty for a trace with no
     * supervised token (the file run leaves it out and says so).
     */
    public static RecordStage<TraceRecord, Optional<MaskedExample>> open(Options options, Tokenizer tokenizer) {
        FineTune.Options o = options.fineTune(Path.of("records"));
        SequenceFormat format = FineTune.format(tokenizer, options.answerTemplate());
        TrainingData.Settings settings = FineTune.settings(o);
        return record -> TrainingData.mask(record.line(), tokenizer, format, settings).example();
    }
}

package dev.segattr.cli;

import dev.segattr.sft.ChatFormat;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import picocli.CommandLine.Option;

/**
 * How traces become masked training sequences: shared by {@code train} and {@code export}, and by segattr-spark's
 * {@code export}.
 */
public final class MaskOptions {

    @Option(names = "--mask", paramLabel = "MODE", converter = Converters.Mask.class, defaultValue = "selective",
            description = "which reasoning tokens carry loss: selective (the record's selected_segments or selected_tokens), "
                    + "full, random (random segments, as many tokens as the selection), top-tokens (largest |IG| tokens, as many) "
                    + "(default: ${DEFAULT-VALUE})")
    TrainingData.MaskMode mask;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the data order and of --mask random (default: ${DEFAULT-VALUE})")
    long seed = TrainConfig.defaults().seed();

    @Option(names = "--max-length", paramLabel = "T",
            description = "longer sequences keep their first T tokens (default: ${DEFAULT-VALUE})")
    int maxLength = TrainConfig.defaults().maxLength();

    @Option(names = "--no-answer-loss", description = "no loss on the answer part after the reasoning either")
    boolean noAnswerLoss;

    @Option(names = "--answer-template", paramLabel = "A",
            description = "the text after the reasoning, {answer} for the gold answer (default: \"" + ChatFormat.REFERENCE_ANSWER + "\")")
    String answerTemplate;

    public TrainingData.MaskMode mask() {
        return mask;
    }

    public long seed() {
        return seed;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Whether the answer part after the reasoning carries loss (it does unless --no-answer-loss). */
    public boolean answerLoss() {
        return !noAnswerLoss;
    }

    /** The text after the reasoning, or null for the reference's. */
    public String answerTemplate() {
        return answerTemplate;
    }
}

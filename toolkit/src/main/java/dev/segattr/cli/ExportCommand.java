package dev.segattr.cli;

import dev.segattr.BadInputException;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the masked training data for other trainers (TRL's SFTTrainer and kin): one JSON line per trace "
                + "with id, input_ids and labels (-100 where no loss), exactly the sequences segattr train would train on."})
final class ExportCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "the folder holding the tokenizer (tokenizer.json, tokenizer_config.json)")
    Path model;

    @Option(names = "--in", required = true, paramLabel = "H", description = "selected traces, JSON Lines (segattr select)")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "F", description = "masked data, JSON Lines")
    Path out;

    @Mixin
    MaskOptions mask;

    @Override
    public Integer call() {
        if (!Files.isDirectory(model)) {
            throw new BadInputException("--model " + model + ": no such folder");
        }
        TrainConfig config;
        try {
            config = TrainConfig.defaults().withSeed(mask.seed).withMaxLength(mask.maxLength);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        FineTune.Options options = new FineTune.Options(model, in, null, config, TrainingData.MaskMode.parse(mask.mask),
                !mask.noAnswerLoss, mask.answerTemplate, false, "cpu");
        TrainingData.Built data;
        try (Tokenizer tokenizer = Tokenizer.load(model)) {
            data = FineTune.data(options, tokenizer);
        }
        TrainingData.export(out, data.examples());
        data.skipped().forEach(s -> spec.commandLine().getErr().println("segattr export: skipped " + s));
        spec.commandLine().getOut().printf("%d examples, %d tokens, %d supervised (%.1f%% of the reasoning and answer)%n",
                data.examples().size(), data.tokens(), data.supervisedTokens(), 100 * data.supervisedFractionOfCompletion());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

package dev.segattr.cli;

import dev.segattr.sft.TrainingData;
import dev.segattr.stage.ExportStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Export",
        description = {"Write the masked training data for other trainers (TRL's SFTTrainer and kin): one JSON line per trace "
                + "with id, input_ids and labels (-100 where no loss), exactly the sequences segattr train would train on."})
final class ExportCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelIo io;

    @Mixin
    MaskOptions mask;

    @Override
    public Integer call() {
        var options = new ExportStage.Options(io.model(), mask.mask(), mask.seed(), mask.maxLength(), mask.answerLoss(),
                mask.answerTemplate());
        TrainingData.Built data = ExportStage.run(io.in(), io.out(), options, new StderrReport(spec.commandLine().getErr(), "export"));
        spec.commandLine().getOut().printf("%d examples, %d tokens, %d supervised (%.1f%% of the reasoning and answer)%n",
                data.examples().size(), data.tokens(), data.supervisedTokens(), 100 * data.supervisedFractionOfCompletion());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

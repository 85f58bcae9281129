package dev.segattr.cli;

import dev.segattr.study.EmbeddedDefault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "make-default", mixinStandardHelpOptions = true,
        description = {"Remake the embedded default: the synthetic benchmark (verbose fine-tuning traces, held-out test",
                "problems), a tokenizer trained on it, and the starting model: a tiny Qwen3 trained from scratch on other",
                "problems written concisely (phase 1), then on the same problems with a share written at length under an",
                "instruction to think at length (phase 2), then evaluated on the held-out problems. Seeded: the same files every time",
                "on the same machine. Resumable: a rerun continues the model's training from its last epoch."})
final class MakeDefaultCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "the data folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("data");

    @Option(names = "--work", paramLabel = "DIR", description = "intermediate files: pretraining corpus, checkpoints (default: ${DEFAULT-VALUE})")
    Path work = Path.of("runs/make-default");

    @Option(names = "--epochs", paramLabel = "N", description = "pretraining epochs (default: the standard setting)")
    Integer epochs;

    @Option(names = "--pretrain", paramLabel = "N", description = "concise pretraining traces (default: the standard setting)")
    Integer pretrain;

    @Option(names = "--evaluate", paramLabel = "N",
            description = "held-out problems the starting model is evaluated on for the record, 0 for all (default: the standard setting)")
    Integer evaluate;

    @Option(names = "--lr", paramLabel = "X", description = "pretraining learning rate (default: the standard setting)")
    Double lr;

    @Option(names = "--batch", paramLabel = "N", description = "pretraining batch size (default: the standard setting)")
    Integer batch;

    @Option(names = "--concise-model", paramLabel = "DIR",
            description = "skip phase 1 and start phase 2 from this model, made by phase 1 with the same settings (its hashes go into the record)")
    Path conciseModel;

    @Option(names = "--mixed-epochs", paramLabel = "N", description = "phase 2 epochs, 0 for none (default: the standard setting)")
    Integer mixedEpochs;

    @Option(names = "--at-length", paramLabel = "X", description = "phase 2's share of problems written at length (default: the standard setting)")
    Double atLength;

    @Option(names = "--mixed-lr", paramLabel = "X", description = "phase 2 learning rate (default: the standard setting)")
    Double mixedLr;

    @Option(names = "--tiny", description = "a very small version of everything (for tests)")
    boolean tiny;

    @Override
    public Integer call() {
        Threads.oneUnlessSet();
        EmbeddedDefault.Settings settings = tiny ? EmbeddedDefault.Settings.tiny() : EmbeddedDefault.Settings.standard();
        if (epochs != null) {
            settings = settings.withEpochs(epochs);
        }
        if (pretrain != null) {
            settings = settings.withPretrain(pretrain);
        }
        if (lr != null) {
            settings = settings.withLearningRate(lr);
        }
        if (batch != null) {
            settings = settings.withBatchSize(batch);
        }
        if (evaluate != null) {
            settings = settings.withEvaluate(evaluate);
        }
        settings = settings.withMixed(atLength != null ? atLength : settings.atLengthShare(),
                mixedEpochs != null ? mixedEpochs : settings.mixedEpochs(),
                mixedLr != null ? mixedLr : settings.mixedLearningRate());
        var err = spec.commandLine().getErr();
        EmbeddedDefault.make(settings, out, work, conciseModel, line -> {
            err.println("segattr make-default: " + line);
            err.flush();
        });
        return 0;
    }
}

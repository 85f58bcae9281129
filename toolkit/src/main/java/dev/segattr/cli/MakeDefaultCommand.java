package dev.segattr.cli;

import dev.segattr.study.EmbeddedDefault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "make-default", mixinStandardHelpOptions = true,
        description = {"Remake the embedded default: the synthetic benchmark (train/test), a tokenizer trained on it,",
                "and a tiny Qwen3 model trained from scratch on a pretraining split. Seeded: the same files every time",
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

    @Option(names = "--tiny", description = "a very small version of everything (for tests)")
    boolean tiny;

    @Override
    public Integer call() {
        Threads.oneUnlessSet();
        EmbeddedDefault.Settings settings = tiny ? EmbeddedDefault.Settings.tiny() : EmbeddedDefault.Settings.standard();
        if (epochs != null) {
            settings = settings.withEpochs(epochs);
        }
        var err = spec.commandLine().getErr();
        EmbeddedDefault.make(settings, out, work, line -> {
            err.println("segattr make-default: " + line);
            err.flush();
        });
        return 0;
    }
}

package dev.segattr.cli;

import dev.segattr.BadInputException;
import dev.segattr.study.Study;
import dev.segattr.study.StudyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "walkthrough", mixinStandardHelpOptions = true,
        description = {"The study on the embedded default (the synthetic benchmark and the tiny model in data/):",
                "attribution, selection, full / selective / random fine-tuning, evaluation, tables and charts.",
                "The same as `segattr run --config data/walkthrough.json` (or walkthrough-quick.json with --quick)."})
final class WalkthroughCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "RUNDIR", description = "the run folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs/walkthrough");

    @Option(names = "--data", paramLabel = "DIR", description = "the embedded default (default: ${DEFAULT-VALUE})")
    Path data = Path.of("data");

    @Option(names = "--quick", description = "a few traces, one epoch, short outputs: the pipeline in about three minutes")
    boolean quick;

    @Override
    public Integer call() {
        Threads.oneUnlessSet();
        Path config = data.resolve(quick ? "walkthrough-quick.json" : "walkthrough.json");
        if (!Files.isRegularFile(config)) {
            throw new BadInputException(config + ": no such file (run from the repository's top folder, or give --data)");
        }
        Study.run(StudyConfig.read(config), config.toAbsolutePath().getParent(), out, spec.commandLine().getErr());
        return 0;
    }
}

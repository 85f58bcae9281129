package dev.segattr.cli;

import dev.segattr.study.Study;
import dev.segattr.study.StudyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"The whole study: segment, attribute, select, fine-tune per method, evaluate, report.",
                "C is a study configuration (see data/walkthrough.json) or a run's record.json, which repeats that run.",
                "Every stage's output stays in RUNDIR; started again, a run continues where it stopped."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "C", description = "study configuration (JSON) or a run record")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "RUNDIR", description = "the run folder")
    Path out;

    @Override
    public Integer call() {
        StudyConfig study = StudyConfig.read(config);
        if (study.workers() > 1) {
            Threads.oneUnlessSet();     // the workers share the cores: one PyTorch thread each, as the walkthrough
        }
        Path base = config.toAbsolutePath().getParent();
        Study.run(study, base, out, spec.commandLine().getErr());
        return 0;
    }
}

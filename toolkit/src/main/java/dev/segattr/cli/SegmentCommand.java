package dev.segattr.cli;

import dev.segattr.stage.SegmentStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "segment", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Segment",
        description = {"Split each trace's reasoning into segments at transition phrases.",
                "Adds 'segments' (strings that concatenate to the reasoning) and 'segment_spans' ([start, end) char offsets)."})
final class SegmentCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    StageFiles files;

    @Option(names = "--keyword", paramLabel = "PHRASE",
            description = "split before this phrase (repeatable; \\n is a newline); default: the reference list")
    List<String> keywords;

    @Option(names = "--pattern", paramLabel = "REGEX", description = "split before every match of this regular expression")
    String pattern;

    @Option(names = "--skip-bad", description = "pass bad records over (listed on stderr) instead of stopping")
    boolean skipBad;

    @Override
    public Integer call() {
        SegmentStage.run(files.in, files.out, new SegmentStage.Options(keywords, pattern, skipBad), new StderrReport(spec.commandLine().getErr(), "segment"));
        return 0;
    }
}

package dev.segattr.cli;

import dev.segattr.select.SelectionPolicy;
import dev.segattr.stage.SelectStage;
import dev.segattr.stage.StageListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "select", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Select",
        description = {"Choose the segments to supervise from attributed traces (the output of segattr attribute).",
                "Adds strength, consistency and segment_status (per segment), selected_segments (sorted, segments 0, "
                        + "M-2, M-1 included), selection_policy, selected_token_ratio, and selected_tokens (per segment, "
                        + "indices within it) for the token-level policy; selection_note when the choice is degenerate.",
                "Comparison policies (random, perplexity, entropy, top-tokens) supervise as many tokens as the reference "
                        + "rule with the same tau and beta would, trace by trace."})
final class SelectCommand implements Callable<Integer> {

    @Mixin
    StageFiles files;

    @Option(names = "--policy", paramLabel = "NAME", converter = Converters.Policy.class,
            description = "reference, strength, random, perplexity, entropy, top-tokens or ablation (segment_ablation from segattr ablate) (default: ${DEFAULT-VALUE})")
    SelectStage.Policy policy = SelectStage.Policy.REFERENCE;

    @Option(names = "--tau", paramLabel = "T", description = "cumulative strength the top segments must reach (default: ${DEFAULT-VALUE})")
    double tau = SelectionPolicy.DEFAULT_TAU;

    @Option(names = "--beta", paramLabel = "B", description = "largest consistency kept (default: ${DEFAULT-VALUE})")
    double beta = SelectionPolicy.DEFAULT_BETA;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the random policy (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--table", paramLabel = "FILE", description = "also write the segment table, as CSV (or HTML when FILE ends in .html)")
    Path table;

    @Override
    public Integer call() {
        SelectStage.run(files.in, files.out, new SelectStage.Options(policy, tau, beta, seed, table), StageListener.NONE);
        return 0;
    }
}

package dev.segattr.cli;

import dev.segattr.BadInputException;
import dev.segattr.synth.ProblemKind;
import dev.segattr.synth.RoleMix;
import dev.segattr.synth.Style;
import dev.segattr.synth.Synth;
import dev.segattr.synth.SynthConfig;
import dev.segattr.synth.SynthTrace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Generate the synthetic long-reasoning benchmark: word problems with traces whose segments "
                + "carry ground-truth roles (essential, reflective, redundant, truncated).",
                "Records: id, split, kind, template, question, reasoning, answer, segments, segment_roles, segment_moves. "
                + "The same options and seed give the same bytes."})
final class SynthCommand implements Callable<Integer> {

    private static final SynthConfig DEFAULTS = SynthConfig.defaults();

    @Option(names = "--n", paramLabel = "N", description = "number of problems, train and test together (default: ${DEFAULT-VALUE})")
    int n = DEFAULTS.n();

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = DEFAULTS.seed();

    @Option(names = "--out", required = true, paramLabel = "F",
            description = "where to write the records (only the train split when --test-out is given)")
    Path out;

    @Option(names = "--test-out", paramLabel = "G", description = "write the test split here instead of into F")
    Path testOut;

    @Option(names = "--test-fraction", paramLabel = "X", description = "share of problems in the test split (default: ${DEFAULT-VALUE})")
    double testFraction = DEFAULTS.testFraction();

    @Option(names = "--min-segments", paramLabel = "K", description = "fewest segments per trace (default: ${DEFAULT-VALUE})")
    int minSegments = DEFAULTS.minSegments();

    @Option(names = "--max-segments", paramLabel = "K", description = "most segments per trace (default: ${DEFAULT-VALUE})")
    int maxSegments = DEFAULTS.maxSegments();

    @Option(names = "--mix", paramLabel = "ROLE=W",
            description = "weight of an optional role: reflective, redundant, truncated (repeatable; defaults 0.2, 0.45, 0.35)")
    Map<String, Double> mix;

    @Option(names = "--slip-rate", paramLabel = "P",
            description = "chance that a reflective segment right after a step fixes a slip in it (default: ${DEFAULT-VALUE})")
    double slipRate = DEFAULTS.slipRate();

    @Option(names = "--kinds", split = ",", paramLabel = "KIND",
            description = "problem kinds, comma-separated: shopping, ages, rates, sharing, savings (default: all)")
    List<String> kinds;

    @Option(names = "--style", paramLabel = "STYLE",
            description = "verbose (the fine-tuning traces, with every role) or concise (essential segments only, the "
                    + "starting model's style) (default: ${DEFAULT-VALUE})")
    String style = DEFAULTS.style().jsonName();

    @Override
    public Integer call() {
        if (testOut != null && testOut.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException("--test-out must differ from --out");
        }
        SynthConfig config = new SynthConfig(n, seed, testFraction, minSegments, maxSegments, roleMix(), slipRate, kindSet(), styleOption());
        List<SynthTrace> traces = Synth.generate(config);
        if (testOut == null) {
            Synth.write(traces, out);
        } else {
            Synth.write(traces.stream().filter(t -> t.split().equals(SynthTrace.TRAIN)).toList(), out);
            Synth.write(traces.stream().filter(t -> t.split().equals(SynthTrace.TEST)).toList(), testOut);
        }
        long test = traces.stream().filter(t -> t.split().equals(SynthTrace.TEST)).count();
        System.err.println("segattr synth: " + (traces.size() - test) + " train and " + test + " test records -> "
                + out + (testOut == null ? "" : ", " + testOut));
        return 0;
    }

    private RoleMix roleMix() {
        if (mix == null) {
            return DEFAULTS.mix();
        }
        try {
            return DEFAULTS.mix().with(mix);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--mix: " + e.getMessage());
        }
    }

    private Set<ProblemKind> kindSet() {
        if (kinds == null) {
            return DEFAULTS.kinds();
        }
        Set<ProblemKind> set = EnumSet.noneOf(ProblemKind.class);
        for (String k : kinds) {
            try {
                set.add(ProblemKind.parse(k));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--kinds: " + e.getMessage());
            }
        }
        return set;
    }

    private Style styleOption() {
        try {
            return Style.parse(style);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--style: " + e.getMessage());
        }
    }
}

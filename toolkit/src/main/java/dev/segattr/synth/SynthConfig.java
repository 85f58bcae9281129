package dev.segattr.synth;

import dev.segattr.BadInputException;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the synthetic benchmark.
 *
 * @param n            how many problems (train and test together); all distinct
 * @param seed         the seed: the same settings give the same records, byte for byte
 * @param testFraction the share of problems held out for testing ({@code round(n * testFraction)} of them)
 * @param minSegments  the fewest segments in a trace; a problem's essential segments (steps + 1) always fit
 * @param maxSegments  the most segments in a trace; templates with more steps than fit are not drawn
 * @param mix          weights of the optional roles
 * @param slipRate     the chance that a reflective segment right after a step fixes a slip in that step
 * @param kinds        the problem families to draw from, uniformly
 * @param style        verbose (the segment limits apply) or concise (the essential segments only)
 */
public record SynthConfig(int n, long seed, double testFraction, int minSegments, int maxSegments,
                          RoleMix mix, double slipRate, Set<ProblemKind> kinds, Style style) {

    /** 500 problems (400 train, 100 test), verbose traces of 8 to 12 segments, every kind. */
    public static SynthConfig defaults() {
        return new SynthConfig(500, 0, 0.2, 8, 12, RoleMix.DEFAULT, 0.3, EnumSet.allOf(ProblemKind.class), Style.VERBOSE);
    }

    public SynthConfig {
        if (n < 1) {
            throw new BadInputException("number of problems must be at least 1, got " + n);
        }
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new BadInputException("test fraction must be in [0, 1), got " + testFraction);
        }
        if (minSegments < 1) {
            throw new BadInputException("min segments must be at least 1, got " + minSegments);
        }
        if (maxSegments < minSegments) {
            throw new BadInputException("max segments (" + maxSegments + ") is below min segments (" + minSegments + ")");
        }
        int shortest = Templates.ALL.stream().mapToInt(t -> t.steps() + 1).min().orElseThrow();
        if (maxSegments < shortest) {
            throw new BadInputException("max segments must be at least " + shortest
                    + " (the shortest problem has " + (shortest - 1) + " steps and a summary), got " + maxSegments);
        }
        if (mix == null) {
            throw new BadInputException("role mix is missing");
        }
        if (!(slipRate >= 0 && slipRate <= 1)) {
            throw new BadInputException("slip rate must be in [0, 1], got " + slipRate);
        }
        if (kinds == null || kinds.isEmpty()) {
            throw new BadInputException("at least one problem kind is needed");
        }
        if (style == null) {
            throw new BadInputException("style is missing (concise or verbose)");
        }
        kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds)); // enum order: iteration is deterministic
    }

    public SynthConfig withN(int n) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    public SynthConfig withSeed(long seed) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    public SynthConfig withTestFraction(double testFraction) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    public SynthConfig withSegments(int minSegments, int maxSegments) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    public SynthConfig withMix(RoleMix mix) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    public SynthConfig withSlipRate(double slipRate) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    public SynthConfig withKinds(Set<ProblemKind> kinds) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    public SynthConfig withStyle(Style style) {
        return new SynthConfig(n, seed, testFraction, minSegments, maxSegments, mix, slipRate, kinds, style);
    }

    /** How many problems go to the test split. */
    public int testCount() {
        return (int) Math.round(n * testFraction);
    }

    /** The templates this configuration draws from, in a fixed order, per kind (a concise trace fits any). */
    List<Templates.Template> templates(ProblemKind kind) {
        return Templates.ALL.stream()
                .filter(t -> t.kind() == kind && (style == Style.CONCISE || t.steps() + 1 <= maxSegments)).toList();
    }
}

package dev.segattr.synth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * How often each optional role is drawn. The essential segments are fixed by the problem (one per step and
 * the summary); every other segment of a trace is reflective, redundant or truncated with these weights
 * (relative; they need not sum to 1).
 */
public record RoleMix(double reflective, double redundant, double truncated) {

    public static final RoleMix DEFAULT = new RoleMix(0.20, 0.45, 0.35);

    public RoleMix {
        check("reflective", reflective);
        check("redundant", redundant);
        check("truncated", truncated);
        if (reflective + redundant + truncated <= 0) {
            throw new IllegalArgumentException("role mix: at least one weight must be positive");
        }
    }

    private static void check(String name, double w) {
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("role mix: weight of " + name + " must be a finite number >= 0, got " + w);
        }
    }

    /** This mix with the named weights replaced ({@code reflective}, {@code redundant}, {@code truncated}). */
    public RoleMix with(Map<String, Double> weights) {
        double[] w = {reflective, redundant, truncated};
        weights.forEach((name, value) -> {
            Role role = Role.parse(name);
            switch (role) {
                case REFLECTIVE -> w[0] = value;
                case REDUNDANT -> w[1] = value;
                case TRUNCATED -> w[2] = value;
                case ESSENTIAL -> throw new IllegalArgumentException(
                        "role mix: essential segments are fixed by the problem (one per step and the summary), not drawn");
            }
        });
        return new RoleMix(w[0], w[1], w[2]);
    }

    /** The probability of each optional role. */
    public Map<Role, Double> probabilities() {
        double sum = reflective + redundant + truncated;
        Map<Role, Double> p = new LinkedHashMap<>();
        p.put(Role.REFLECTIVE, reflective / sum);
        p.put(Role.REDUNDANT, redundant / sum);
        p.put(Role.TRUNCATED, truncated / sum);
        return p;
    }

    Role draw(Random rng) {
        double u = rng.nextDouble() * (reflective + redundant + truncated);
        if (u < reflective) {
            return Role.REFLECTIVE;
        }
        return u < reflective + redundant || truncated == 0 ? Role.REDUNDANT : Role.TRUNCATED;
    }
}

package dev.segattr.spark;

import dev.segattr.BadInputException;
import dev.segattr.cli.SparkBridge;
import dev.segattr.select.Budget;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.trace.JsonLines;

/** {@code select}: the segments to supervise, the records {@code segattr select} writes (no model: cheap per record). */
final class SelectJob extends RecordJob {

    private final String policy;
    private final double tau;
    private final double beta;
    private final long seed;

    SelectJob(String policy, double tau, double beta, long seed) {
        this.policy = policy;
        this.tau = tau;
        this.beta = beta;
        this.seed = seed;
    }

    @Override
    String command() {
        return "select";
    }

    @Override
    void validate() {
        policy();
    }

    /** Its tokens' count: the attributions it reads. */
    @Override
    long length(JsonLines.Line line) {
        long n = 0;
        for (var seg : line.json().path("token_attributions")) {
            n += seg.size();
        }
        return Math.max(1, n);
    }

    @Override
    Work open(ModelCache.Loaded none) {
        SelectionPolicy chosen = policy();
        return line -> SparkBridge.select(line, chosen);
    }

    private SelectionPolicy policy() {
        try {
            SelectionPolicy reference = SelectionPolicy.reference(tau, beta);
            Budget matched = Budget.matching(reference);
            return switch (policy) {
                case "reference" -> reference;
                case "strength" -> SelectionPolicy.strength(tau);
                case "random" -> SelectionPolicy.random(matched, seed);
                case "perplexity" -> SelectionPolicy.perplexity(matched);
                case "entropy" -> SelectionPolicy.entropy(matched);
                case "top-tokens" -> SelectionPolicy.topTokens(matched);
                default -> throw new BadInputException("--policy must be reference, strength, random, perplexity, entropy or top-tokens, got '" + policy + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage().replace("tau ", "--tau ").replace("beta ", "--beta "));
        }
    }
}

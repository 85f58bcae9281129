package dev.segattr.spark;

import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.SelectStage;
import dev.segattr.trace.JsonLines;

/** {@code select}: the segments to supervise, through {@link SelectStage} (no model: cheap per record). */
final class SelectJob extends RecordJob {

    private final SelectStage.Policy policy;
    private final double tau;
    private final double beta;
    private final long seed;

    SelectJob(SelectStage.Policy policy, double tau, double beta, long seed) {
        this.policy = policy;
        this.tau = tau;
        this.beta = beta;
        this.seed = seed;
    }

    private SelectStage.Options options() {
        return new SelectStage.Options(policy, tau, beta, seed, null);
    }

    @Override
    String command() {
        return SelectStage.NAME;
    }

    @Override
    void validate() {
        options().selectionPolicy(); // bad tau or beta: the command line's message
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
    Work open(LoadedModel none) {
        return Work.of(SelectStage.open(options()));
    }
}

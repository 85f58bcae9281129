package dev.segattr.notebook;

import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PathPoints;
import dev.segattr.attribution.PointScheme;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.StageListener;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import dev.segattr.trace.Trace;
import dev.segattr.viz.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The attribution work behind the facade's one-liners: the attribute stage's per-record code, on a notebook's model. */
final class Attributions {

    private Attributions() {
    }

    /** The reference segmenter's split (with the known roles when the record's own segments are that split). */
    static Segments reference(Trace trace) {
        List<Segment> split = Segmenter.reference().split(trace.reasoning());
        List<String> recorded = trace.segmentsField();
        boolean same = recorded != null && recorded.equals(split.stream().map(Segment::text).toList());
        return new Segments(trace, split, same ? roles(trace, split.size()) : null);
    }

    /** The segments attribution uses: the record's when it has them, else the reference split. */
    static Segments of(Trace trace) {
        if (trace.segmentsField() == null) {
            return reference(trace);
        }
        List<Segment> segments = AttributeStage.segmentsOf(trace);
        return new Segments(trace, segments, roles(trace, segments.size()));
    }

    private static List<String> roles(Trace trace, int count) {
        var node = trace.field(Trace.SEGMENT_ROLES);
        if (node == null || !node.isArray() || node.size() != count) {
            return null;
        }
        List<String> roles = new ArrayList<>();
        node.forEach(r -> roles.add(r.asText()));
        return roles;
    }

    static Attribution attribute(Model model, Trace trace, IntegratedGradients.Options options) {
        Segments segments = of(trace);
        try (AttributeStage.Attributor stage = AttributeStage.open(options, model.loaded(), StageListener.NONE)) {
            return new Attribution(trace, segments, stage.attribute(trace));
        }
    }

    static List<Attribution> attribute(Model model, List<Trace> traces, IntegratedGradients.Options options) {
        List<Attribution> out = new ArrayList<>(traces.size());
        try (Progress p = Progress.start("attribute", traces.size())) {
            for (Trace t : traces) {
                Attribution a = attribute(model, t, options);
                out.add(a);
                p.note(String.format(Locale.ROOT, "%s: %d tokens, delta %.2g", t.id(), a.target().length(), a.delta()));
                p.step();
            }
        }
        return out;
    }

    static double[] targetAlongPath(Model model, Trace trace, IntegratedGradients.Options options, double... alphas) {
        AnswerTarget target = AnswerTarget.of(model.tokenizer(), AnswerTarget.promptOf(model.tokenizer()), trace, of(trace).segments());
        return new IntegratedGradients(model.embeddingModel(), options)
                .targetAlongPath(target.ids(), target.answerFrom(), target.answerTo(), alphas);
    }

    /** d/d alpha F at one point from autograd (one path point of weight 1) and from the five-point central difference. */
    static GradientCheck gradientCheck(Model model, Trace trace, IntegratedGradients.Options reference, double alpha, double h) {
        IntegratedGradients.Options one = reference.withPath(PathPoints.custom(new double[] {alpha}, new double[] {1.0}));
        double autograd = attribute(model, trace, one).result().sum();
        double[] f = targetAlongPath(model, trace, one, alpha - 2 * h, alpha - h, alpha + h, alpha + 2 * h);
        return new GradientCheck(alpha, h, autograd, (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h));
    }

    /** The convergence delta for each scheme at each number of points (a trapezoid needs 2 or more). */
    static Convergence convergence(Model model, Trace trace, IntegratedGradients.Options reference, int batch, int[] points, String... schemes) {
        List<Convergence.Run> runs = new ArrayList<>();
        try (Progress p = Progress.start("convergence", (long) points.length * schemes.length)) {
            for (String name : schemes) {
                PointScheme scheme = PointScheme.parse(name);
                for (int j : points) {
                    if (j >= (scheme == PointScheme.TRAPEZOID ? 2 : 1)) {
                        TokenAttribution r = attribute(model, trace, reference.withPoints(scheme, j).withBatch(Math.min(j, batch))).result();
                        runs.add(new Convergence.Run(scheme.label(), j, r.targetLogprob(), r.baselineLogprob(), r.convergenceDelta(), r.seconds()));
                        p.note(scheme.label() + " " + j + ": delta " + String.format(Locale.ROOT, "%.2g", r.convergenceDelta()));
                    }
                    p.step();
                }
            }
        }
        return new Convergence(trace.id(), runs);
    }
}

package dev.segattr.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.segattr.model.ThreadGradients;

import java.util.Arrays;
import java.util.Locale;

/**
 * Integrated gradients over the input embeddings of a causal language model, in the spirit of Captum's
 * {@code IntegratedGradients}: configure once with the model, then {@link #attribute} a sequence.
 *
 * <pre>{@code
 * var ig = new IntegratedGradients(model, IntegratedGradients.Options.reference(Baseline.pad(tokenizer.padId())).withBatch(10));
 * TokenAttribution a = ig.attribute(ids, answerFrom, answerTo);
 * a.attributions();      // one per token
 * a.convergenceDelta();  // sum a - (F(x) - F(x'))
 * }</pre>
 *
 * <p>The target F is the sum of log p(ids[p] | ids[&lt;p]) over the answer positions p in [from, to) (teacher
 * forced: the logits at p - 1 score the token at p). With x the embeddings of the whole sequence and x' the
 * baseline's, the attribution of token i is
 * {@code a_i = sum_h (x - x')_ih * sum_j w_j dF/dx_ih(x' + alpha_j (x - x'))} for the {@link PathPoints}
 * (alpha_j, w_j). The reference recipe is {@code Options.reference(...)}: 50 points linspace(0, 1, 50), weights
 * 1/50 (the average of the gradients), pad baseline.
 *
 * <p>How it is computed:
 * <ul>
 *   <li>The J path points go through the model K at a time ({@link Options#batch()}): each pass stacks K
 *       interpolated copies of the sequence into a fresh (K, T, H) array that requires a gradient, runs forward
 *       and backward once, and adds the K weighted gradients into one float32 (T, H) sum. A fresh array per
 *       pass matters: DJL's GradientCollector does not zero gradients.</li>
 *   <li>Weights are frozen: this class never marks a model parameter as requiring a gradient, so backward
 *       computes gradients for the embeddings only (no parameter gradient memory, no accumulation).</li>
 *   <li>Everything is float32: the path, the model, the log-softmax of the answer logits and the sums. A float16
 *       model is refused, because DJL 0.36 cannot differentiate through a dtype cast ({@code toType} cuts the
 *       graph), and the casts a float16 decoder makes around its float32 norms would silently drop most of the
 *       gradient.</li>
 * </ul>
 *
 * <p>Memory grows with K x T, not with J: a pass holds the activations of K rows of T tokens for backward
 * (per layer roughly a few times H plus the MLP width per token, and the attention scores, K x heads x T x T
 * without a fused kernel), plus the logits of the answer positions (K x answer x V, or K x T x V when the
 * model cannot compute logits for some positions only). Size K by measuring one pass at K = 1 for the longest
 * trace ({@code segattr bench} or the process' peak memory) and take K = (free memory - model) / that. K does
 * not change the result (up to float rounding): the J points are the same, only grouped.
 *
 * <p>One instance is not for concurrent use: DJL allows one gradient collector per thread, and the model's
 * native memory is shared.
 */
public final class IntegratedGradients {

    /** |delta| above this share of |F(x) - F(x')| (plus {@link #DELTA_FLOOR}) marks a trace {@link AttributionStatus#LARGE_DELTA}. */
    public static final double DEFAULT_DELTA_TOLERANCE = 0.1;
    /** Absolute slack on the delta check, in nats: float32 sums of many attributions are not exact. */
    public static final double DELTA_FLOOR = 1e-4;

    /** {@link Options#batch()} value that lets {@link PointsPerPass} choose K for each sequence ({@code --batch auto}). */
    public static final int AUTO_BATCH = 0;

    /**
     * @param path           the path points and weights
     * @param batch          K, path points per forward+backward pass, or {@link #AUTO_BATCH}
     * @param baseline       the path's start
     * @param deltaTolerance see {@link #DEFAULT_DELTA_TOLERANCE}
     */
    public record Options(PathPoints path, int batch, Baseline baseline, double deltaTolerance) {

        public Options {
            if (batch < 0) {
                throw new IllegalArgumentException("batch must be at least 1 (or AUTO_BATCH), got " + batch);
            }
            if (!(deltaTolerance >= 0)) {
                throw new IllegalArgumentException("delta tolerance must be >= 0, got " + deltaTolerance);
            }
        }

        /** The reference recipe: 50 points linspace(0, 1, 50) averaged, one point per pass (as the reference code). */
        public static Options reference(Baseline baseline) {
            return new Options(PathPoints.of(PointScheme.REFERENCE, 50), 1, baseline, DEFAULT_DELTA_TOLERANCE);
        }

        public Options withPoints(PointScheme scheme, int steps) {
            return new Options(PathPoints.of(scheme, steps), batch, baseline, deltaTolerance);
        }

        public Options withPath(PathPoints points) {
            return new Options(points, batch, baseline, deltaTolerance);
        }

        /** K chosen per sequence by {@link PointsPerPass}. */
        public Options withAutoBatch() {
            return withBatch(AUTO_BATCH);
        }

        public boolean autoBatch() {
            return batch == AUTO_BATCH;
        }

        public Options withBatch(int k) {
            return new Options(path, k, baseline, deltaTolerance);
        }

        public Options withBaseline(Baseline b) {
            return new Options(path, batch, b, deltaTolerance);
        }

        public Options withDeltaTolerance(double tolerance) {
            return new Options(path, batch, baseline, tolerance);
        }
    }

    private final EmbeddingModel model;
    private final Options options;

    public IntegratedGradients(EmbeddingModel model, Options options) {
        this.model = java.util.Objects.requireNonNull(model, "model");
        this.options = java.util.Objects.requireNonNull(options, "options");
        if (model.dataType() != DataType.FLOAT32) {
            // DJL 0.36's toType is not differentiable: every cast inside the model (float32 norms and softmax of a
            // float16 model) would cut the gradient, and the attributions would be silently wrong.
            throw new IllegalArgumentException("integrated gradients needs a float32 model, got " + model.dataType()
                    + ": DJL cannot differentiate through dtype casts");
        }
    }

    public Options options() {
        return options;
    }

    /** Attributes F = sum of log p over the tokens [from, to) of {@code ids} to every token of {@code ids}. */
    public TokenAttribution attribute(long[] ids, int from, int to) {
        long start = System.nanoTime();
        checkRange(ids, from, to);
        int length = ids.length;
        int k = pointsPerPass(length);
        if (from == to) {
            return new TokenAttribution(new double[length], 0, 0, 0, AttributionStatus.EMPTY_ANSWER,
                    "no answer token to score: F is an empty sum", settings(), seconds(start), k);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = model.embed(scope.create(ids, new Shape(1, length))).toType(DataType.FLOAT32, false); // (1, T, H)
            long hidden = x.getShape().get(2);
            NDArray base = options.baseline().embeddings(model, scope, length, hidden);                   // (1, T, H)
            NDArray diff = x.sub(base);                                                                     // (1, T, H)
            NDArray answer = scope.create(Arrays.copyOfRange(ids, from, to), new Shape(1, to - from, 1));
            PathPoints path = options.path();
            double fx;
            double fb;
            if (path.scheme() == PointScheme.ADAPTIVE) {
                // F along the path, forward only; its ends are F(x') and F(x), which the delta needs anyway.
                double[] probe = PathPoints.of(PointScheme.TRAPEZOID, PathPoints.PROBE_INTERVALS + 1).alphas();
                double[] f = along(scope, base, diff, answer, from, to, probe, k);
                path = PathPoints.adaptive(probe, f, path.size());
                fb = f[0];
                fx = f[f.length - 1];
            } else {
                fx = targets(scope, x, answer, from, to)[0];
                fb = targets(scope, base, answer, from, to)[0];
            }
            NDArray gradSum = integratedGradient(scope, base, diff, answer, from, to, path, k);            // (T, H)
            float[] a = diff.squeeze(0).mul(gradSum).sum(new int[] {1}).toFloatArray();                   // (T)
            return judge(toDouble(a), fx, fb, start, k);
        }
    }

    /** F at points of the path from the baseline to the input (no gradient); F(x' + alpha (x - x')). */
    public double[] targetAlongPath(long[] ids, int from, int to, double... alphas) {
        checkRange(ids, from, to);
        int length = ids.length;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = model.embed(scope.create(ids, new Shape(1, length))).toType(DataType.FLOAT32, false);
            NDArray base = options.baseline().embeddings(model, scope, length, x.getShape().get(2));
            NDArray diff = x.sub(base);
            NDArray answer = scope.create(Arrays.copyOfRange(ids, from, to), new Shape(1, to - from, 1));
            return along(scope, base, diff, answer, from, to, alphas, pointsPerPass(length));
        }
    }

    /** F(x' + alpha (x - x')) for each alpha, {@code perPass} points per forward-only pass. */
    private double[] along(NDManager scope, NDArray base, NDArray diff, NDArray answer, int from, int to,
                           double[] alphas, int perPass) {
        double[] out = new double[alphas.length];
        for (int c = 0; c < alphas.length; c += perPass) {
            int k = Math.min(perPass, alphas.length - c);
            try (NDManager pass = scope.newSubManager()) {
                NDArray points = pass.create(toFloat(alphas, c, k), new Shape(k, 1, 1)).mul(diff).add(base);
                System.arraycopy(targets(pass, points, answer, from, to), 0, out, c, k);
            }
        }
        return out;
    }

    /** sum_j w_j dF/dx at the path points, (T, H) float32, owned by {@code scope}. */
    private NDArray integratedGradient(NDManager scope, NDArray base, NDArray diff, NDArray answer, int from, int to,
                                       PathPoints path, int perPass) {
        double[] alphas = path.alphas();
        double[] weights = path.weights();
        Shape shape = diff.getShape();
        NDArray gradSum = scope.zeros(new Shape(shape.get(1), shape.get(2)), DataType.FLOAT32);
        for (int c = 0; c < alphas.length; c += perPass) {
            int k = Math.min(perPass, alphas.length - c);
            try (NDManager pass = scope.newSubManager()) {
                // A fresh leaf for every pass: (k, T, H) = x' + alpha (x - x'). The pass-owned array comes first so
                // that the results belong to the pass and are freed with it.
                NDArray points = pass.create(toFloat(alphas, c, k), new Shape(k, 1, 1)).mul(diff).add(base);
                points.setRequiresGradient(true);
                try (GradientCollector collector = new ThreadGradients()) {
                    NDArray f = target(points, answer, from, to); // (k): the rows are independent
                    collector.backward(f.sum());
                }
                try (NDArray gradient = points.getGradient()) {
                    NDArray w = pass.create(toFloat(weights, c, k), new Shape(k, 1, 1));
                    gradSum.addi(w.mul(gradient.toType(DataType.FLOAT32, false)).sum(new int[] {0}));
                }
            }
        }
        return gradSum;
    }

    /** F of each row of (k, T, H) float32 embeddings, as a (k) float32 array in the embeddings' manager. */
    private NDArray target(NDArray embeddings, NDArray answer, int from, int to) {
        NDArray logits = model.logits(embeddings, from - 1, to - 1);                                // (k, n, V)
        NDArray logp = logits.toType(DataType.FLOAT32, false).logSoftmax(2);
        long k = embeddings.getShape().get(0);
        NDArray picked = logp.gather(answer.repeat(0, k), 2);                                       // (k, n, 1)
        return picked.sum(new int[] {1, 2});
    }

    private double[] targets(NDManager manager, NDArray embeddings, NDArray answer, int from, int to) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray e = embeddings.duplicate();
            e.attach(pass);
            return toDouble(target(e, answer, from, to).toFloatArray());
        }
    }

    private TokenAttribution judge(double[] a, double fx, double fb, long start, int perPass) {
        double sum = 0;
        int nonFinite = 0;
        boolean allZero = true;
        for (double v : a) {
            if (!Double.isFinite(v)) {
                nonFinite++;
            } else {
                sum += v;
                allZero &= v == 0;
            }
        }
        double delta = sum - (fx - fb);
        AttributionStatus status = AttributionStatus.OK;
        String reason = "";
        if (!Double.isFinite(fx) || !Double.isFinite(fb)) {
            status = AttributionStatus.NON_FINITE;
            reason = "F(x) = " + fx + ", F(baseline) = " + fb;
            delta = Double.NaN;
        } else if (nonFinite > 0) {
            status = AttributionStatus.NON_FINITE;
            reason = "the attributions of " + nonFinite + " of " + a.length + " tokens are NaN or infinite";
            delta = Double.NaN;
        } else if (allZero) {
            status = AttributionStatus.ZERO_ATTRIBUTION;
            reason = "every attribution is 0 (does the baseline equal the input?)";
        } else if (Math.abs(delta) > options.deltaTolerance() * Math.abs(fx - fb) + DELTA_FLOOR) {
            status = AttributionStatus.LARGE_DELTA;
            reason = String.format(Locale.ROOT, "|delta| %.4g exceeds %.3g x |F(x) - F(x')| = %.4g",
                    Math.abs(delta), options.deltaTolerance(), Math.abs(fx - fb));
        }
        return new TokenAttribution(a, fx, fb, delta, status, reason, settings(), seconds(start), perPass);
    }

    /**
     * What produced the attributions, for records: "reference(50), pad, batch 10, float32" ("batch auto" when K is
     * chosen per sequence; {@link TokenAttribution#pointsPerPass()} then says which).
     */
    public String settings() {
        return options.path() + ", " + options.baseline().describe() + ", batch "
                + (options.autoBatch() ? "auto" : String.valueOf(options.batch()))
                + ", " + model.dataType().toString().toLowerCase(Locale.ROOT);
    }

    /** K for a sequence of {@code length} tokens: the option's, or {@link PointsPerPass}' choice. */
    public int pointsPerPass(int length) {
        return options.autoBatch() ? PointsPerPass.choose(model, length, options.path().size())
                : options.batch();
    }

    private static void checkRange(long[] ids, int from, int to) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty sequence");
        }
        if (from < 1 || to < from || to > ids.length) {
            throw new IllegalArgumentException("answer tokens [" + from + ", " + to + ") must lie in [1, " + ids.length
                    + "]: the first token has nothing before it to predict it");
        }
    }

    private static float[] toFloat(double[] v, int from, int count) {
        float[] f = new float[count];
        for (int i = 0; i < count; i++) {
            f[i] = (float) v[from + i];
        }
        return f;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

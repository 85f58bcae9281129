package dev.segattr.attribution;

import java.util.Arrays;

/**
 * The quadrature of the path integral: points alpha_j in [0, 1] and weights w_j (summing to 1), so that
 * integral_0^1 g(alpha) d alpha ~ sum_j w_j g(alpha_j).
 *
 * @param alphas the points, ascending
 * @param weights one per point
 * @param scheme how they were made (null for hand-given points)
 */
public record PathPoints(double[] alphas, double[] weights, PointScheme scheme) {

    /** Intervals of the forward-only probe of F that places {@link PointScheme#ADAPTIVE} points. */
    public static final int PROBE_INTERVALS = 8;
    /** Share of an adaptive panel's "change" that is length rather than |dF|: flat stretches still get points. */
    static final double LENGTH_SHARE = 0.3;

    public PathPoints {
        if (alphas.length == 0 || alphas.length != weights.length) {
            throw new IllegalArgumentException("need as many weights as points, and at least one point");
        }
        for (int j = 0; j < alphas.length; j++) {
            if (!(alphas[j] >= 0 && alphas[j] <= 1) || !Double.isFinite(weights[j])) {
                throw new IllegalArgumentException("point " + j + ": alpha " + alphas[j] + " weight " + weights[j]);
            }
        }
        alphas = alphas.clone();
        weights = weights.clone();
    }

    /**
     * J points of a scheme. For {@link PointScheme#ADAPTIVE} these stand for the J points that
     * {@link #adaptive(double[], double[], int)} places for each sequence (until then they are Gauss-Legendre's).
     */
    public static PathPoints of(PointScheme scheme, int steps) {
        int least = scheme == PointScheme.TRAPEZOID || scheme == PointScheme.ADAPTIVE ? 2 : 1;
        if (steps < least) {
            throw new IllegalArgumentException(scheme.label() + " needs at least " + least + " steps, got " + steps);
        }
        double[] a = new double[steps];
        double[] w = new double[steps];
        switch (scheme) {
            case REFERENCE -> {
                linspace(a);
                Arrays.fill(w, 1.0 / steps);
            }
            case TRAPEZOID -> {
                linspace(a);
                Arrays.fill(w, 1.0 / (steps - 1));
                w[0] /= 2;
                w[steps - 1] /= 2;
            }
            case GAUSS_LEGENDRE, ADAPTIVE -> gaussLegendre(a, w);
        }
        return new PathPoints(a, w, scheme);
    }

    /**
     * J points placed where F changes, from F probed at ascending {@code probe} alphas (0 first, 1 last): the path is
     * cut into panels that each hold an equal share of the "change" (on each probe interval a density
     * (1 - {@value #LENGTH_SHARE}) |dF| / sum |dF| + {@value #LENGTH_SHARE} x length, the cuts where its running sum
     * reaches k / panels), and each panel gets Gauss-Legendre points scaled to it. The weights sum to the panels'
     * lengths, 1: a composite Gauss-Legendre rule on a graded mesh, so sum_j w_j g(alpha_j) still approximates the
     * integral of g over [0, 1] for every g, and completeness holds. A flat F gives evenly sized panels.
     */
    public static PathPoints adaptive(double[] probe, double[] f, int steps) {
        int m = probe.length - 1;
        if (m < 1 || f.length != probe.length || probe[0] != 0 || probe[m] != 1 || steps < 2) {
            throw new IllegalArgumentException("adaptive points need F at probe points from 0 to 1 and J >= 2");
        }
        double change = 0;
        for (int i = 0; i < m; i++) {
            change += Double.isFinite(f[i + 1] - f[i]) ? Math.abs(f[i + 1] - f[i]) : 0;
        }
        double[] mass = new double[m];                                        // per probe interval, summing to 1
        for (int i = 0; i < m; i++) {
            double df = Double.isFinite(f[i + 1] - f[i]) ? Math.abs(f[i + 1] - f[i]) : 0;
            double length = probe[i + 1] - probe[i];
            mass[i] = change > 0 ? (1 - LENGTH_SHARE) * df / change + LENGTH_SHARE * length : length;
        }
        int panels = steps / 2;                                              // 2 points each, one panel of 3 if J is odd
        double[] cuts = new double[panels + 1];
        cuts[panels] = 1;
        int interval = 0;
        double before = 0;                                                   // mass of the intervals before `interval`
        for (int k = 1; k < panels; k++) {
            double target = (double) k / panels;
            while (interval < m - 1 && before + mass[interval] < target) {
                before += mass[interval++];
            }
            double within = mass[interval] > 0 ? (target - before) / mass[interval] : 0;
            cuts[k] = probe[interval] + Math.min(1, Math.max(0, within)) * (probe[interval + 1] - probe[interval]);
        }
        PathPoints two = of(PointScheme.GAUSS_LEGENDRE, 2);
        PathPoints three = of(PointScheme.GAUSS_LEGENDRE, 3);
        int widest = 0;                                                      // the odd point goes to the widest panel
        for (int k = 1; k < panels; k++) {
            widest = cuts[k + 1] - cuts[k] > cuts[widest + 1] - cuts[widest] ? k : widest;
        }
        double[] a = new double[steps];
        double[] w = new double[steps];
        int j = 0;
        for (int k = 0; k < panels; k++) {
            PathPoints rule = steps % 2 == 1 && k == widest ? three : two;
            double width = cuts[k + 1] - cuts[k];
            for (int i = 0; i < rule.alphas.length; i++) {
                a[j] = cuts[k] + width * rule.alphas[i];
                w[j++] = width * rule.weights[i];
            }
        }
        return new PathPoints(a, w, PointScheme.ADAPTIVE);
    }

    /** Points and weights given by hand (a single point with weight 1 gives the path's derivative there). */
    public static PathPoints custom(double[] alphas, double[] weights) {
        return new PathPoints(alphas, weights, null);
    }

    public int size() {
        return alphas.length;
    }

    @Override
    public double[] alphas() {
        return alphas.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** numpy.linspace(0, 1, n): both ends included; a single point is 0, as numpy gives. */
    private static void linspace(double[] a) {
        int n = a.length;
        for (int j = 0; j < n; j++) {
            a[j] = n == 1 ? 0 : (double) j / (n - 1);
        }
        if (n > 1) {
            a[n - 1] = 1; // exact end
        }
    }

    /**
     * Nodes: roots of the Legendre polynomial P_n by Newton's method from Chebyshev guesses; weights
     * 2 / ((1 - x^2) P_n'(x)^2). Then mapped from [-1, 1] to [0, 1] (weights halved, summing to 1).
     */
    private static void gaussLegendre(double[] a, double[] w) {
        int n = a.length;
        for (int i = 0; i < (n + 1) / 2; i++) {
            double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double p0 = 1;
                double p1 = x;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                derivative = n * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / derivative;
                x -= dx;
                if (Math.abs(dx) < 1e-16) {
                    break;
                }
            }
            double weight = 2 / ((1 - x * x) * derivative * derivative);
            // x > 0 is the upper root; its mirror -x the lower. alpha = (1 + x) / 2.
            a[n - 1 - i] = (1 + x) / 2;
            a[i] = (1 - x) / 2;
            w[n - 1 - i] = weight / 2;
            w[i] = weight / 2;
        }
    }

    @Override
    public String toString() {
        return (scheme == null ? "custom" : scheme.label()) + "(" + alphas.length + ")";
    }
}

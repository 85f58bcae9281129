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

    /** J points of a scheme. */
    public static PathPoints of(PointScheme scheme, int steps) {
        if (steps < 1 || scheme == PointScheme.TRAPEZOID && steps < 2) {
            throw new IllegalArgumentException(scheme.label() + " needs at least " + (scheme == PointScheme.TRAPEZOID ? 2 : 1) + " steps, got " + steps);
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
            case GAUSS_LEGENDRE -> gaussLegendre(a, w);
        }
        return new PathPoints(a, w, scheme);
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

package dev.segattr.attribution;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PathPointsTest {

    static double integrate(PathPoints p, java.util.function.DoubleUnaryOperator g) {
        double s = 0;
        for (int j = 0; j < p.size(); j++) {
            s += p.weights()[j] * g.applyAsDouble(p.alphas()[j]);
        }
        return s;
    }

    /** A steep path as the embedded model's: F rises from 0 to 1 between alpha 0.3 and 0.7. */
    static double steep(double a) {
        return 1 / (1 + Math.exp(-(a - 0.5) * 20));
    }

    @Test
    void adaptivePointsAreAQuadratureOfTheWholePathPlacedWhereFChanges() {
        double[] probe = PathPoints.of(PointScheme.TRAPEZOID, PathPoints.PROBE_INTERVALS + 1).alphas(); // 0, 1/8, ..., 1
        double[] f = java.util.Arrays.stream(probe).map(PathPointsTest::steep).toArray();
        for (int j : new int[] {2, 7, 16}) {
            PathPoints p = PathPoints.adaptive(probe, f, j);
            assertEquals(j, p.size());
            assertEquals(PointScheme.ADAPTIVE, p.scheme());
            // Composite 2-point Gauss-Legendre (one 3-point panel when J is odd) is exact for cubics on any mesh:
            // int_0^1 a^3 = 1/4, whatever the panels.
            assertEquals(1.0, integrate(p, a -> 1), 1e-12, "weights sum to 1, J=" + j);
            assertEquals(0.25, integrate(p, a -> a * a * a), 1e-12, "J=" + j);
        }
        // 16 points: the steep middle [0.3, 0.7] (40% of the path) gets most of them
        PathPoints p = PathPoints.adaptive(probe, f, 16);
        long middle = java.util.Arrays.stream(p.alphas()).filter(a -> a > 0.3 && a < 0.7).count();
        assertEquals(true, middle >= 10, "points in the steep middle: " + middle);
        // and integrates F's derivative better than 16 Gauss-Legendre points there: F(1) - F(0) by completeness
        java.util.function.DoubleUnaryOperator dF = a -> 20 * steep(a) * (1 - steep(a));
        double exact = steep(1) - steep(0);
        double adaptiveError = Math.abs(integrate(p, dF) - exact);
        double reference50 = Math.abs(integrate(PathPoints.of(PointScheme.REFERENCE, 50), dF) - exact);
        assertEquals(true, adaptiveError < reference50, adaptiveError + " vs " + reference50);
        // a flat F: evenly sized panels, as composite Gauss-Legendre on a uniform mesh
        PathPoints flat = PathPoints.adaptive(probe, new double[probe.length], 4);
        assertArrayEquals(new double[] {0.25 * (0.5 - Math.sqrt(3) / 6) * 2, 0.25 * (0.5 + Math.sqrt(3) / 6) * 2,
                0.5 + 0.5 * (0.5 - Math.sqrt(3) / 6), 0.5 + 0.5 * (0.5 + Math.sqrt(3) / 6)}, flat.alphas(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> PathPoints.of(PointScheme.ADAPTIVE, 1));
    }

    @Test
    void referenceIsNumpyLinspaceWithEqualWeights() {
        PathPoints p = PathPoints.of(PointScheme.REFERENCE, 5);
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, p.alphas(), 0);
        assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, p.weights(), 0);
        assertArrayEquals(new double[] {0}, PathPoints.of(PointScheme.REFERENCE, 1).alphas(), 0);
    }

    @Test
    void trapezoidHalvesTheEnds() {
        PathPoints p = PathPoints.of(PointScheme.TRAPEZOID, 3);
        assertArrayEquals(new double[] {0, 0.5, 1}, p.alphas(), 0);
        assertArrayEquals(new double[] {0.25, 0.5, 0.25}, p.weights(), 0);
        assertThrows(IllegalArgumentException.class, () -> PathPoints.of(PointScheme.TRAPEZOID, 1));
    }

    @Test
    void gaussLegendreIsExactForPolynomialsOfDegreeTwoJMinusOne() {
        for (int j = 1; j <= 60; j++) {
            PathPoints p = PathPoints.of(PointScheme.GAUSS_LEGENDRE, j);
            assertEquals(1.0, integrate(p, a -> 1), 1e-13, "weights sum to 1 at J=" + j);
            int degree = 2 * j - 1;
            assertEquals(1.0 / (degree + 1), integrate(p, a -> Math.pow(a, degree)), 1e-12, "degree " + degree);
            for (int k = 1; k < j; k++) {
                assertEquals(true, p.alphas()[k] > p.alphas()[k - 1], "ascending");
            }
        }
        PathPoints two = PathPoints.of(PointScheme.GAUSS_LEGENDRE, 2);
        assertArrayEquals(new double[] {0.5 - 0.5 / Math.sqrt(3), 0.5 + 0.5 / Math.sqrt(3)}, two.alphas(), 1e-15);
        assertArrayEquals(new double[] {0.5}, PathPoints.of(PointScheme.GAUSS_LEGENDRE, 1).alphas(), 0);
    }

    @Test
    void smoothIntegrandErrorsOrderAsExpected() {
        java.util.function.DoubleUnaryOperator g = Math::exp;
        double exact = Math.E - 1;
        double ref = Math.abs(integrate(PathPoints.of(PointScheme.REFERENCE, 10), g) - exact);
        double trap = Math.abs(integrate(PathPoints.of(PointScheme.TRAPEZOID, 10), g) - exact);
        double gl = Math.abs(integrate(PathPoints.of(PointScheme.GAUSS_LEGENDRE, 10), g) - exact);
        assertEquals(true, gl < trap && trap < ref, gl + " " + trap + " " + ref);
    }

    @Test
    void parsesCommandLineNames() {
        assertEquals(PointScheme.GAUSS_LEGENDRE, PointScheme.parse("gauss-legendre"));
        assertEquals(PointScheme.GAUSS_LEGENDRE, PointScheme.parse("GAUSS_LEGENDRE"));
        assertThrows(IllegalArgumentException.class, () -> PointScheme.parse("simpson"));
    }
}

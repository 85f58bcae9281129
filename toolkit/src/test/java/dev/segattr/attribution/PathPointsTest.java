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

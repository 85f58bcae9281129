package dev.segattr.attribution;

import java.util.Locale;

/** Where on the straight path from baseline to input the gradients are taken, and how they are weighted. */
public enum PointScheme {
    /**
     * The reference code: alpha = linspace(0, 1, J), both ends included, every gradient weighted 1/J (the
     * gradients are averaged). A Riemann sum that puts half a step too much weight on each end.
     */
    REFERENCE("reference"),
    /** alpha = linspace(0, 1, J) with the trapezoid rule's weights: 1/(2(J-1)) at the ends, 1/(J-1) inside. J >= 2. */
    TRAPEZOID("trapezoid"),
    /** Gauss-Legendre nodes and weights mapped to [0, 1]: exact for polynomials of degree up to 2J - 1. */
    GAUSS_LEGENDRE("gauss-legendre"),
    /**
     * Placed per sequence where F changes: a forward-only probe of F at {@value PathPoints#PROBE_INTERVALS} + 1
     * evenly spaced points, then J/2 panels of equal "change" (|dF| mixed with length) with 2 Gauss-Legendre points
     * each (3 in one panel when J is odd). Still a quadrature of the whole path: the weights are the panels' lengths
     * times Gauss-Legendre's, summing to 1, so completeness holds. J >= 2.
     */
    ADAPTIVE("adaptive");

    private final String label;

    PointScheme(String label) {
        this.label = label;
    }

    /** The name used on the command line and in records. */
    public String label() {
        return label;
    }

    /** Parses {@code reference}, {@code trapezoid}, {@code gauss-legendre} or {@code adaptive} (case and _ / - do not matter). */
    public static PointScheme parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (PointScheme s : values()) {
            if (s.label.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown point scheme '" + name + "' (reference, trapezoid, gauss-legendre, adaptive)");
    }
}

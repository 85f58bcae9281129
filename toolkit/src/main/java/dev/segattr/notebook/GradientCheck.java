package dev.segattr.notebook;

import java.util.Locale;

/**
 * The derivative of the answer's log-probability along the integration path at one point, two ways: by autograd
 * (what integrated gradients sums) and by a five-point central finite difference. They agree to about 1e-3 when the
 * gradients are right (F is computed in float32; its rounding, divided by the step, limits the difference).
 *
 * @param alpha            the point of the path (0 = baseline, 1 = input)
 * @param step             h of the difference (F(a - 2h) - 8 F(a - h) + 8 F(a + h) - F(a + 2h)) / 12h
 * @param autograd         d/d alpha F(x' + alpha (x - x')) = sum_i (x - x')_i . grad F at the point
 * @param finiteDifference the five-point central difference
 */
public record GradientCheck(double alpha, double step, double autograd, double finiteDifference) {

    /** |autograd - finite difference| / max(|finite difference|, 1e-12). */
    public double relativeError() {
        return Math.abs(autograd - finiteDifference) / Math.max(Math.abs(finiteDifference), 1e-12);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "at alpha = %.3f: autograd dF/dalpha = %.6f, finite difference (h = %.0e) = %.6f, relative error %.2e",
                alpha, autograd, step, finiteDifference, relativeError());
    }
}

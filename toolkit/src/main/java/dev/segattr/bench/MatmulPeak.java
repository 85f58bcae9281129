package dev.segattr.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's float32 matrix-product rate through the same engine the model uses: the yardstick that
 * every other figure of {@code segattr bench} is divided by. A square product of size n costs 2 n^3 flops.
 */
public final class MatmulPeak {

    private MatmulPeak() {
    }

    /** Best of {@code repeats} timed products of two n x n matrices, in GFLOP/s (after one warm-up). */
    public static double gflops(NDManager manager, int n, int repeats) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomNormal(new Shape(n, n));
            NDArray b = scope.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.toFloatArray(); // the product is lazy on some engines: make sure it was computed
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}

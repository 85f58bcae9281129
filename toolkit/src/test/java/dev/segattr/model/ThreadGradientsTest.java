package dev.segattr.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThreadGradientsTest {

    /** d/dx sum(x^3) = 3 x^2, here x = (1, 2, 3): (3, 12, 27). */
    private static float[] cubeGradient(NDManager m, GradientCollector collector, float scale) {
        NDArray x = m.create(new float[] {1 * scale, 2 * scale, 3 * scale});
        x.setRequiresGradient(true);
        try (collector) {
            collector.backward(x.pow(3).sum());
        }
        return x.getGradient().toFloatArray();
    }

    @Test
    void givesTheGradientDjlsCollectorGivesAndRestoresGradMode() {
        try (NDManager m = NDManager.newBaseManager()) {
            JniUtils.setGradMode(false);
            float[] ours = cubeGradient(m, new ThreadGradients(), 1);
            assertFalse(JniUtils.isGradMode(), "grad mode is off again after close");
            float[] djl = cubeGradient(m, Engine.getInstance().newGradientCollector(), 1);
            assertArrayEquals(new float[] {3, 12, 27}, ours, 1e-5f);
            assertArrayEquals(djl, ours, 0f);
            assertThrows(UnsupportedOperationException.class, () -> new ThreadGradients().zeroGradients());
            JniUtils.setGradMode(false);
        }
    }

    /** What DJL's collector refuses: two threads taking gradients at the same time, each getting its own. */
    @Test
    void twoThreadsCollectAtTheSameTime() throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (NDManager m = NDManager.newBaseManager()) {
            List<Future<float[]>> results = new ArrayList<>();
            for (float scale : new float[] {1, 2}) {
                results.add(pool.submit(() -> {
                    float[] last = null;
                    for (int i = 0; i < 50; i++) {
                        try (NDManager scope = m.newSubManager()) {
                            ThreadGradients open = new ThreadGradients();
                            together.await();      // both collectors are open now
                            last = cubeGradient(scope, open, scale);
                        }
                    }
                    return last;
                }));
            }
            assertArrayEquals(new float[] {3, 12, 27}, results.get(0).get(), 1e-4f);
            assertArrayEquals(new float[] {12, 48, 108}, results.get(1).get(), 1e-4f);  // 3 (2k)^2
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.segattr.attribution;

import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The backward pass must not read memory the garbage collector has freed. DJL backs tensors made from Java
 * values with direct buffers that only the Java side keeps alive; a tensor that autograd saves for the backward
 * pass but whose Java owner is gone reads freed memory once a collection runs between forward and backward.
 * With collections forced all the time, attributions must still be exactly those of a quiet run.
 */
class GarbageCollectionTest {

    @Test
    void attributionsDoNotChangeWhenTheCollectorRunsDuringBackward() throws InterruptedException {
        ModelConfig config = ModelConfig.of("qwen3", 96, 32, 64, 2, 4, 2, 8);
        long[] ids = new Random(5).longs(120, 1, 96).toArray();
        try (CausalLM lm = CausalLM.init(config, 13)) {
            var ig = new IntegratedGradients(EmbeddingModel.of(lm), new IntegratedGradients.Options(
                    PathPoints.of(PointScheme.GAUSS_LEGENDRE, 6), 3, Baseline.zero(), IntegratedGradients.DEFAULT_DELTA_TOLERANCE));
            double[] quiet = ig.attribute(ids, 110, 118).attributions();

            AtomicBoolean running = new AtomicBoolean(true);
            Thread collector = new Thread(() -> {
                while (running.get()) {
                    System.gc();
                }
            });
            collector.start();
            try {
                for (int round = 0; round < 5; round++) {
                    assertArrayEquals(quiet, ig.attribute(ids, 110, 118).attributions(), "round " + round);
                }
            } finally {
                running.set(false);
                collector.join();
            }
        }
    }
}

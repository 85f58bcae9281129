package dev.segattr.bench;

import ai.djl.ndarray.NDManager;
import dev.segattr.attribution.AttributionStatus;
import dev.segattr.attribution.Baseline;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PathPoints;
import dev.segattr.attribution.PointScheme;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.model.CausalLM;
import dev.segattr.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000 attribution calls leave nothing behind. After a warm-up:
 * <ul>
 *   <li>the number of live arrays in the whole DJL tree (every manager hangs under the engine's system manager)
 *       is the same before and after: a scope left open or a result attached to the model's manager fails here;</li>
 *   <li>the native memory in use (malloc'd bytes: where libtorch keeps arrays, untouched by the Java heap) and the
 *       resident set do not grow: an array detached from every manager and never closed fails here. A call
 *       allocates about 1 MB (a pass holds 4 x 64 x 64 floats per activation), so leaking any part of a pass
 *       adds tens of MB over 1,000 calls.</li>
 * </ul>
 * Memory figures move with JIT compilation and the Java heap, so each side is the floor (minimum) of ten
 * samples: a leak raises the floor, a passing burst does not.
 */
class AttributionLeakTest {

    static final int CALLS = 1000;
    static final int SAMPLES_PER_SIDE = 10;
    static final double NATIVE_BOUND_MB = 16;
    static final double RESIDENT_BOUND_MB = 48;

    @Test
    void thousandAttributionsLeaveNoArraysAndNoMemoryBehind() {
        ModelConfig config = ModelConfig.of("qwen3", 128, 64, 128, 2, 4, 2, 16);
        try (CausalLM model = CausalLM.init(config, 11)) {
            IntegratedGradients ig = new IntegratedGradients(EmbeddingModel.of(model),
                    IntegratedGradients.Options.reference(Baseline.token(0))
                            .withPath(PathPoints.of(PointScheme.REFERENCE, 8)).withBatch(4));
            long[] ids = new Random(5).longs(64, 1, 128).toArray();
            NDManager root = root(model.manager());
            for (int i = 0; i < 100; i++) { // warm-up: JIT, allocator pools, rotary tables
                ig.attribute(ids, 60, 64);
            }
            int arraysBefore = root.getManagedArrays().size();
            double[] nativeMb = new double[2 * SAMPLES_PER_SIDE];
            double[] residentMb = new double[2 * SAMPLES_PER_SIDE];
            int every = CALLS / (2 * SAMPLES_PER_SIDE);
            TokenAttribution last = null;
            for (int i = 0; i < CALLS; i++) {
                last = ig.attribute(ids, 60, 64);
                if (i % every == every - 1) {
                    int s = i / every;
                    System.gc(); // Java objects holding native handles go first
                    nativeMb[s] = Memory.nativeInUseMb();
                    residentMb[s] = Memory.residentMb();
                }
            }
            int arraysAfter = root.getManagedArrays().size();

            assertNotEquals(AttributionStatus.NON_FINITE, last.status());
            assertEquals(arraysBefore, arraysAfter, "live NDArrays before and after " + CALLS + " calls");
            assertFloorGrowth("native memory in use", nativeMb, NATIVE_BOUND_MB);
            assertFloorGrowth("resident set", residentMb, RESIDENT_BOUND_MB);
        }
    }

    /** The floor of the second half of the samples over the floor of the first half stays within the bound. */
    static void assertFloorGrowth(String what, double[] samplesMb, double boundMb) {
        int half = samplesMb.length / 2;
        double before = Arrays.stream(samplesMb, 0, half).min().orElseThrow();
        double after = Arrays.stream(samplesMb, half, samplesMb.length).min().orElseThrow();
        assertTrue(before > 0, what + " is not measurable here");
        assertTrue(after - before < boundMb, String.format("%s grew by %.1f MB over %d calls (bound %.0f MB): %s",
                what, after - before, CALLS, boundMb, Arrays.toString(samplesMb)));
    }

    /** The engine's system manager, the root of every manager. */
    static NDManager root(NDManager manager) {
        NDManager m = manager;
        while (m.getParentManager() != null && m.getParentManager() != m) {
            m = m.getParentManager();
        }
        return m;
    }
}

package dev.segattr.spark;

import ai.djl.ndarray.NDManager;
import dev.segattr.bench.Memory;
import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks leave no native memory behind (AttributionLeakTest's standard, per task): after a warm-up job, three more jobs
 * of four tasks each attribute on the executor's one cached model, and the live arrays of the whole DJL tree are as
 * many as before (a stage left open, or a result attached to the model's manager, fails here); the native memory in
 * use does not grow either (its floor over the last jobs against the first).
 */
class TaskMemoryTest {

    @TempDir
    Path tmp;

    @Test
    void twelveTasksOnTheCachedModelLeaveNoArraysBehind() {
        Path in = LocalSpark.traces(tmp, 4);
        String[] args = {"attribute", "--model", LocalSpark.MODEL.toString(), "--in", in.toString(), "--steps", "2",
                "--points", "gauss-legendre", "--partitions", "4", "--out", ""};
        run(args, "warm-up");
        NDManager root = root(ModelCache.model(new ModelSpec(LocalSpark.MODEL.toString(), null, ComputeDevice.CPU, Dtype.FLOAT32))
                .lm().manager());
        int arraysBefore = root.getManagedArrays().size();
        double[] nativeMb = new double[3];
        for (int i = 0; i < 3; i++) {
            run(args, "job" + i);
            System.gc();
            nativeMb[i] = Memory.nativeInUseMb();
        }
        assertEquals(arraysBefore, root.getManagedArrays().size(), "live NDArrays before and after 12 tasks");
        assertEquals(1, ModelCache.size(), "every task used the one cached model");
        // A leaked pass of this model is about 1 MB per record (AttributionLeakTest): 8 records would show.
        double first = nativeMb[0];
        double last = Math.min(nativeMb[1], nativeMb[2]);
        assertTrue(last - first < 8, "native memory grew by " + (last - first) + " MB: " + Arrays.toString(nativeMb));
    }

    private void run(String[] args, String name) {
        args[args.length - 1] = tmp.resolve(name).toString();
        assertEquals(0, LocalSpark.run(args));
    }

    private static NDManager root(NDManager manager) {
        NDManager m = manager;
        while (m.getParentManager() != null && m.getParentManager() != m) {
            m = m.getParentManager();
        }
        return m;
    }
}

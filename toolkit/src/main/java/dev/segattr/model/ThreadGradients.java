package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * A gradient collector for the calling thread only. DJL 0.36's own collector guards a process-wide flag ("only one
 * can be collecting at a time"), though libtorch's grad mode and autograd are per thread: with it, two threads of a
 * study or two Spark tasks of one executor could not attribute or train at the same time. This one switches grad
 * mode on for its thread while open and runs backward there, as DJL's does, without the flag.
 *
 * <p>Like DJL's it does not zero gradients: the callers own their leaves and parameters and reset them themselves.
 */
public final class ThreadGradients implements GradientCollector {

    private final boolean wasOn;

    public ThreadGradients() {
        wasOn = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** d target / d leaves, accumulated into the leaves' gradients; target's seed gradient is ones. */
    @Override
    public void backward(NDArray target) {
        try (NDArray ones = target.onesLike()) {
            JniUtils.backward((PtNDArray) target, (PtNDArray) ones, false, false);
        }
    }

    /** Not offered: DJL's zeroes every gradient of the process, which another thread may be accumulating. */
    @Override
    public void zeroGradients() {
        throw new UnsupportedOperationException("ThreadGradients does not zero gradients: reset your own leaves");
    }

    @Override
    public void close() {
        if (!wasOn) {
            JniUtils.setGradMode(false);
        }
    }
}

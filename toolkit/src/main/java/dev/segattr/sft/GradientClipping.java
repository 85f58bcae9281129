package dev.segattr.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Collection;

/** Clipping of gradients by their global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The L2 norm of all gradients together: the norm of the per-tensor norms (float32, as PyTorch computes it). */
    public static float globalNorm(Collection<NDArray> gradients) {
        if (gradients.isEmpty()) {
            return 0f;
        }
        NDManager owner = gradients.iterator().next().getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDList norms = new NDList(gradients.size());
            for (NDArray g : gradients) {
                NDArray n = g.norm();
                n.attach(scope);
                norms.add(n);
            }
            NDArray stacked = NDArrays.stack(norms);
            stacked.attach(scope);
            NDArray total = stacked.norm();
            total.attach(scope);
            return total.getFloat();
        }
    }

    /**
     * Scales the gradients in place so that their global norm is at most {@code maxNorm}, and returns the norm
     * they had before. As PyTorch: coefficient = min(1, maxNorm / (norm + 1e-6)), applied to every gradient
     * (a factor of exactly 1 when the norm is small enough). A non-finite norm is returned as it is and the
     * gradients become non-finite, as with PyTorch's default {@code error_if_nonfinite=False}; the caller decides.
     */
    public static float clip(Collection<NDArray> gradients, double maxNorm) {
        float norm = globalNorm(gradients);
        float coefficient = (float) maxNorm / (norm + 1e-6f);
        if (coefficient < 1f || Float.isNaN(coefficient)) {
            for (NDArray g : gradients) {
                g.muli(coefficient);
            }
        }
        return norm;
    }
}

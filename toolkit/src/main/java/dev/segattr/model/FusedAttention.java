package dev.segattr.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;

/**
 * PyTorch's fused causal attention ({@code torch.nn.functional.scaled_dot_product_attention}, the kernel transformers
 * uses by default), which DJL 0.36 does not expose: a parameter-free TorchScript module, {@code attention.pt} beside
 * this class, made by {@code environment/torchscript/make_attention.py}. libtorch runs it with its CPU
 * flash-attention kernel, which never builds the (B, nH, T, S) scores, forward or backward; run in training mode,
 * the call joins the autograd graph of the arrays around it, so gradients flow through it as through any NDArray
 * operation.
 *
 * <p>Only the plain causal case goes here (no padding, no KV cache): every query i sees keys 0..i. The explicit
 * attention in {@link CausalLM} handles the rest, and is the reference the golden tests hold both to.
 */
final class FusedAttention implements AutoCloseable {

    private static final String RESOURCE = "attention.pt";

    private final PtSymbolBlock module;

    private FusedAttention(PtSymbolBlock module) {
        this.module = module;
    }

    /** Loads the module into {@code manager} (a PyTorch engine manager); null when this engine cannot run it. */
    static FusedAttention load(NDManager manager) {
        if (!(manager instanceof PtNDManager pt)) {
            return null;
        }
        try (InputStream in = FusedAttention.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            return new FusedAttention(JniUtils.loadModule(pt, in, true, false));
        } catch (IOException | RuntimeException e) {
            return null; // an engine that cannot read the archive keeps the explicit attention
        }
    }

    /**
     * softmax(q k^T / sqrt(d) + causal mask) v: q (B, nH, T, d), k and v (B, nKV, T, d) -> (B, nH, T, d), owned by
     * q's manager.
     */
    NDArray apply(NDArray q, NDArray k, NDArray v) {
        // Training mode: libtorch records the call for backward when gradients are being collected (in inference
        // mode DJL would run it under a no-grad guard and cut the graph).
        NDArray out = IValueUtils.forward(module, new NDList(q, k, v), true).singletonOrThrow();
        out.attach(q.getManager());
        return out;
    }

    @Override
    public void close() {
        module.close();
    }
}

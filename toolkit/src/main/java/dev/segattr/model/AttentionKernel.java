package dev.segattr.model;

/** How {@link CausalLM} computes causal self-attention. */
public enum AttentionKernel {
    /**
     * PyTorch's fused scaled_dot_product_attention through a TorchScript module (as transformers' default "sdpa"):
     * no (B, heads, T, T) scores in memory, forward or backward. Used where there is no padding and no KV cache.
     */
    FUSED,
    /** softmax(q k^T / sqrt(d) + mask) v on NDArray operations, in blocks of queries: the readable reference. */
    EXPLICIT
}

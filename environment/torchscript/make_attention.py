#!/usr/bin/env python3
"""Writes toolkit/src/main/resources/dev/segattr/model/attention.pt: PyTorch's fused causal attention as a TorchScript
module that CausalLM runs through DJL (DJL 0.36 exposes no scaled_dot_product_attention of its own).

    pip install torch   # any torch 2.5 or later; the file holds TorchScript source text, no weights
    python3 environment/torchscript/make_attention.py

The module has no parameters: forward(q, k, v) = softmax(q k^T / sqrt(d) + causal mask) v, with q (B, nH, T, d) and
k, v (B, nKV, T, d), nH a multiple of nKV (grouped-query attention). On the CPU, libtorch runs it with its
flash-attention kernel, forward and backward, and never builds the (B, nH, T, T) scores. Autograd flows through it
into the NDArray graph around the call (DJL runs the module with gradients when asked to train). The saved archive
is read by the libtorch that DJL ships (2.7.1, checked); the build and the tests use the committed file, not Python.
"""
import pathlib

import torch
import torch.nn.functional as F


class CausalAttention(torch.nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        # Each key-value head serves a group of query heads (repeat_interleave, as transformers' repeat_kv). Not
        # enable_gqa: libtorch 2.7's CPU flash kernel refuses unequal head counts and falls back to the math kernel,
        # which builds the (B, nH, T, T) weights.
        groups = q.size(1) // k.size(1)
        if groups > 1:
            k = k.repeat_interleave(groups, dim=1)
            v = v.repeat_interleave(groups, dim=1)
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)


def main():
    out = pathlib.Path(__file__).resolve().parents[2] / "toolkit/src/main/resources/dev/segattr/model/attention.pt"
    module = torch.jit.script(CausalAttention())
    module.save(str(out))
    print(module.code)
    print("wrote", out, out.stat().st_size, "bytes with torch", torch.__version__)


if __name__ == "__main__":
    main()

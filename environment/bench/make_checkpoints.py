#!/usr/bin/env python3
"""Random Hugging Face checkpoints for the side-by-side benchmarks, made and saved by transformers itself (not by
segattr), so that `MODEL=<folder> environment/bench/compare.sh` and `segattr bench --model <folder>` run on
checkpoints from outside the repository. Not used by the tests. Needs: pip install torch transformers safetensors

    python environment/bench/make_checkpoints.py /tmp/ext
    MODEL=/tmp/ext/llama512 environment/bench/compare.sh 2

Every one has the all-zero pad row of a freshly initialised model (see `segattr attribute`'s warning).
"""
import sys

import torch
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

CHECKPOINTS = {
    # name: (model class, config) -- sizes chosen to run in seconds on 2 CPU cores
    "llama512": (LlamaForCausalLM, LlamaConfig(
        hidden_size=512, intermediate_size=1376, num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=4,
        vocab_size=4096, max_position_embeddings=2048, pad_token_id=0, tie_word_embeddings=False)),
    "qwen2_384": (Qwen2ForCausalLM, Qwen2Config(
        hidden_size=384, intermediate_size=1024, num_hidden_layers=6, num_attention_heads=6, num_key_value_heads=2,
        vocab_size=8192, max_position_embeddings=2048, pad_token_id=0, tie_word_embeddings=True)),
    "qwen2_bigvocab": (Qwen2ForCausalLM, Qwen2Config(
        hidden_size=256, intermediate_size=688, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        vocab_size=131072, max_position_embeddings=8192, pad_token_id=0, tie_word_embeddings=True)),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/ext"
    for seed, (name, (cls, config)) in enumerate(CHECKPOINTS.items(), start=1):
        torch.manual_seed(seed)
        cls(config).save_pretrained(f"{out}/{name}")
        print(f"{out}/{name}")


if __name__ == "__main__":
    main()

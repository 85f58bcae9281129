#!/usr/bin/env python3
"""Golden fixtures for dev.segattr.model: tiny random Llama / Qwen2 / Qwen3 checkpoints and the logits that
Hugging Face transformers computes for them (float32, eager attention).

    pip install torch transformers safetensors numpy
    python toolkit/src/test/python/make_model_fixtures.py            # (re)writes the fixtures
    python toolkit/src/test/python/make_model_fixtures.py --verify SAVED_DIR NAME
        # loads a folder that Java's CausalLM.save wrote with transformers and compares its logits with the
        # committed reference logits of fixture NAME (run by hand; the Java tests never run Python)

Output, under toolkit/src/test/resources/fixtures/models/<name>/:
    config.json, model.safetensors or model.safetensors.index.json + shards   the checkpoint
    cases.json       {"cases": [{"name", "ids": [[..]], "mask": [[..]]}], "dtype", "transformers", "torch"}
    logits.safetensors   one float32 tensor (B, T, V) per case, named after the case

The three models differ on purpose: llama has an untied head, grouped-query attention (6 heads, 2 kv heads),
q/k/v/o biases and llama3 rope scaling; qwen2 has q/k/v biases, tied embeddings, yarn scaling and is saved in
bfloat16 (its reference logits are computed in float32 from the bf16 weights); qwen3 has q/k norms, a
head_dim (16) different from hidden/heads (8), linear rope scaling, and is sharded into two files.
Weights are re-drawn at a scale where logits are O(1), and every norm weight and bias is perturbed away
from transformers' ones/zeros so that a mistake in a norm or a bias changes the logits.
"""
import argparse
import json
import os
import shutil
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config, Qwen3Config

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures", "models"))


def models():
    llama = LlamaConfig(
        vocab_size=160, hidden_size=48, intermediate_size=64, num_hidden_layers=2, num_attention_heads=6,
        num_key_value_heads=2, rms_norm_eps=1e-5, max_position_embeddings=512, tie_word_embeddings=False,
        attention_bias=True, bos_token_id=1, eos_token_id=[2, 3], pad_token_id=0,
        rope_parameters={"rope_type": "llama3", "rope_theta": 50000.0, "factor": 4.0, "low_freq_factor": 1.0,
                         "high_freq_factor": 4.0, "original_max_position_embeddings": 256})
    qwen2 = Qwen2Config(
        vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, rms_norm_eps=1e-6, max_position_embeddings=1024, tie_word_embeddings=True,
        bos_token_id=None, eos_token_id=5, pad_token_id=4,
        rope_parameters={"rope_type": "yarn", "rope_theta": 1000000.0, "factor": 2.0,
                         "original_max_position_embeddings": 512})
    qwen3 = Qwen3Config(
        vocab_size=192, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, head_dim=16, rms_norm_eps=1e-6, max_position_embeddings=2048,
        tie_word_embeddings=False, bos_token_id=None, eos_token_id=[7, 8], pad_token_id=6,
        rope_parameters={"rope_type": "linear", "rope_theta": 20000.0, "factor": 2.0})
    return {"llama_gqa_untied": (llama, "float32", None),
            "qwen2_tied_bf16": (qwen2, "bfloat16", None),
            "qwen3_qknorm_sharded": (qwen3, "float32", "100KB")}


def build(config, seed):
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, attn_implementation="eager", dtype=torch.float32)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
            elif "embed_tokens" in name:
                p.copy_(torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / p.shape[1] ** 0.5)
    return model.eval()


def cases(vocab, pad, seed):
    g = torch.Generator().manual_seed(seed)
    long_ = torch.randint(9, vocab, (1, 40), generator=g)
    a = torch.randint(9, vocab, (12,), generator=g)
    b = torch.randint(9, vocab, (7,), generator=g)
    left = torch.full((2, 12), pad)
    left[0] = a
    left[1, 5:] = b
    left_mask = torch.ones(2, 12, dtype=torch.long)
    left_mask[1, :5] = 0
    right = torch.full((2, 12), pad)
    right[0] = a
    right[1, :7] = b
    right_mask = torch.ones(2, 12, dtype=torch.long)
    right_mask[1, 7:] = 0
    return [("single", long_, torch.ones_like(long_)), ("batch_left", left, left_mask),
            ("batch_right", right, right_mask), ("short_b", b[None], torch.ones(1, 7, dtype=torch.long))]


def logits_of(model, ids, mask):
    # Positions count only real tokens (as generate() does), so a padded row equals the row alone.
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask, position_ids=positions).logits.float()


def write_fixture(name, config, dtype, shard, seed):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    model = build(config, seed)
    if dtype == "bfloat16":
        model = model.to(torch.bfloat16)
    kwargs = {"max_shard_size": shard} if shard else {}
    model.save_pretrained(folder, **kwargs)
    # The reference runs in float32 on exactly the weights in the folder (bf16 widened, as Java widens).
    reference = AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager",
                                                     dtype=torch.float32).eval()
    all_cases = cases(config.vocab_size, config.pad_token_id, seed + 1)
    tensors, listed = {}, []
    for case, ids, mask in all_cases:
        tensors[case] = logits_of(reference, ids, mask).contiguous()
        listed.append({"name": case, "ids": ids.tolist(), "mask": mask.tolist()})
    # Sanity: padding (left or right) leaves the real tokens' logits as they are alone.
    alone = tensors["short_b"][0]
    assert torch.allclose(tensors["batch_left"][1, 5:], alone, atol=1e-5), "left padding changed logits"
    assert torch.allclose(tensors["batch_right"][1, :7], alone, atol=1e-5), "right padding changed logits"
    save_file(tensors, os.path.join(folder, "logits.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(folder, "cases.json"), "w") as f:
        json.dump({"cases": listed, "dtype": dtype, "transformers": transformers.__version__,
                   "torch": torch.__version__}, f, indent=1)
    files = sorted(os.listdir(folder))
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in files)
    print(f"{name}: {files} {size} bytes")


def verify(saved, name):
    """Compares transformers' logits on a folder Java saved with the committed reference of fixture NAME."""
    from safetensors.torch import load_file
    folder = os.path.join(OUT, name)
    reference = load_file(os.path.join(folder, "logits.safetensors"))
    with open(os.path.join(folder, "cases.json")) as f:
        listed = json.load(f)["cases"]
    model = AutoModelForCausalLM.from_pretrained(saved, attn_implementation="eager", dtype=torch.float32).eval()
    worst = 0.0
    for case in listed:
        ids, mask = torch.tensor(case["ids"]), torch.tensor(case["mask"])
        got = logits_of(model, ids, mask)
        keep = mask.bool()
        worst = max(worst, (got[keep] - reference[case["name"]][keep]).abs().max().item())
    print(f"{saved} vs {name}: max abs logit difference {worst:.3g}")
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verify", nargs=2, metavar=("SAVED_DIR", "NAME"))
    args = parser.parse_args()
    if args.verify:
        sys.exit(0 if verify(*args.verify) < 1e-4 else 1)
    torch.set_num_threads(1)
    for i, (name, (config, dtype, shard)) in enumerate(models().items()):
        write_fixture(name, config, dtype, shard, seed=100 + 10 * i)


if __name__ == "__main__":
    main()

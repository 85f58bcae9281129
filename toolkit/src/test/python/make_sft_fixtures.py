#!/usr/bin/env python3
"""Golden values for segattr's training loop: a few AdamW steps of PyTorch on a tiny Qwen3 model.

Run from the repository root (needs torch, transformers, safetensors, numpy; the tests never run this):

    python3 toolkit/src/test/python/make_sft_fixtures.py

For each of two tiny random Qwen3 checkpoints (untied and tied input/output embeddings) it writes, under
toolkit/src/test/resources/fixtures/sft/<name>/:

    model/config.json, model/model.safetensors   the starting weights (float32, Hugging Face layout)
    steps.json                                   the batch, the settings, and per step: learning rate, loss,
                                                 gradient norm before clipping
    trained.safetensors                          every parameter after the last step

The steps are what transformers' Trainer does with these settings: loss = cross-entropy summed over the
supervised tokens (labels != -100, after the usual shift by one) of the whole batch, divided by their number;
torch.nn.utils.clip_grad_norm_; torch.optim.AdamW (decoupled weight decay, bias correction, eps outside the
square root); transformers.get_cosine_schedule_with_warmup stepped once per update. The first update runs at
learning rate 0 (warmup), which still moves AdamW's moments: the Java test must get that right too.
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from transformers import Qwen3Config, Qwen3ForCausalLM, get_cosine_schedule_with_warmup

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "sft")

SETTINGS = dict(lr=1e-2, betas=[0.9, 0.95], eps=1e-6, weight_decay=0.1, max_grad_norm=0.5,
                warmup_steps=1, total_steps=3)

# Two sequences, the second right-padded with the pad id 0; -100 marks tokens without loss (prompt, an
# unselected span, padding).
INPUT_IDS = [
    [5, 17, 33, 2, 41, 8, 99, 64, 12, 7, 88, 3],
    [9, 21, 50, 50, 77, 14, 6, 3, 0, 0, 0, 0],
]
LABELS = [
    [-100, -100, -100, -100, 41, 8, -100, -100, 12, 7, 88, 3],
    [-100, -100, -100, 50, 77, 14, 6, 3, -100, -100, -100, -100],
]
ATTENTION_MASK = [
    [1] * 12,
    [1] * 8 + [0] * 4,
]


def tiny_model(tied: bool, seed: int) -> Qwen3ForCausalLM:
    config = Qwen3Config(vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, head_dim=8, max_position_embeddings=64,
                         rope_theta=10000.0, rms_norm_eps=1e-6, tie_word_embeddings=tied, attention_bias=False,
                         pad_token_id=0, bos_token_id=1, eos_token_id=3)
    config._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = Qwen3ForCausalLM(config).float()
    with torch.no_grad():
        # Larger than the default 0.02 so that the loss and its gradients are far from trivial, and norms != 1
        # so that their gradients are tested as well.
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.15 * torch.randn_like(p))
    return model


def loss_of(model, ids, labels, mask):
    logits = model(input_ids=ids, attention_mask=mask).logits  # (B, T, V)
    shift_logits = logits[:, :-1, :].reshape(-1, logits.shape[-1])
    shift_labels = labels[:, 1:].reshape(-1)
    n = (shift_labels != -100).sum()
    return F.cross_entropy(shift_logits, shift_labels, ignore_index=-100, reduction="sum") / n


def make(name: str, tied: bool, seed: int):
    out = os.path.join(ROOT, name)
    os.makedirs(os.path.join(out, "model"), exist_ok=True)
    model = tiny_model(tied, seed)
    model.save_pretrained(os.path.join(out, "model"), safe_serialization=True)
    # transformers 5 writes rope_theta inside rope_parameters; older readers (and segattr's) look for it at
    # the top level, where transformers 4 put it. Both are kept: either reader finds the same value.
    config_file = os.path.join(out, "model", "config.json")
    with open(config_file) as f:
        config = json.load(f)
    config.setdefault("rope_theta", config.get("rope_parameters", {}).get("rope_theta", 10000.0))
    with open(config_file, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)

    ids = torch.tensor(INPUT_IDS)
    labels = torch.tensor(LABELS)
    mask = torch.tensor(ATTENTION_MASK)
    params = [p for p in model.parameters()]
    optimizer = torch.optim.AdamW(params, lr=SETTINGS["lr"], betas=tuple(SETTINGS["betas"]), eps=SETTINGS["eps"],
                                  weight_decay=SETTINGS["weight_decay"], foreach=False)
    scheduler = get_cosine_schedule_with_warmup(optimizer, SETTINGS["warmup_steps"], SETTINGS["total_steps"])
    steps = []
    model.train()
    for step in range(SETTINGS["total_steps"]):
        lr = optimizer.param_groups[0]["lr"]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of(model, ids, labels, mask)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, SETTINGS["max_grad_norm"])
        optimizer.step()
        scheduler.step()
        steps.append(dict(step=step + 1, lr=lr, loss=loss.item(), grad_norm=norm.item()))
        print(name, steps[-1])

    with torch.no_grad():
        final_loss = loss_of(model, ids, labels, mask).item()
    trained = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    if tied:
        trained.pop("lm_head.weight", None)  # the same tensor as the embedding, as the checkpoint stores it
    save_file(trained, os.path.join(out, "trained.safetensors"))
    with open(os.path.join(out, "steps.json"), "w") as f:
        json.dump(dict(settings=SETTINGS, tied=tied, input_ids=INPUT_IDS, labels=LABELS, attention_mask=ATTENTION_MASK,
                       steps=steps, loss_after=final_loss,
                       versions=dict(torch=torch.__version__, transformers=__import__("transformers").__version__)),
                  f, indent=1)


def make_optimizer_only():
    """AdamW + clipping + schedule alone, on given gradients: tests the optimizer without any model.

    Writes fixtures/sft/adamw/tensors.safetensors with "start/<p>", "grad/<k>/<p>" (the gradient fed at update k,
    before clipping) and "end/<p>" (after the last update), and steps.json with the settings and per-step lr
    and norm."""
    out = os.path.join(ROOT, "adamw")
    os.makedirs(out, exist_ok=True)
    g = torch.Generator().manual_seed(7)
    shapes = {"a": (3, 4), "b": (5,), "c": (2, 3, 2)}
    params = {k: torch.nn.Parameter(torch.randn(s, generator=g)) for k, s in shapes.items()}
    tensors = {f"start/{k}": p.detach().clone() for k, p in params.items()}
    optimizer = torch.optim.AdamW(list(params.values()), lr=SETTINGS["lr"], betas=tuple(SETTINGS["betas"]),
                                  eps=SETTINGS["eps"], weight_decay=SETTINGS["weight_decay"], foreach=False)
    scheduler = get_cosine_schedule_with_warmup(optimizer, SETTINGS["warmup_steps"], SETTINGS["total_steps"])
    steps = []
    for step in range(SETTINGS["total_steps"]):
        lr = optimizer.param_groups[0]["lr"]
        # Gradients of different sizes: step 2's are small, so clipping leaves them alone.
        scale = 0.05 if step == 1 else 1.0
        for k, p in params.items():
            p.grad = scale * torch.randn(p.shape, generator=g)
            tensors[f"grad/{step + 1}/{k}"] = p.grad.detach().clone()
        norm = torch.nn.utils.clip_grad_norm_(list(params.values()), SETTINGS["max_grad_norm"])
        optimizer.step()
        scheduler.step()
        steps.append(dict(step=step + 1, lr=lr, grad_norm=norm.item()))
    for k, p in params.items():
        tensors[f"end/{k}"] = p.detach().clone()
    save_file(tensors, os.path.join(out, "tensors.safetensors"))
    # A longer schedule on its own: the learning rate of each of 10 updates with 3 warmup updates.
    probe = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=3e-5)
    cosine = get_cosine_schedule_with_warmup(probe, num_warmup_steps=3, num_training_steps=10)
    schedule = []
    for _ in range(10):
        schedule.append(probe.param_groups[0]["lr"])
        probe.step()
        cosine.step()
    with open(os.path.join(out, "steps.json"), "w") as f:
        json.dump(dict(settings=SETTINGS, parameters=list(shapes), steps=steps,
                       schedule=dict(peak=3e-5, warmup=3, total=10, lrs=schedule)), f, indent=1)
    print("adamw", steps)


if __name__ == "__main__":
    torch.set_num_threads(1)
    make_optimizer_only()
    make("untied", tied=False, seed=1234)
    make("tied", tied=True, seed=4321)

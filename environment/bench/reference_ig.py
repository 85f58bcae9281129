#!/usr/bin/env python3
"""Integrated-gradients throughput in plain PyTorch eager, to compare with `segattr bench` on the same checkpoint.

Not used by the tests. Needs: pip install torch transformers safetensors numpy

    segattr bench --save-model /tmp/m --hidden 256 --layers 4 --vocab 1024 --seq-len 512 --steps 16 --batch 16 \
        --threads 2 --sections attribution --out /tmp/segattr.json
    python environment/bench/reference_ig.py --model /tmp/m --seq-len 512 --steps 16 --batch 16 --threads 2 \
        --compare /tmp/segattr.json

Two variants, each timed as one attribution call of one random sequence (float32, CPU):
  reference  the reference recipe as METHOD.md section 2 describes its code: one path point per forward+backward
             pass, model weights NOT frozen (the backward pass also computes every weight's gradient), the
             gradient read from inputs_embeds.grad after loss.backward();
  fair       what a careful PyTorch user would write: K path points stacked in one pass, weights frozen
             (requires_grad False), torch.autograd.grad w.r.t. the interpolated embeddings only, logits for the
             answer positions only (transformers' logits_to_keep), as segattr does.
Both then compute F(x) and F(x') without gradients, as segattr does for its convergence delta, so that both
sides do the same work. F = sum of log p of the last --answer-tokens tokens; baseline = the pad token's
embedding (config.json pad_token_id, else 0); points alpha = linspace(0, 1, J), gradients averaged.
Prints one JSON object per variant (tokens x points per second from the fastest timed call; wall and process CPU
seconds of every timed call: on a shared machine the CPU time is the steadier figure), and with
--compare the ratio segattr / PyTorch for each.
"""
import argparse
import json
import time

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM


def answer_logprob(model, embeds, ids, a_from, a_to, head_on_answer=False):
    """F per row: sum over answer positions p of log_softmax(logits[p - 1])[ids[p]]; embeds (K, T, H) -> (K).

    head_on_answer: ask transformers for the logits of the last positions only (logits_to_keep), from position
    a_from - 1 on, instead of all T positions (the answer sits at the end of the sequence)."""
    if head_on_answer:
        keep = embeds.shape[1] - (a_from - 1)
        logits = model(inputs_embeds=embeds, logits_to_keep=keep).logits[:, :a_to - a_from].float()
    else:
        logits = model(inputs_embeds=embeds).logits[:, a_from - 1:a_to - 1].float()   # (K, n, V)
    logp = torch.log_softmax(logits, dim=-1)
    target = ids[a_from:a_to].view(1, -1, 1).expand(embeds.shape[0], -1, 1)
    return logp.gather(2, target).sum(dim=(1, 2))


def endpoints(model, x, base, ids, a_from, a_to, head_on_answer=False):
    with torch.no_grad():
        return answer_logprob(model, torch.cat([x, base]), ids, a_from, a_to, head_on_answer).tolist()


def ig_reference(model, ids, a_from, a_to, base_row, steps):
    """One alpha per pass, weights unfrozen: loss.backward() fills every parameter's .grad as well."""
    x = model.get_input_embeddings()(ids[None]).detach()            # (1, T, H)
    base = base_row.detach().expand_as(x).clone()
    total = torch.zeros_like(x)
    for alpha in torch.linspace(0, 1, steps):
        point = (base + alpha * (x - base)).detach().requires_grad_(True)
        f = answer_logprob(model, point, ids, a_from, a_to).sum()
        model.zero_grad(set_to_none=True)
        f.backward()
        total += point.grad
    attributions = ((x - base) * (total / steps)).sum(-1)[0]
    fx, fb = endpoints(model, x, base, ids, a_from, a_to)
    return attributions, fx, fb


def ig_fair(model, ids, a_from, a_to, base_row, steps, batch):
    """K alphas per pass, frozen weights, gradient w.r.t. the interpolated embeddings only, the head on the answer
    positions only (logits_to_keep)."""
    x = model.get_input_embeddings()(ids[None]).detach()
    base = base_row.detach().expand_as(x).clone()
    alphas = torch.linspace(0, 1, steps)
    total = torch.zeros_like(x[0])
    for c in range(0, steps, batch):
        a = alphas[c:c + batch].view(-1, 1, 1)
        points = (base + a * (x - base)).requires_grad_(True)        # (k, T, H)
        f = answer_logprob(model, points, ids, a_from, a_to, head_on_answer=True).sum()
        (grad,) = torch.autograd.grad(f, points)
        total += grad.sum(0)
    attributions = ((x - base)[0] * (total / steps)).sum(-1)
    fx, fb = endpoints(model, x, base, ids, a_from, a_to, head_on_answer=True)
    return attributions, fx, fb


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="Hugging Face checkpoint folder")
    p.add_argument("--seq-len", type=int, default=512)
    p.add_argument("--steps", type=int, default=16, help="J path points")
    p.add_argument("--batch", type=int, default=16, help="K points per pass (fair variant)")
    p.add_argument("--answer-tokens", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=2, help="timed calls after one warm-up")
    p.add_argument("--variants", default="reference,fair")
    p.add_argument("--attn", default="eager", help="attn_implementation: eager (plain) or sdpa")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--compare", help="a `segattr bench` JSON (attribution section) to divide by")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    config = AutoConfig.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32, attn_implementation=args.attn)
    model.eval()  # no dropout; weights keep requires_grad=True unless a variant freezes them
    ids = torch.randint(0, config.vocab_size, (args.seq_len,))
    a_from, a_to = args.seq_len - args.answer_tokens, args.seq_len
    pad = config.pad_token_id if config.pad_token_id is not None else 0
    base_row = model.get_input_embeddings()(torch.tensor([[pad]])).detach()

    segattr = None
    if args.compare:
        with open(args.compare) as f:
            segattr = json.load(f)["attribution"]

    for variant in args.variants.split(","):
        frozen = variant == "fair"
        for prm in model.parameters():
            prm.requires_grad_(not frozen)
        if variant == "reference":
            run = lambda: ig_reference(model, ids, a_from, a_to, base_row, args.steps)
        elif variant == "fair":
            run = lambda: ig_fair(model, ids, a_from, a_to, base_row, args.steps, args.batch)
        else:
            raise SystemExit(f"unknown variant {variant!r} (reference, fair)")
        run()  # warm-up
        seconds, cpu = [], []
        for _ in range(args.repeats):
            c0, t0 = time.process_time(), time.perf_counter()
            attributions, fx, fb = run()
            seconds.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        best = min(seconds)
        out = {
            "variant": variant, "points_per_pass": 1 if variant == "reference" else args.batch,
            "weights_frozen": frozen, "seq_len": args.seq_len, "steps": args.steps,
            "threads": torch.get_num_threads(), "attn_implementation": args.attn, "seconds": seconds,
            "cpu_seconds": cpu,
            "token_points_per_second": args.seq_len * args.steps / best,
            "convergence_delta": attributions.sum().item() - (fx - fb),
            "torch": torch.__version__, "transformers": transformers.__version__,
        }
        if segattr is not None:
            out["segattr_token_points_per_second"] = segattr["token_points_per_second"]
            out["segattr_over_pytorch"] = segattr["token_points_per_second"] / out["token_points_per_second"]
        print(json.dumps(out))


if __name__ == "__main__":
    main()

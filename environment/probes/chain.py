"""Does a scorer that follows the chain find the segments that the answer alone cannot?

A probe for issue 12's AUROC goal, beside auroc.sh. Leaving out any segment but the last barely moves
log p(answer) on the embedded default's traces (the report's "what the answer depends on" table): a written
result screens off what led to it, so every scorer of the answer alone ranks the middle segments by little more
than chance. This probe scores the same training traces, with the same starting model, two ways:

  answer  integrated gradients of log p(answer) over the whole text U + C + A, segment strength as METHOD.md
          defines it (sum |a_n| / sqrt(N), normalised per trace): the method, recomputed here in PyTorch and
          checked against the walkthrough's own strengths (the correlation is printed);
  chain   the same integrated gradients with each reasoning segment's digit tokens as the target (what the
          segment writes down as numbers), over the text before that segment only. Each target spreads its
          importance over the segments before it in proportion to their strength for it, starting from the answer
          with importance 1, from the last segment back (a flow, as attention rollout does): a step whose result a
          later step copies gets that step's importance, an exploration whose result nobody copies gets none.

Both are scored by AUROC against the known roles (important = essential + reflective), over all segments and over
the middle ones (not the first, penultimate or last, as the study's report does). For the chain's targets the probe
also says where their attribution goes: to the earlier segments that hold one of the numbers the target writes
(where a copy would come from), to those that hold other numbers, or to those that hold none (the prompt included).

Usage: python3 environment/probes/chain.py RUN_DIR [POINTS=16] > OUT.md   (RUN_DIR: a walkthrough run, e.g.
runs/walkthrough; needs torch and transformers; reads RUN_DIR/selected.jsonl and data/model; nothing is
downloaded). Not part of the product or its tests: the chain scorer is beyond METHOD.md.
"""
import json
import math
import re
import sys
import time
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

INSTRUCTION = "\nPlease reason step by step, and put your final answer within \\boxed{}."  # TraceLayout
ANSWER_PREFIX, ANSWER_SUFFIX = "</think> So, the final answer is \\boxed{", "}"
IMPORTANT = {"essential", "reflective"}


def auroc(scores, labels):
    """P(score of an important segment > score of an unimportant one), ties counted half."""
    pos = [s for s, l in zip(scores, labels) if l]
    neg = [s for s, l in zip(scores, labels) if not l]
    if not pos or not neg:
        return float("nan")
    wins = 0.0
    for p in pos:
        for n in neg:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(pos) * len(neg))


def pearson(a, b):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = math.sqrt(sum((x - ma) ** 2 for x in a))
    vb = math.sqrt(sum((y - mb) ** 2 for y in b))
    return cov / (va * vb)


class Attributor:
    """Integrated gradients of log p(target tokens) over input embeddings, pad-token baseline, midpoint points."""

    def __init__(self, model_dir, points):
        self.tok = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="sdpa").eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.embed = self.model.get_input_embeddings().weight
        self.pad = self.tok.pad_token_id
        self.alphas = torch.tensor([(k + 0.5) / points for k in range(points)])

    def attribute(self, ids, targets):
        """Token attributions [len(ids)] of sum log p(ids[t]) over t in targets (positions < len(ids))."""
        ids = torch.tensor(ids)
        x = self.embed[ids]                                    # [T, H]
        x0 = self.embed[self.pad].expand_as(x)                 # [T, H]
        path = (x0 + self.alphas[:, None, None] * (x - x0)).requires_grad_(True)  # [K, T, H]
        logits = self.model(inputs_embeds=path).logits          # [K, T, V]
        logp = torch.log_softmax(logits[:, [t - 1 for t in targets]], dim=-1)  # [K, n, V]
        f = logp.gather(-1, ids[targets][None, :, None].expand(len(self.alphas), -1, 1)).sum()
        (grad,) = torch.autograd.grad(f, path)
        return ((x - x0) * grad.mean(0)).sum(-1).detach()     # [T]


def spans(tok, record):
    """Token ids of U + C + A, each segment's token range [a, b), and the answer's digit positions."""
    u = tok.apply_chat_template([{"role": "user", "content": record["question"] + INSTRUCTION}], tokenize=False,
                                add_generation_prompt=True)
    text = u + record["reasoning"] + ANSWER_PREFIX + record["answer"] + ANSWER_SUFFIX
    enc = tok(text, return_offsets_mapping=True, add_special_tokens=False)
    starts = [s for s, _ in enc["offset_mapping"]]
    bounds, c = [], len(u)
    for seg in record["segments"]:
        bounds.append((c, c + len(seg)))
        c += len(seg)
    segs = [(next(i for i, s in enumerate(starts) if s >= a), next((i for i, s in enumerate(starts) if s >= b), len(starts)))
            for a, b in bounds]
    answer_from = c + len(ANSWER_PREFIX)
    answer = [i for i, s in enumerate(starts) if answer_from <= s < answer_from + len(record["answer"])]
    return enc["input_ids"], segs, answer


def numbers(text):
    return set(re.findall(r"\d+", text))


def u_text(record):
    """The prompt's own numbers are the question's."""
    return record["question"]


def strengths(attr, segs):
    """METHOD.md's strength: sum |a_n| / sqrt(N) per segment, normalised to sum 1."""
    raw = [float(attr[a:b].abs().sum()) / math.sqrt(b - a) if b > a else 0.0 for a, b in segs]
    total = sum(raw)
    return [r / total if total > 0 else 0.0 for r in raw]


def main():
    run = Path(sys.argv[1])
    points = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    model_dir = Path(__file__).resolve().parents[2] / "data" / "model"
    torch.set_num_threads(1)
    ig = Attributor(str(model_dir), points)
    records = [json.loads(line) for line in open(run / "selected.jsonl")]
    answer_scores, chain_scores, roles, middle, walkthrough, mine = [], [], [], [], [], []
    # Per chain target: mean share per earlier segment of each kind, and whether the largest share is a source.
    kinds = {"holds a number the target writes": [], "holds other numbers": [], "holds no number": []}
    top_is_source, targets_with_source = 0, 0
    by_role = {}  # (kind, role of the earlier segment) -> its shares
    started = time.time()
    for r in records:
        ids, segs, answer = spans(ig.tok, r)
        m = len(segs)
        attr = ig.attribute(ids, answer)
        s = strengths(attr, segs)
        walkthrough += r["strength"]
        mine += s
        # The flow: importance from the answer, then from each segment's written digits, back to the segments before.
        importance = [0.0] * m
        for i, share in enumerate(s):
            importance[i] += share
        for j in range(m - 1, 0, -1):
            a, b = segs[j]
            digits = [t for t in range(a, b) if ig.tok.decode([ids[t]]).strip().isdigit()]
            if not digits or importance[j] == 0:
                continue
            before = ig.attribute(ids[:b], digits)
            u = (0, segs[0][0])  # the prompt takes its share too (the question's numbers), but is not scored
            shares = strengths(before, [u] + segs[:j])
            for i in range(j):
                importance[i] += importance[j] * shares[i + 1]
            texts = [u_text(r)] + r["segments"][:j]
            written = numbers(r["segments"][j])
            kind = ["holds a number the target writes" if numbers(t) & written else "holds other numbers" if numbers(t)
                    else "holds no number" for t in texts]
            for k in kinds:
                chosen = [sh for sh, kk in zip(shares, kind) if kk == k]
                if chosen:
                    kinds[k].append(sum(chosen) / len(chosen))
            for sh, kk, role in zip(shares, kind, ["prompt"] + r["segment_roles"][:j]):
                by_role.setdefault((kk, role), []).append(sh)
            if "holds a number the target writes" in kind:
                targets_with_source += 1
                top_is_source += kind[max(range(len(shares)), key=lambda i: shares[i])] == "holds a number the target writes"
        answer_scores += s
        chain_scores += importance
        roles += [x in IMPORTANT for x in r["segment_roles"]]
        middle += [0 < i < m - 2 for i in range(m)]
    seconds = time.time() - started

    def row(name, scores):
        mid = [x for x, k in zip(scores, middle) if k]
        mid_roles = [x for x, k in zip(roles, middle) if k]
        return f"| {name} | {auroc(scores, roles):.3f} | {auroc(mid, mid_roles):.3f} |"

    print(f"Chain probe on {len(records)} traces of {run} ({points} midpoint points, pad baseline, one thread, "
          f"{seconds:.0f} s; torch {torch.__version__}).")
    print(f"The answer scorer here against the walkthrough's own strengths: Pearson r = {pearson(walkthrough, mine):.3f} "
          f"over {len(mine)} segments.\n")
    print("| scorer | AUROC important vs unimportant | middle segments |")
    print("|---|---|---|")
    print(row("answer: strength for log p(answer) (the method)", answer_scores))
    print(row("chain: importance flowed back from the answer through each segment's written digits", chain_scores))
    print("\nWhere a chain target's attribution goes (strength share of one earlier segment, the prompt included, "
          "averaged per target, then over targets):\n")
    print("| earlier segment | targets | mean share per segment |")
    print("|---|---|---|")
    for k, v in kinds.items():
        print(f"| {k} | {len(v)} | {sum(v) / len(v):.3f} |" if v else f"| {k} | 0 | n/a |")
    print("\nThe same shares by the earlier segment's role (mean share, segments):\n")
    order = ["prompt", "essential", "reflective", "redundant", "truncated"]
    print("| earlier segment | " + " | ".join(order) + " |")
    print("|---|" + "---|" * len(order))
    for k in kinds:
        cells = [f"{sum(v) / len(v):.3f} ({len(v)})" if (v := by_role.get((k, role))) else "-" for role in order]
        print(f"| {k} | " + " | ".join(cells) + " |")
    print(f"\nThe largest share goes to a segment holding one of the target's numbers for {top_is_source} of the "
          f"{targets_with_source} targets that have such a segment before them.")


if __name__ == "__main__":
    main()

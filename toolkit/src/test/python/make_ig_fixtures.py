#!/usr/bin/env python3
"""Golden fixtures for dev.segattr.attribution: integrated gradients by the reference recipe, in PyTorch.

    pip install torch transformers safetensors numpy
    python toolkit/src/test/python/make_ig_fixtures.py        # (re)writes the fixture; the Java tests never run Python

Output, under toolkit/src/test/resources/fixtures/attribution/ig_qwen3/:
    tokenizer.json, tokenizer_config.json (+ chat_template.jinja)   a tiny byte-level BPE tokenizer (vocab 400)
        trained here on a few math sentences, with DeepSeek-R1-Distill-Qwen's special tokens and chat template
    config.json, model.safetensors    a tiny random Qwen3 model (hidden 32, 2 layers, vocab 400), float32
    case.json    the trace, the strings and ids of U + C + A, the answer and segment token ranges, and, computed
                 in float32 by the recipe below: F(x), F(x'), the token attributions (pad and zero baselines),
                 and the per-token log-probs and entropies at x

The recipe (METHOD.md section 2), written out independently of the Java code:
    U = apply_chat_template([user: question + INSTRUCTION], add_generation_prompt=True), C = the trace,
    A = "</think> So, the final answer is \\boxed{" + answer + "}"; the whole string is tokenised once.
    Answer tokens: those whose char span lies inside the braces (a token carrying "{" or "}" is out).
    Segment s owns the tokens whose first char lies in it.
    F(e) = sum over answer positions p of log_softmax(logits(e)[p - 1])[ids[p]].
    x = embeddings of ids, x' = the pad token's embedding at every position; alpha = linspace(0, 1, J);
    one alpha per pass; gradients averaged; a_i = sum_h (x - x')_ih * mean_grad_ih.
"""
import json
import os
import shutil

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast, Qwen3Config

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))
OUT = os.path.join(RESOURCES, "attribution", "ig_qwen3")
R1_TEMPLATE = os.path.join(RESOURCES, "tokenizers", "deepseek_r1_distill_qwen", "chat_template.jinja")

INSTRUCTION = "\nPlease reason step by step, and put your final answer within \\boxed{}."
ANSWER_PREFIX = "</think> So, the final answer is \\boxed{"
KEYWORDS = ["\n\nWait", "\n\nAlternatively", "\n\nBut wait", "\n\nBut alternatively", "\n\nBut just to",
            "\n\nHowever", "\n\nNot sure", "\n\nGoing back", "\n\nBacktrack", "\n\nTrace back", "\n\nAnother"]
SPECIALS = ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>", "<think>", "</think>"]
STEPS = 50

QUESTION = "What is 17 * 23?"
REASONING = ("Let me compute 17 * 23. First 17 * 20 = 340 and 17 * 3 = 51, so 340 + 51 = 391."
             "\n\nWait, let me check it another way: 23 * 17 = 23 * 10 + 23 * 7 = 230 + 161 = 391."
             "\n\nAlternatively, 17 * 23 = (20 - 3) * 23 = 460 - 69 = 391."
             "\n\nBut wait, is 391 divisible by 17? Yes: 391 / 17 = 23."
             "\n\nHowever we compute it, the product is 391. So the answer is 391.")
ANSWER = "391"

CORPUS = [
    "Let me compute the product of two numbers step by step.",
    "Wait, let me check the sum again: 230 + 161 = 391.",
    "Alternatively, we can write 17 as 20 - 3 and expand the product.",
    "So the final answer is 391, and the product is correct.",
    "First compute 17 * 20 = 340, then 17 * 3 = 51, and add them.",
    "Please reason step by step, and put your final answer within \\boxed{}.",
    "What is the value of x if 2x + 3 = 11? Then x = 4.",
    "However, another way to check it is to divide 391 by 23 and get 17.",
] * 20


def split(reasoning):
    """The reference segmenter: split before every keyword occurrence (no empty segment 0 here)."""
    cuts = sorted({i for k in KEYWORDS for i in range(len(reasoning)) if reasoning.startswith(k, i)})
    bounds = [0] + [c for c in cuts if c > 0] + [len(reasoning)]
    return [reasoning[a:b] for a, b in zip(bounds, bounds[1:])]


def make_tokenizer(folder):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    with open(R1_TEMPLATE) as f:
        template = f.read()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=SPECIALS[0], eos_token=SPECIALS[1],
                                   pad_token=SPECIALS[1])
    fast.chat_template = template
    fast.save_pretrained(folder)
    return PreTrainedTokenizerFast.from_pretrained(folder)


def make_model(folder, vocab, pad_id):
    config = Qwen3Config(
        vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, head_dim=16, rms_norm_eps=1e-6, max_position_embeddings=1024,
        tie_word_embeddings=False, bos_token_id=0, eos_token_id=1, pad_token_id=pad_id,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    torch.manual_seed(2026)
    model = AutoModelForCausalLM.from_config(config, attn_implementation="eager", dtype=torch.float32)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
            elif "embed_tokens" in name:
                p.copy_(torch.randn_like(p))  # the pad row too: a pad baseline that is not a zero baseline
            else:
                p.copy_(torch.randn_like(p) / p.shape[1] ** 0.5)
    model.save_pretrained(folder)
    return AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager", dtype=torch.float32).eval()


def answer_logprob(model, embeds, ids, a_from, a_to):
    logits = model(inputs_embeds=embeds).logits[0, a_from - 1:a_to - 1].float()
    logp = torch.log_softmax(logits, dim=-1)
    return logp.gather(1, ids[a_from:a_to, None]).sum()


def integrated_gradients(model, ids, a_from, a_to, baseline_row):
    embed = model.get_input_embeddings()
    x = embed(ids[None]).detach()                           # (1, T, H)
    base = baseline_row.detach().expand_as(x).clone()       # (1, T, H)
    total = torch.zeros_like(x)
    for alpha in torch.linspace(0, 1, STEPS):
        point = (base + alpha * (x - base)).requires_grad_(True)
        f = answer_logprob(model, point, ids, a_from, a_to)
        (grad,) = torch.autograd.grad(f, point)
        total += grad
    attributions = ((x - base) * (total / STEPS)).sum(-1)[0]
    with torch.no_grad():
        fx = answer_logprob(model, x, ids, a_from, a_to).item()
        fb = answer_logprob(model, base, ids, a_from, a_to).item()
    return attributions, fx, fb


def main():
    torch.set_num_threads(1)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    tokenizer = make_tokenizer(OUT)
    pad_id = tokenizer.pad_token_id
    model = make_model(OUT, len(tokenizer), pad_id)
    for p in model.parameters():
        p.requires_grad_(False)

    prompt = tokenizer.apply_chat_template([{"role": "user", "content": QUESTION + INSTRUCTION}],
                                           tokenize=False, add_generation_prompt=True)
    suffix = ANSWER_PREFIX + ANSWER + "}"
    text = prompt + REASONING + suffix
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = torch.tensor(enc["input_ids"])
    offsets = enc["offset_mapping"]
    assert text.isascii() or all(ord(c) <= 0xFFFF for c in text), "offsets below assume no surrogate pairs"

    answer_start = len(prompt) + len(REASONING) + len(ANSWER_PREFIX)
    answer_end = answer_start + len(ANSWER)
    inside = [i for i, (s, e) in enumerate(offsets) if s >= answer_start and e <= answer_end]
    a_from, a_to = inside[0], inside[-1] + 1
    assert inside == list(range(a_from, a_to))

    segments = split(REASONING)
    assert "".join(segments) == REASONING
    ranges, start = [], len(prompt)
    for seg in segments:
        owned = [i for i, (s, e) in enumerate(offsets) if start <= s < start + len(seg)]
        ranges.append([owned[0], owned[-1] + 1] if owned else [None, None])
        start += len(seg)

    embed = model.get_input_embeddings()
    pad_row = embed(torch.tensor([[pad_id]]))
    attr_pad, fx, fb = integrated_gradients(model, ids, a_from, a_to, pad_row)
    attr_zero, _, fb_zero = integrated_gradients(model, ids, a_from, a_to, torch.zeros_like(pad_row))

    with torch.no_grad():
        logp = torch.log_softmax(model(input_ids=ids[None]).logits[0].float(), dim=-1)   # (T, V)
        token_logprobs = [None] + logp[:-1].gather(1, ids[1:, None])[:, 0].tolist()
        entropy = -(logp.exp() * logp).sum(-1)                                           # (T)
        token_entropies = [None] + entropy[:-1].tolist()

    case = {
        "transformers": transformers.__version__, "torch": torch.__version__,
        "question": QUESTION, "reasoning": REASONING, "answer": ANSWER, "segments": segments,
        "prompt": prompt, "text": text, "ids": ids.tolist(), "offsets": [list(o) for o in offsets],
        "pad_id": pad_id, "answer_from": a_from, "answer_to": a_to, "segment_token_ranges": ranges,
        "steps": STEPS, "points": "reference",
        "target_logprob": fx, "baseline_logprob": fb, "attributions": attr_pad.tolist(),
        "convergence_delta": attr_pad.sum().item() - (fx - fb),
        "zero_baseline_logprob": fb_zero, "attributions_zero": attr_zero.tolist(),
        "token_logprobs": token_logprobs, "token_entropies": token_entropies,
    }
    with open(os.path.join(OUT, "case.json"), "w") as f:
        json.dump(case, f, indent=1)
    print(f"{len(ids)} tokens, answer [{a_from}, {a_to}), segments {ranges}, F(x) {fx:.5f}, F(x') {fb:.5f}, "
          f"delta {case['convergence_delta']:.4g}; files {sorted(os.listdir(OUT))}")


if __name__ == "__main__":
    main()

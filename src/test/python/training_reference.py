#!/usr/bin/python3
"""Reference training steps for the trainer, computed with PyTorch (Debian python3-torch; tests only).

A tiny pre-norm GPT in our parameter names (layers.N.attn.q.weight, ...) takes three optimizer steps, each of two
accumulated micro-batches, with global-norm clipping, torch.optim.AdamW in nanoGPT's two parameter groups (decay on
the attention/feed-forward matrices only) and a cosine schedule with warm-up. The Java trainer starts from the same
weights, sees the same batches and must report the same losses and grad norms and end with the same weights.

Run from the repository root:  /usr/bin/python3 src/test/python/training_reference.py
It rewrites src/test/resources/fixtures/training/ (a few KB).
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from model_reference import save_safetensors  # noqa: E402

torch.set_num_threads(1)
OUT = "src/test/resources/fixtures/training"
V, T, C, L, H = 11, 8, 16, 2, 2
B, ACC, STEPS = 2, 2, 3
LR, MIN_LR, WARMUP, WD, CLIP, BETAS, EPS = 3e-2, 3e-3, 1, 0.1, 0.5, (0.9, 0.99), 1e-8


def init():
    torch.manual_seed(7)
    r = lambda *s: torch.randn(*s) * 0.3
    sd = {"tok_emb.weight": r(V, C), "pos_emb.weight": r(T, C)}
    for i in range(L):
        p = f"layers.{i}."
        sd[p + "norm1.weight"] = 1 + r(C); sd[p + "norm1.bias"] = r(C)
        for n in "qkvo":
            sd[p + f"attn.{n}.weight"] = r(C, C); sd[p + f"attn.{n}.bias"] = r(C)
        sd[p + "norm2.weight"] = 1 + r(C); sd[p + "norm2.bias"] = r(C)
        sd[p + "ffn.up.weight"] = r(4 * C, C); sd[p + "ffn.up.bias"] = r(4 * C)
        sd[p + "ffn.down.weight"] = r(C, 4 * C); sd[p + "ffn.down.bias"] = r(C)
    sd["final_norm.weight"] = 1 + r(C); sd["final_norm.bias"] = r(C)
    return sd


def forward(sd, ids):
    b, t = ids.shape
    x = sd["tok_emb.weight"][ids] + sd["pos_emb.weight"][:t]
    mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
    for i in range(L):
        p = f"layers.{i}."
        lin = lambda z, n: z @ sd[p + n + ".weight"].T + sd[p + n + ".bias"]
        h = F.layer_norm(x, (C,), sd[p + "norm1.weight"], sd[p + "norm1.bias"], 1e-5)
        q, k, v = (lin(h, "attn." + n).view(b, t, H, C // H).transpose(1, 2) for n in "qkv")
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        y = F.softmax(att.masked_fill(mask, float("-inf")), -1) @ v
        x = x + lin(y.transpose(1, 2).reshape(b, t, C), "attn.o")
        h = F.layer_norm(x, (C,), sd[p + "norm2.weight"], sd[p + "norm2.bias"], 1e-5)
        x = x + lin(F.gelu(lin(h, "ffn.up")), "ffn.down")
    x = F.layer_norm(x, (C,), sd["final_norm.weight"], sd["final_norm.bias"], 1e-5)
    return x @ sd["tok_emb.weight"].T  # tied head


def lr_at(step):  # LrSchedule, cosine with warm-up, steps 1-based
    if step <= WARMUP:
        return LR * step / WARMUP
    p = (step - WARMUP) / (STEPS - WARMUP)
    return MIN_LR + 0.5 * (LR - MIN_LR) * (1 + math.cos(math.pi * p))


def main():
    sd = init()
    save_sd = {k: v.clone() for k, v in sd.items()}
    params = {k: v.requires_grad_() for k, v in sd.items()}
    decay = [v for k, v in params.items() if k.endswith(".weight") and (".attn." in k or ".ffn." in k)]
    no_decay = [v for k, v in params.items() if not (k.endswith(".weight") and (".attn." in k or ".ffn." in k))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=LR, betas=BETAS, eps=EPS)
    g = torch.Generator().manual_seed(3)
    batches = torch.randint(0, V, (STEPS, ACC, B, T + 1), generator=g)
    losses, norms, lrs = [], [], []
    for s in range(STEPS):
        lr = lr_at(s + 1)
        for group in opt.param_groups:
            group["lr"] = lr
        total = 0.0
        for m in range(ACC):
            x, y = batches[s, m, :, :-1], batches[s, m, :, 1:]
            loss = F.cross_entropy(forward(params, x).reshape(-1, V), y.reshape(-1))
            (loss / ACC).backward()
            total += loss.item()
        norm = torch.nn.utils.clip_grad_norm_(list(params.values()), CLIP)
        opt.step()
        opt.zero_grad(set_to_none=True)
        losses.append(total / ACC); norms.append(norm.item()); lrs.append(lr)
    os.makedirs(OUT, exist_ok=True)
    save_safetensors(save_sd, f"{OUT}/initial.safetensors")
    save_safetensors({k: v.detach() for k, v in params.items()}, f"{OUT}/after-3-steps.safetensors")
    with open(f"{OUT}/steps.json", "w") as f:
        json.dump({"vocab": V, "context": T, "width": C, "layers": L, "heads": H, "batch": B, "accumulation": ACC,
                   "learning_rate": LR, "min_learning_rate": MIN_LR, "warmup": WARMUP, "weight_decay": WD, "clip": CLIP,
                   "betas": BETAS, "batches": batches.tolist(), "losses": losses, "grad_norms": norms, "lrs": lrs}, f, indent=1)
    print("losses", losses, "norms", norms)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Training throughput of the baby GPT in PyTorch eager, nanoGPT-style: the reference for TrainerBench.

The model is nanoGPT's model.py (fused c_attn, manual causal attention since Debian's torch 1.13 has no
scaled_dot_product_attention, nn.GELU, LayerNorm with bias, dropout, tied head) and the step is train.py's:
forward, cross-entropy, backward, global-norm clipping at 1.0, AdamW (decay on 2-D weights), zero_grad.
Config: 4 layers, 4 heads, 128 wide, block 128, batch 16, char-level Tiny Shakespeare (65 tokens), dropout 0.1.

Debian's python3-torch uses OpenBLAS when libopenblas0-openmp is installed; without it it falls back to reference
BLAS and is far slower (an unfair baseline).
Run:  THREADS=2 STEPS=60 /usr/bin/python3 src/test/python/bench/train_baby_gpt.py
BLOCK and BATCH change the sequence length and batch (nanoGPT's shakespeare-char CPU recipe: BLOCK=64 BATCH=12 DROPOUT=0).
Prints one line: tokens per second at the median step, the median and the 95th-percentile step time in ms, over the
measured steps (after 10 warm-up steps).
"""
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(1337)
L, H, C, DROPOUT = 4, 4, 128, float(os.environ.get("DROPOUT", "0.1"))
T, B = int(os.environ.get("BLOCK", "128")), int(os.environ.get("BATCH", "16"))  # nanoGPT's CPU recipe: BLOCK=64 BATCH=12
WARMUP, STEPS = 10, int(os.environ.get("STEPS", "60"))

text = open("data/tinyshakespeare/input.txt", encoding="utf-8").read()
chars = sorted(set(text))
V = len(chars)
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = int(0.9 * len(data))
train = data[:n]


def get_batch():
    ix = torch.randint(len(train) - T, (B,))
    return torch.stack([train[i:i + T] for i in ix]), torch.stack([train[i + 1:i + T + 1] for i in ix])


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.attn_dropout = nn.Dropout(DROPOUT)
        self.resid_dropout = nn.Dropout(DROPOUT)
        self.register_buffer("bias", torch.tril(torch.ones(T, T)).view(1, 1, T, T))

    def forward(self, x):
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(b, t, H, c // H).transpose(1, 2)
        q = q.view(b, t, H, c // H).transpose(1, 2)
        v = v.view(b, t, H, c // H).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        att = self.attn_dropout(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.resid_dropout(self.c_proj(y))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(C)
        self.mlp = nn.Sequential(nn.Linear(C, 4 * C), nn.GELU(), nn.Linear(4 * C, C), nn.Dropout(DROPOUT))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.drop = nn.Dropout(DROPOUT)
        self.h = nn.ModuleList([Block() for _ in range(L)])
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.wte.weight = self.lm_head.weight  # tied

    def forward(self, idx, targets):
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(idx.size(1))))
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


model = GPT()
params = [p for p in model.parameters() if p.requires_grad]
opt = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
                         {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.99))
times = []
for step in range(WARMUP + STEPS):
    t0 = time.perf_counter()
    x, y = get_batch()
    loss = model(x, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)
    loss.item()
    if step >= WARMUP:
        times.append(time.perf_counter() - t0)
times.sort()
median = statistics.median(times)
p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
# the last line: tokens/s at the median step, then the median and 95th-percentile step times in ms
print(f"{B * T / median:.1f} {median * 1000:.3f} {p95 * 1000:.3f}")

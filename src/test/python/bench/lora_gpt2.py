#!/usr/bin/python3
"""One LoRA fine-tuning step of a GPT-2-small-shaped model in plain PyTorch eager: the reference for FineTuneBench.

The model is nanoGPT's GPT-2 (12 layers, 12 heads, 768 wide, vocabulary 50,257, learned positions, LayerNorm with
bias, GELU, tied head, no dropout), random weights. LoRA as PEFT writes it (peft/tuners/lora/layer.py, Linear.forward):
    y = base(x) + lora_B(lora_A(x)) * (alpha / r)
with A (r x in) drawn like PEFT's kaiming-uniform init and B (out x r) at zero, on c_attn, attn.c_proj, c_fc and
mlp.c_proj (our qkv, o, up, down), r = 16, alpha = 32, every base weight frozen (requires_grad False). The step is
the app's: forward, cross-entropy, backward, global-norm clipping at 1.0 over the adapters, AdamW on the adapters
(lr 1e-4, no weight decay), zero_grad. Batches are random token ids (the speed does not depend on them).

Debian's python3-torch uses OpenBLAS when libopenblas0-openmp is installed; without it it falls back to reference
BLAS and is far slower (an unfair baseline). Run it with OMP_WAIT_POLICY=PASSIVE (the bench sets it).
Run:  THREADS=2 STEPS=8 B=4 T=128 /usr/bin/python3 src/test/python/bench/lora_gpt2.py
Prints one line: median tokens per second over the measured steps (after 2 warm-up steps) and peak resident MB.
"""
import math
import os
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(1337)
L, H, C, V, CTX = 12, 12, 768, 50257, 1024
B, T = int(os.environ.get("B", "4")), int(os.environ.get("T", "128"))
R, ALPHA = int(os.environ.get("R", "16")), 32.0
WARMUP, STEPS = 2, int(os.environ.get("STEPS", "8"))


class LoraLinear(nn.Module):
    """A frozen nn.Linear with a trainable low-rank update beside it (PEFT's lora.Linear, dropout 0)."""

    def __init__(self, base):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        base.bias.requires_grad_(False)
        self.lora_A = nn.Linear(base.in_features, R, bias=False)
        self.lora_B = nn.Linear(R, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.scaling = ALPHA / R

    def forward(self, x):
        return self.base(x) + self.lora_B(self.lora_A(x)) * self.scaling


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = LoraLinear(nn.Linear(C, 3 * C))
        self.c_proj = LoraLinear(nn.Linear(C, C))
        self.register_buffer("bias", torch.tril(torch.ones(T, T)).view(1, 1, T, T))

    def forward(self, x):
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(b, t, H, c // H).transpose(1, 2)
        q = q.view(b, t, H, c // H).transpose(1, 2)
        v = v.view(b, t, H, c // H).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(C)
        self.mlp = nn.Sequential(LoraLinear(nn.Linear(C, 4 * C)), nn.GELU(), LoraLinear(nn.Linear(4 * C, C)))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(CTX, C)
        self.h = nn.ModuleList([Block() for _ in range(L)])
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.wte.weight = self.lm_head.weight  # tied

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.size(1)))
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


model = GPT()
for name, p in model.named_parameters():  # the base: embeddings, norms, head and every linear layer stay frozen
    p.requires_grad_("lora_" in name)
params = [p for p in model.parameters() if p.requires_grad]
assert sum(p.numel() for p in params) == L * R * (C + 3 * C + C + C + C + 4 * C + 4 * C + C)
opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
times = []
for step in range(WARMUP + STEPS):
    t0 = time.perf_counter()
    x = torch.randint(V, (B, T))
    y = torch.randint(V, (B, T))
    loss = model(x, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)
    loss.item()
    if step >= WARMUP:
        times.append(time.perf_counter() - t0)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{B * T / statistics.median(times):.1f} {peak_mb:.0f}")

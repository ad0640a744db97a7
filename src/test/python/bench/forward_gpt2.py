#!/usr/bin/python3
"""GPT-2 small forward pass in PyTorch (batch 1, 128 tokens, random weights), the reference for ModelForwardBench.

Same architecture as our DJL transformer for the gpt2-small preset (learned positions, pre-LayerNorm, tanh GELU,
tied head), written with plain torch ops. Debian's python3-torch uses OpenBLAS when libopenblas0-openmp is installed;
without it it falls back to reference BLAS and is ~40x slower (an unfair baseline).
Prints one line: median milliseconds per forward pass over 20 runs after 5 warm-up runs.
"""
import math
import os
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(0)
V, T, C, L, H = 50257, 1024, 768, 12, 12
r = lambda *s: torch.randn(*s) * 0.02
W = {"wte": r(V, C), "wpe": r(T, C), "lnf_w": torch.ones(C), "lnf_b": torch.zeros(C)}
for i in range(L):
    W[i] = {"ln1_w": torch.ones(C), "ln1_b": torch.zeros(C), "q": r(C, C), "k": r(C, C), "v": r(C, C), "o": r(C, C),
            "qb": torch.zeros(C), "kb": torch.zeros(C), "vb": torch.zeros(C), "ob": torch.zeros(C),
            "ln2_w": torch.ones(C), "ln2_b": torch.zeros(C), "up": r(4 * C, C), "upb": torch.zeros(4 * C),
            "down": r(C, 4 * C), "downb": torch.zeros(C)}
mask = torch.triu(torch.full((128, 128), -1e9), 1)


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def forward(ids):
    t = ids.shape[1]
    x = W["wte"][ids] + W["wpe"][:t]
    for i in range(L):
        w = W[i]
        h = F.layer_norm(x, (C,), w["ln1_w"], w["ln1_b"], 1e-5)
        heads = lambda z: z.view(1, t, H, C // H).transpose(1, 2)
        q, k, v = heads(F.linear(h, w["q"], w["qb"])), heads(F.linear(h, w["k"], w["kb"])), heads(F.linear(h, w["v"], w["vb"]))
        att = (q @ k.transpose(-2, -1) / math.sqrt(C // H) + mask[:t, :t]).softmax(-1)
        x = x + F.linear((att @ v).transpose(1, 2).reshape(1, t, C), w["o"], w["ob"])
        h = F.layer_norm(x, (C,), w["ln2_w"], w["ln2_b"], 1e-5)
        x = x + F.linear(gelu_tanh(F.linear(h, w["up"], w["upb"])), w["down"], w["downb"])
    x = F.layer_norm(x, (C,), W["lnf_w"], W["lnf_b"], 1e-5)
    return F.linear(x, W["wte"])


ids = torch.randint(0, V, (1, 128))
with torch.no_grad():
    for _ in range(5):
        forward(ids)
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        forward(ids)
        times.append((time.perf_counter() - t0) * 1000)
print(f"{statistics.median(times):.2f}")

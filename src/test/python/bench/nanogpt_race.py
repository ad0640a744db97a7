#!/usr/bin/python3
"""nanoGPT's shakespeare-char CPU recipe, as nanoGPT's train.py and model.py run it: the PyTorch side of NanoGptRace.

The recipe (nanoGPT README, "I only have a macbook"): config/train_shakespeare_char.py with --device=cpu --compile=False
--eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000
--lr_decay_iters=2000 --dropout=0.0. So: GPTConfig.bias = False (LayerNorm without bias, Linear without bias), tied
wte/lm_head, N(0, 0.02) init with c_proj weights at 0.02/sqrt(2·n_layer), AdamW(betas 0.9, 0.99) with weight decay
0.1 on every parameter of 2+ dimensions (embeddings included) and none on the rest, lr 1e-3 with 100 warm-up
iterations and cosine decay to 1e-4 at 2,000, global-norm clipping at 1.0, batches of random windows of the first 90 %
of the text, the last 10 % for validation (prepare.py's split). Attention is the manual causal path of model.py
(Debian's torch 1.13 has no scaled_dot_product_attention, which model.py falls back from in the same way).

The race: every EVAL_INTERVAL iterations (clock stopped) the mean loss on EVAL_BATCHES fixed random val batches; the
time to the first evaluation with val <= TARGET counts the training time only (forward, backward, clip, step).
Run:  THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 src/test/python/bench/nanogpt_race.py
Prints "eval <iter> <train seconds> <val loss>" per evaluation, then one line: seconds to the target (-1: not reached),
the iteration it was reached at (-1), the final val loss, the total training seconds, the median and the
95th-percentile step time in ms.
"""
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
SEED = int(os.environ.get("SEED", "1337"))
torch.manual_seed(SEED)
n_layer, n_head, n_embd, block_size, batch_size, dropout = 4, 4, 128, 64, 12, 0.0
max_iters = int(os.environ.get("MAX_ITERS", "2000"))
lr_decay_iters, learning_rate, min_lr, warmup_iters = 2000, 1e-3, 1e-4, 100
weight_decay, beta1, beta2, grad_clip = 0.1, 0.9, 0.99, 1.0
EVAL_INTERVAL = int(os.environ.get("EVAL_INTERVAL", "100"))
EVAL_BATCHES = int(os.environ.get("EVAL_BATCHES", "100"))
TARGET = float(os.environ.get("TARGET", "1.90"))

text = open("data/tinyshakespeare/input.txt", encoding="utf-8").read()
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = len(data)
train_data, val_data = data[:int(n * 0.9)], data[int(n * 0.9):]
vocab_size = len(chars)


def get_batch(d, gen=None):
    ix = torch.randint(len(d) - block_size, (batch_size,), generator=gen)
    return torch.stack([d[i:i + block_size] for i in ix]), torch.stack([d[i + 1:i + 1 + block_size] for i in ix])


class LayerNorm(nn.Module):
    """model.py's LayerNorm with an optional bias (bias=False here)."""

    def __init__(self, ndim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=False)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=False)
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        k = k.view(b, t, n_head, c // n_head).transpose(1, 2)
        q = q.view(b, t, n_head, c // n_head).transpose(1, 2)
        v = v.view(b, t, n_head, c // n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=False)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=False)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.attn, self.ln_2, self.mlp = LayerNorm(n_embd), CausalSelfAttention(), LayerNorm(n_embd), MLP()

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block() for _ in range(n_layer)])
        self.ln_f = LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.size(1)))
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def get_lr(it):
    if it < warmup_iters:
        return learning_rate * (it + 1) / (warmup_iters + 1)
    if it > lr_decay_iters:
        return min_lr
    ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (learning_rate - min_lr)


model = GPT()
params = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
                               {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}],
                              lr=learning_rate, betas=(beta1, beta2))
gen = torch.Generator().manual_seed(SEED + 1)
val_batches = [get_batch(val_data, gen) for _ in range(EVAL_BATCHES)]  # the same val batches at every evaluation


@torch.no_grad()
def val_loss():
    model.eval()
    loss = sum(model(x, y).item() for x, y in val_batches) / len(val_batches)
    model.train()
    return loss


trained, reached_at, reached_iter, last, times = 0.0, -1.0, -1, float("nan"), []
for it in range(max_iters + 1):
    if it % EVAL_INTERVAL == 0 and it > 0:
        last = val_loss()
        print(f"eval {it} {trained:.3f} {last:.4f}", flush=True)
        if reached_iter < 0 and last <= TARGET:
            reached_at, reached_iter = trained, it
    if it == max_iters:
        break
    t0 = time.perf_counter()
    for g in optimizer.param_groups:
        g["lr"] = get_lr(it)
    x, y = get_batch(train_data)
    loss = model(x, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    loss.item()
    step_time = time.perf_counter() - t0
    trained += step_time
    times.append(step_time)
times.sort()
p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
print(f"{reached_at:.3f} {reached_iter} {last:.4f} {trained:.3f} {times[len(times) // 2] * 1000:.3f} {p95 * 1000:.3f}")

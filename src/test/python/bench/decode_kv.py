#!/usr/bin/python3
"""Batch-1 greedy decoding with a KV cache in PyTorch eager: the reference for GenerationBench.

The model is the app's transformer layout (pre-LayerNorm GPT: learned positions, separate q/k/v projections with
bias, exact GELU, tied head), written the way Hugging Face's GPT-2 decodes: the prompt is read once (prefill), then
each step feeds one token and appends its keys and values to the cache with torch.cat. torch.no_grad, eval mode.

MODEL=shakespeare  loads models/shakespeare-char (the bundled weights) and also prints the greedy ids for the
                   prompt "ROMEO:\\n", which the Java test suite uses as golden values.
MODEL=gpt2         GPT-2 small (124M) with random weights (speed only), a 32-token prompt.
SAMPLE=1           samples at temperature 0.8 with top-p 0.9 instead of greedy decoding.
Run:  THREADS=2 MODEL=shakespeare RUNS=20 NEW=100 /usr/bin/python3 src/test/python/bench/decode_kv.py
Prints JSON: median time to first token (ms), median per-token latency after it (ms), tokens/s over the whole
generation, and the generated ids of the last run.
"""
import json
import math
import os
import statistics
import struct
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
MODEL = os.environ.get("MODEL", "shakespeare")
RUNS = int(os.environ.get("RUNS", "20"))
NEW = int(os.environ.get("NEW", "100"))
WARMUP = int(os.environ.get("WARMUP", "3"))
# SAMPLE=1: sampling at temperature 0.8 with top-p 0.9 (Hugging Face's TopPLogitsWarper: keep the smallest set of
# tokens whose probabilities reach p, renormalise, draw) instead of greedy argmax
SAMPLE = os.environ.get("SAMPLE", "0") == "1"
generator = torch.Generator().manual_seed(42)


def pick(logits):
    if not SAMPLE:
        return int(torch.argmax(logits))
    probs = F.softmax(logits / 0.8, dim=-1)
    sorted_probs, order = torch.sort(probs, descending=True)
    cumulative = torch.cumsum(sorted_probs, dim=-1)
    sorted_probs[(cumulative - sorted_probs) > 0.9] = 0  # drop a token once the ones before it reach p
    choice = torch.multinomial(sorted_probs / sorted_probs.sum(), 1, generator=generator)
    return int(order[choice])


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(meta["shape"])
    return out


class GPT:
    def __init__(self, w, layers, heads, d, context):
        self.w, self.layers, self.heads, self.d, self.context = w, layers, heads, d, context
        self.hs = d // heads

    def ln(self, x, name):
        return F.layer_norm(x, (self.d,), self.w[name + ".weight"], self.w[name + ".bias"], 1e-5)

    def lin(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def forward(self, ids, cache):
        """ids (1, T) after the cached positions; returns the last position's logits (V,)."""
        b, t = ids.shape
        past = 0 if cache[0] is None else cache[0][0].shape[2]
        x = self.w["tok_emb.weight"][ids] + self.w["pos_emb.weight"][past:past + t]
        for i in range(self.layers):
            p = "layers.%d." % i
            h = self.ln(x, p + "norm1")
            q = self.lin(h, p + "attn.q").view(b, t, self.heads, self.hs).transpose(1, 2)
            k = self.lin(h, p + "attn.k").view(b, t, self.heads, self.hs).transpose(1, 2)
            v = self.lin(h, p + "attn.v").view(b, t, self.heads, self.hs).transpose(1, 2)
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            cache[i] = (k, v)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.hs))
            if t > 1:
                mask = torch.ones(t, past + t).tril(diagonal=past) == 0
                att = att.masked_fill(mask, float("-inf"))
            y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous().view(b, t, self.d)
            x = x + self.lin(y, p + "attn.o")
            h = self.ln(x, p + "norm2")
            x = x + self.lin(F.gelu(self.lin(h, p + "ffn.up")), p + "ffn.down")
        x = self.ln(x[:, -1, :], "final_norm")
        return F.linear(x, self.w["tok_emb.weight"])[0]


def setup():
    if MODEL == "shakespeare":
        w = load_safetensors("models/shakespeare-char/model.safetensors")
        chars = json.load(open("models/shakespeare-char/checkpoint.json"))["tokenizer"]["chars"]
        prompt = [chars.index(c) for c in "ROMEO:\n"]
        return GPT(w, 4, 4, 128, 128), prompt
    torch.manual_seed(0)
    d, layers, v, ctx = 768, 12, 50257, 1024
    w = {"tok_emb.weight": torch.randn(v, d) * 0.02, "pos_emb.weight": torch.randn(ctx, d) * 0.02,
         "final_norm.weight": torch.ones(d), "final_norm.bias": torch.zeros(d)}
    for i in range(layers):
        p = "layers.%d." % i
        for n in ("norm1", "norm2"):
            w[p + n + ".weight"], w[p + n + ".bias"] = torch.ones(d), torch.zeros(d)
        for n in ("attn.q", "attn.k", "attn.v", "attn.o"):
            w[p + n + ".weight"], w[p + n + ".bias"] = torch.randn(d, d) * 0.02, torch.zeros(d)
        w[p + "ffn.up.weight"], w[p + "ffn.up.bias"] = torch.randn(4 * d, d) * 0.02, torch.zeros(4 * d)
        w[p + "ffn.down.weight"], w[p + "ffn.down.bias"] = torch.randn(d, 4 * d) * 0.02, torch.zeros(d)
    return GPT(w, layers, 12, d, ctx), [(i * 7919) % v for i in range(32)]


def generate(model, prompt, new):
    cache = [None] * model.layers
    ids = []
    start = time.perf_counter()
    logits = model.forward(torch.tensor([prompt]), cache)
    ids.append(pick(logits))
    first = time.perf_counter()
    for _ in range(new - 1):
        logits = model.forward(torch.tensor([[ids[-1]]]), cache)
        ids.append(pick(logits))
    end = time.perf_counter()
    return ids, (first - start) * 1000, (end - first) * 1000 / (new - 1), new / (end - start)


with torch.no_grad():
    model, prompt = setup()
    for _ in range(WARMUP):
        generate(model, prompt, NEW)
    ttft, per, tps = [], [], []
    for _ in range(RUNS):
        ids, a, b, c = generate(model, prompt, NEW)
        ttft.append(a)
        per.append(b)
        tps.append(c)
    print(json.dumps({"ttft_ms": statistics.median(ttft), "per_token_ms": statistics.median(per),
                      "tokens_per_second": statistics.median(tps), "ids": ids}))

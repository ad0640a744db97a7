#!/usr/bin/python3
"""Multiple-choice scoring as lm-evaluation-harness 0.4 requests it, in plain PyTorch eager: the reference for
EvaluationBench.

Every (context, continuation) pair is one request and one forward pass, as HFLM._loglikelihood_tokens runs them with
batch size 1: input = (context + continuation)[-(max_length + 1):][:-1], logits (1, T, V), log_softmax over the last
len(continuation) positions, the continuation's tokens gathered and summed. (lm-eval 0.4's logits cache can group
requests whose continuation is one token after the same context; this script is the per-request scoring the issue
names as the baseline.) The model is Hugging Face's GPT-2 (Conv1D weights [in, out], tanh GELU, pre-LayerNorm,
tied head), written with plain torch ops under torch.no_grad():
  MODEL=gpt2-mini   the bundled models/gpt2-mini weights (so both sides compute the same numbers, checked by the bench)
  MODEL=gpt2-small  12 layers, 12 heads, 768 wide, random weights (speed only)
The requests (token ids, made by the app's tokenizer) come from the JSON file REQUESTS:
  {"questions": [{"context": [ids], "continuations": [[ids], ...]}, ...]}
Debian's python3-torch needs libopenblas0-openmp (else reference BLAS, far slower) and OMP_WAIT_POLICY=PASSIVE.
Run:  THREADS=2 MODEL=gpt2-mini REQUESTS=/tmp/requests.json /usr/bin/python3 src/test/python/bench/mc_per_choice.py
Prints one JSON line: seconds spent scoring, questions, requests (forward passes), and every log-likelihood.
"""
import json
import math
import os
import struct
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
MODEL = os.environ.get("MODEL", "gpt2-mini")


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name != "__metadata__":
            a, b = meta["data_offsets"]
            out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(meta["shape"])
    return out


if MODEL == "gpt2-mini":
    W = load_safetensors("models/gpt2-mini/model.safetensors")
    L, H, C, V, CTX = 2, 4, 64, 50257, 1024
else:
    torch.manual_seed(1337)
    L, H, C, V, CTX = 12, 12, 768, 50257, 1024
    r = lambda *s: torch.randn(*s) * 0.02
    W = {"transformer.wte.weight": r(V, C), "transformer.wpe.weight": r(CTX, C),
         "transformer.ln_f.weight": torch.ones(C), "transformer.ln_f.bias": torch.zeros(C)}
    for i in range(L):
        p = f"transformer.h.{i}."
        W.update({p + "ln_1.weight": torch.ones(C), p + "ln_1.bias": torch.zeros(C), p + "ln_2.weight": torch.ones(C),
                  p + "ln_2.bias": torch.zeros(C), p + "attn.c_attn.weight": r(C, 3 * C), p + "attn.c_attn.bias": torch.zeros(3 * C),
                  p + "attn.c_proj.weight": r(C, C), p + "attn.c_proj.bias": torch.zeros(C),
                  p + "mlp.c_fc.weight": r(C, 4 * C), p + "mlp.c_fc.bias": torch.zeros(4 * C),
                  p + "mlp.c_proj.weight": r(4 * C, C), p + "mlp.c_proj.bias": torch.zeros(C)})
MASK = torch.triu(torch.full((CTX, CTX), float("-inf")), 1)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def conv1d(x, name):  # Hugging Face's Conv1D: y = x @ W + b, W stored [in, out]
    return torch.addmm(W[name + ".bias"], x.view(-1, x.size(-1)), W[name + ".weight"]).view(*x.shape[:-1], -1)


def forward(ids):
    t = ids.shape[1]
    x = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][:t]
    hs = C // H
    for i in range(L):
        p = f"transformer.h.{i}."
        h = F.layer_norm(x, (C,), W[p + "ln_1.weight"], W[p + "ln_1.bias"], 1e-5)
        q, k, v = conv1d(h, p + "attn.c_attn").split(C, dim=2)
        q, k, v = (z.view(1, t, H, hs).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1) / math.sqrt(hs) + MASK[:t, :t]).softmax(-1)
        x = x + conv1d((att @ v).transpose(1, 2).reshape(1, t, C), p + "attn.c_proj")
        h = F.layer_norm(x, (C,), W[p + "ln_2.weight"], W[p + "ln_2.bias"], 1e-5)
        x = x + conv1d(gelu_new(conv1d(h, p + "mlp.c_fc")), p + "mlp.c_proj")
    x = F.layer_norm(x, (C,), W["transformer.ln_f.weight"], W["transformer.ln_f.bias"], 1e-5)
    return F.linear(x, W["transformer.wte.weight"])


def loglikelihood(context, continuation):
    whole = (context + continuation)[-(CTX + 1):][:-1]
    logits = forward(torch.tensor([whole]))
    logp = F.log_softmax(logits[0, -len(continuation):], dim=-1)
    return logp.gather(1, torch.tensor(continuation).unsqueeze(1)).sum().item()


questions = json.load(open(os.environ["REQUESTS"]))["questions"]
with torch.no_grad():
    for q in questions[:int(os.environ.get("WARMUP", "20"))]:  # warm-up, as the Java side gets
        for c in q["continuations"]:
            loglikelihood(q["context"], c)
    start = time.perf_counter()
    lls = [[loglikelihood(q["context"], c) for c in q["continuations"]] for q in questions]
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "questions": len(questions), "requests": sum(len(q["continuations"]) for q in questions),
                  "loglikelihoods": lls}))

#!/usr/bin/python3
"""Proof that an exported Hugging Face folder is what transformers would load: Debian's PyTorch reads it back.

HfModelExportTest exports the bundled GPT-2 mini to target/export-check/gpt2-mini (config.json + model.safetensors, the
layout of GPT2LMHeadModel). This script reads that folder with its own safetensors reader (the safetensors package is
not installed here), builds nothing from our code, runs GPT2LMHeadModel's forward from config.json alone
(model_reference.py's definitions: Conv1D weights (in, out), fused c_attn, gelu_new, tied head), and writes
src/test/resources/fixtures/export/gpt2-mini.json: the file's sha256 (so the fixture names the exact bytes it read),
the input ids, the argmax at each position and every 97th logit of each position. HfModelExportTest then asserts that our
model's logits agree to 1e-4.

Run from the repository root after HfModelExportTest has run once:  /usr/bin/python3 src/test/python/export_reference.py
"""
import hashlib
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
SRC = "target/export-check/gpt2-mini"
OUT = "src/test/resources/fixtures/export/gpt2-mini.json"
STRIDE = 97
IDS = [464, 3290, 286, 1204, 318, 281, 1468, 11, 290, 262, 1578, 373]  # 12 GPT-2 token ids of ordinary English words


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", (k, v["dtype"])
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy()).reshape(v["shape"])
    return out


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gpt2_forward(sd, cfg, ids):
    C, L, H, eps = cfg["n_embd"], cfg["n_layer"], cfg["n_head"], cfg["layer_norm_epsilon"]
    act = gelu_new if cfg["activation_function"] == "gelu_new" else F.gelu
    T = ids.shape[1]
    x = sd["transformer.wte.weight"][ids] + sd["transformer.wpe.weight"][:T]
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
    for i in range(L):
        p = f"transformer.h.{i}."
        h = F.layer_norm(x, (C,), sd[p + "ln_1.weight"], sd[p + "ln_1.bias"], eps)
        q, k, v = (h @ sd[p + "attn.c_attn.weight"] + sd[p + "attn.c_attn.bias"]).split(C, dim=2)
        heads = lambda z: z.view(1, T, H, C // H).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(C // H)).masked_fill(mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(1, T, C)
        x = x + y @ sd[p + "attn.c_proj.weight"] + sd[p + "attn.c_proj.bias"]
        h = F.layer_norm(x, (C,), sd[p + "ln_2.weight"], sd[p + "ln_2.bias"], eps)
        x = x + act(h @ sd[p + "mlp.c_fc.weight"] + sd[p + "mlp.c_fc.bias"]) @ sd[p + "mlp.c_proj.weight"] + sd[p + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (C,), sd["transformer.ln_f.weight"], sd["transformer.ln_f.bias"], eps)
    head = sd["transformer.wte.weight"] if cfg.get("tie_word_embeddings", True) else sd["lm_head.weight"]
    return (x @ head.T)[0]


if __name__ == "__main__":
    with open(f"{SRC}/config.json") as f:
        cfg = json.load(f)
    assert cfg["model_type"] == "gpt2" and cfg["architectures"] == ["GPT2LMHeadModel"]
    with open(f"{SRC}/model.safetensors", "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    sd = read_safetensors(f"{SRC}/model.safetensors")
    with torch.no_grad():
        logits = gpt2_forward(sd, cfg, torch.tensor([IDS]))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "src/test/python/export_reference.py, torch " + torch.__version__, "model_sha256": sha, "input_ids": IDS,
                   "vocab_stride": STRIDE, "argmax": logits.argmax(-1).tolist(),
                   "logits": [round(float(v), 6) for v in logits[:, ::STRIDE].reshape(-1)]}, f)
    print("wrote", OUT, "from", SRC, sha)

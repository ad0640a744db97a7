#!/usr/bin/python3
"""Reference activations for the weight importers, computed with PyTorch (Debian python3-torch; tests only).

For each format it writes the weights as the format stores them and a reference.safetensors with the input ids and
what PyTorch computes from those weights: logits, the residual stream after block 0, and layer 0's attention.
The Java tests load the same weights through our importers into our DJL transformer and must agree to 1e-4.

The models here are written from the formats' own definitions, not imported from their libraries (not installed):
  - gpt2-tiny:  Hugging Face GPT2LMHeadModel layout (Conv1D weights stored (in, out), fused c_attn, gelu_new, tied)
  - llama-tiny: Hugging Face LlamaForCausalLM layout (rotate-half RoPE, RMSNorm, SwiGLU, grouped-query attention),
                once in float32 and once in bfloat16 (the reference uses the bf16-rounded weights in float32)
  - stories260K: llama2.c model.py (interleaved RoPE via complex numbers, Meta's layout) on the bundled checkpoint
  - gpt-nano-sort: minGPT (nn.Linear layout, NewGELU, untied head) on the bundled JSON checkpoint

Run from the repository root:  /usr/bin/python3 src/test/python/model_reference.py
It rewrites src/test/resources/fixtures/model/ (a few hundred KB).
"""
import base64
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = "src/test/resources/fixtures/model"
DT = {torch.float32: "F32", torch.bfloat16: "BF16", torch.int64: "I64", torch.float16: "F16"}


def save_safetensors(tensors, path):
    """safetensors by hand: u64 header length, JSON header, raw little-endian data."""
    header, blobs, off = {}, [], 0
    for k, t in tensors.items():
        t = t.contiguous()
        b = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[k] = {"dtype": DT[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def causal_attention(q, k, v):
    """q (B,H,T,hs), k/v (B,H,T,hs) -> output (B,H,T,hs), weights (B,H,T,T)."""
    t = q.shape[2]
    att = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    att = att.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float("-inf"))
    w = F.softmax(att, dim=-1)
    return w @ v, w


# ---------------------------------------------------------------- GPT-2 (Hugging Face layout)
def gpt2_tiny():
    torch.manual_seed(0)
    V, T, C, L, H = 97, 32, 24, 2, 4
    cfg = {"model_type": "gpt2", "vocab_size": V, "n_positions": T, "n_embd": C, "n_layer": L, "n_head": H,
           "n_inner": None, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True}
    r = lambda *s: torch.randn(*s) * 0.2
    sd = {"wte.weight": r(V, C), "wpe.weight": r(T, C)}
    for i in range(L):
        p = f"h.{i}."
        sd[p + "ln_1.weight"] = 1 + r(C); sd[p + "ln_1.bias"] = r(C)
        sd[p + "attn.c_attn.weight"] = r(C, 3 * C); sd[p + "attn.c_attn.bias"] = r(3 * C)   # Conv1D: (in, out)
        sd[p + "attn.c_proj.weight"] = r(C, C); sd[p + "attn.c_proj.bias"] = r(C)
        sd[p + "ln_2.weight"] = 1 + r(C); sd[p + "ln_2.bias"] = r(C)
        sd[p + "mlp.c_fc.weight"] = r(C, 4 * C); sd[p + "mlp.c_fc.bias"] = r(4 * C)
        sd[p + "mlp.c_proj.weight"] = r(4 * C, C); sd[p + "mlp.c_proj.bias"] = r(C)
    sd["ln_f.weight"] = 1 + r(C); sd["ln_f.bias"] = r(C)
    ids = torch.tensor([[5, 17, 96, 0, 42, 42, 8, 63, 21, 3, 77, 50]])

    x = sd["wte.weight"][ids] + sd["wpe.weight"][: ids.shape[1]]
    hidden0 = attn0 = None
    for i in range(L):
        p = f"h.{i}."
        h = F.layer_norm(x, (C,), sd[p + "ln_1.weight"], sd[p + "ln_1.bias"], 1e-5)
        qkv = h @ sd[p + "attn.c_attn.weight"] + sd[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(C, dim=2)
        heads = lambda z: z.view(1, -1, H, C // H).transpose(1, 2)
        y, w = causal_attention(heads(q), heads(k), heads(v))
        y = y.transpose(1, 2).reshape(1, -1, C) @ sd[p + "attn.c_proj.weight"] + sd[p + "attn.c_proj.bias"]
        x = x + y
        h = F.layer_norm(x, (C,), sd[p + "ln_2.weight"], sd[p + "ln_2.bias"], 1e-5)
        x = x + gelu_new(h @ sd[p + "mlp.c_fc.weight"] + sd[p + "mlp.c_fc.bias"]) @ sd[p + "mlp.c_proj.weight"] + sd[p + "mlp.c_proj.bias"]
        if i == 0:
            hidden0, attn0 = x, w
    x = F.layer_norm(x, (C,), sd["ln_f.weight"], sd["ln_f.bias"], 1e-5)
    logits = x @ sd["wte.weight"].T
    write("gpt2-tiny", cfg, sd, ids, logits, hidden0, attn0)


# ---------------------------------------------------------------- Llama (Hugging Face layout)
def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def hf_llama_forward(sd, cfg, ids):
    C, L, H, KV = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hs, eps, T = C // H, cfg["rms_norm_eps"], ids.shape[1]
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hs, 2, dtype=torch.float64) / hs))
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().float(), emb.sin().float()
    rms = lambda z, w: w * (z * torch.rsqrt(z.pow(2).mean(-1, keepdim=True) + eps))
    x = sd["model.embed_tokens.weight"][ids]
    hidden0 = attn0 = None
    for i in range(L):
        p = f"model.layers.{i}."
        h = rms(x, sd[p + "input_layernorm.weight"])
        q = (h @ sd[p + "self_attn.q_proj.weight"].T).view(1, T, H, hs).transpose(1, 2)
        k = (h @ sd[p + "self_attn.k_proj.weight"].T).view(1, T, KV, hs).transpose(1, 2)
        v = (h @ sd[p + "self_attn.v_proj.weight"].T).view(1, T, KV, hs).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(H // KV, dim=1), v.repeat_interleave(H // KV, dim=1)
        y, w = causal_attention(q, k, v)
        x = x + y.transpose(1, 2).reshape(1, T, C) @ sd[p + "self_attn.o_proj.weight"].T
        h = rms(x, sd[p + "post_attention_layernorm.weight"])
        x = x + (F.silu(h @ sd[p + "mlp.gate_proj.weight"].T) * (h @ sd[p + "mlp.up_proj.weight"].T)) @ sd[p + "mlp.down_proj.weight"].T
        if i == 0:
            hidden0, attn0 = x, w
    x = rms(x, sd["model.norm.weight"])
    head = sd["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else sd["lm_head.weight"]
    return x @ head.T, hidden0, attn0


def llama_tiny():
    torch.manual_seed(1)
    V, T, C, L, H, KV, FF = 89, 64, 32, 2, 4, 2, 40
    cfg = {"model_type": "llama", "vocab_size": V, "max_position_embeddings": T, "hidden_size": C, "intermediate_size": FF,
           "num_hidden_layers": L, "num_attention_heads": H, "num_key_value_heads": KV, "rms_norm_eps": 1e-6,
           "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": False, "torch_dtype": "float32"}
    r = lambda *s: torch.randn(*s) * 0.2
    hs = C // H
    sd = {"model.embed_tokens.weight": r(V, C), "model.norm.weight": 1 + r(C), "lm_head.weight": r(V, C)}
    for i in range(L):
        p = f"model.layers.{i}."
        sd[p + "input_layernorm.weight"] = 1 + r(C)
        sd[p + "self_attn.q_proj.weight"] = r(H * hs, C); sd[p + "self_attn.k_proj.weight"] = r(KV * hs, C)
        sd[p + "self_attn.v_proj.weight"] = r(KV * hs, C); sd[p + "self_attn.o_proj.weight"] = r(C, C)
        sd[p + "post_attention_layernorm.weight"] = 1 + r(C)
        sd[p + "mlp.gate_proj.weight"] = r(FF, C); sd[p + "mlp.up_proj.weight"] = r(FF, C); sd[p + "mlp.down_proj.weight"] = r(C, FF)
    ids = torch.tensor([[1, 7, 88, 0, 33, 33, 12, 60, 2, 45, 9, 71, 4, 18]])
    logits, hidden0, attn0 = hf_llama_forward(sd, cfg, ids)
    write("llama-tiny", cfg, sd, ids, logits, hidden0, attn0)
    # the same model stored in bfloat16: the reference is what those rounded weights compute in float32
    bf = {k: v.to(torch.bfloat16) for k, v in sd.items()}
    logits, hidden0, attn0 = hf_llama_forward({k: v.float() for k, v in bf.items()}, cfg, ids)
    write("llama-tiny-bf16", dict(cfg, torch_dtype="bfloat16"), bf, ids, logits, hidden0, attn0)


# ---------------------------------------------------------------- llama2.c checkpoint (Meta layout)
def stories260k():
    path = "data/../models/stories260K/stories260K.bin"
    raw = open(path, "rb").read()
    dim, hidden, L, H, KV, V, T = struct.unpack("7i", raw[:28])
    shared = V > 0
    V = abs(V)
    hs = dim // H
    w = np.frombuffer(raw[28:], dtype=np.float32)
    off = 0

    def take(*shape):
        nonlocal off
        n = int(np.prod(shape))
        a = torch.from_numpy(w[off: off + n].copy()).view(*shape)
        off += n
        return a

    emb = take(V, dim)
    att_norm = take(L, dim); wq = take(L, H * hs, dim); wk = take(L, KV * hs, dim); wv = take(L, KV * hs, dim)
    wo = take(L, dim, H * hs); ffn_norm = take(L, dim)
    w1 = take(L, hidden, dim); w2 = take(L, dim, hidden); w3 = take(L, hidden, dim)
    final = take(dim)
    ids = torch.tensor([[1, 403, 261, 296, 288, 348, 7, 99, 511, 2, 260, 403, 300, 45, 0, 17]])
    t = ids.shape[1]
    # llama2.c model.py: precompute_freqs_cis + apply_rotary_emb on interleaved pairs (x0, x1), (x2, x3), ...
    freqs = 1.0 / (10000.0 ** (torch.arange(0, hs, 2)[: hs // 2].float() / hs))
    ang = torch.outer(torch.arange(t).float(), freqs)
    cos, sin = torch.cos(ang), torch.sin(ang)

    def rope(x):  # x (1, t, n, hs)
        xr, xi = x.float().reshape(x.shape[:-1] + (-1, 2)).unbind(-1)
        c, s = cos.view(1, t, 1, -1), sin.view(1, t, 1, -1)
        return torch.stack([xr * c - xi * s, xr * s + xi * c], dim=-1).flatten(3)

    rms = lambda z, g: g * (z * torch.rsqrt(z.pow(2).mean(-1, keepdim=True) + 1e-5))
    x = emb[ids]
    hidden0 = attn0 = None
    for i in range(L):
        h = rms(x, att_norm[i])
        q = rope((h @ wq[i].T).view(1, t, H, hs)).transpose(1, 2)
        k = rope((h @ wk[i].T).view(1, t, KV, hs)).transpose(1, 2)
        v = (h @ wv[i].T).view(1, t, KV, hs).transpose(1, 2)
        k, v = k.repeat_interleave(H // KV, dim=1), v.repeat_interleave(H // KV, dim=1)
        y, a = causal_attention(q, k, v)
        x = x + y.transpose(1, 2).reshape(1, t, dim) @ wo[i].T
        h = rms(x, ffn_norm[i])
        x = x + (F.silu(h @ w1[i].T) * (h @ w3[i].T)) @ w2[i].T
        if i == 0:
            hidden0, attn0 = x, a
    logits = rms(x, final) @ emb.T
    assert shared
    os.makedirs(f"{OUT}/stories260K", exist_ok=True)
    save_safetensors({"input_ids": ids, "logits": logits, "hidden.0": hidden0, "attention.0": attn0},
                     f"{OUT}/stories260K/reference.safetensors")


# ---------------------------------------------------------------- minGPT JSON checkpoint
def gpt_nano_sort():
    d = json.load(open("models/gpt-nano-sort/gpt-nano-sort-model.json"))
    c = d["config"]
    C, L, H = c["n_embd"], c["n_layer"], c["n_head"]
    sd = {k: torch.from_numpy(np.frombuffer(base64.b64decode(v["data"]), dtype=np.float32).copy()).view(*v["shape"])
          for k, v in d.items() if k != "config"}
    ids = torch.tensor([[2, 0, 1, 1, 0, 2, 0, 0, 1, 1, 2]])
    t = ids.shape[1]
    x = sd["transformer.wte.weight"][ids] + sd["transformer.wpe.weight"][:t]
    hidden0 = attn0 = None
    for i in range(L):
        p = f"transformer.h.{i}."
        h = F.layer_norm(x, (C,), sd[p + "ln_1.weight"], sd[p + "ln_1.bias"], 1e-5)
        q, k, v = F.linear(h, sd[p + "attn.c_attn.weight"], sd[p + "attn.c_attn.bias"]).split(C, dim=2)
        heads = lambda z: z.view(1, t, H, C // H).transpose(1, 2)
        y, a = causal_attention(heads(q), heads(k), heads(v))
        x = x + F.linear(y.transpose(1, 2).reshape(1, t, C), sd[p + "attn.c_proj.weight"], sd[p + "attn.c_proj.bias"])
        h = F.layer_norm(x, (C,), sd[p + "ln_2.weight"], sd[p + "ln_2.bias"], 1e-5)
        x = x + F.linear(gelu_new(F.linear(h, sd[p + "mlp.c_fc.weight"], sd[p + "mlp.c_fc.bias"])),
                         sd[p + "mlp.c_proj.weight"], sd[p + "mlp.c_proj.bias"])
        if i == 0:
            hidden0, attn0 = x, a
    x = F.layer_norm(x, (C,), sd["transformer.ln_f.weight"], sd["transformer.ln_f.bias"], 1e-5)
    logits = F.linear(x, sd["lm_head.weight"])
    os.makedirs(f"{OUT}/gpt-nano-sort", exist_ok=True)
    save_safetensors({"input_ids": ids, "logits": logits, "hidden.0": hidden0, "attention.0": attn0},
                     f"{OUT}/gpt-nano-sort/reference.safetensors")


def write(name, cfg, sd, ids, logits, hidden0, attn0):
    os.makedirs(f"{OUT}/{name}", exist_ok=True)
    with open(f"{OUT}/{name}/config.json", "w") as f:
        json.dump(cfg, f, indent=2)
    save_safetensors(sd, f"{OUT}/{name}/model.safetensors")
    save_safetensors({"input_ids": ids, "logits": logits.float(), "hidden.0": hidden0.float(), "attention.0": attn0.float()},
                     f"{OUT}/{name}/reference.safetensors")


if __name__ == "__main__":
    with torch.no_grad():
        gpt2_tiny()
        llama_tiny()
        stories260k()
        gpt_nano_sort()
    print("fixtures written to", OUT)

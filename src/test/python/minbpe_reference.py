#!/usr/bin/python3
"""Golden values for the BPE trainer tests, from minbpe's algorithm.

This is the training and encoding of karpathy/minbpe (MIT) -- BasicTokenizer and RegexTokenizer -- in its plain,
slow form: recount every pair after every merge, take max() over an insertion-ordered dict (so ties go to the pair
seen first), merge left to right. The Java trainer must reproduce its merges exactly.

Run: /usr/bin/python3 src/test/python/minbpe_reference.py data/tinyshakespeare/input.txt > src/test/resources/golden/minbpe.json
(Debian packages python3-regex; no network needed.)
"""
import json
import sys

import regex as re

GPT2 = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
GPT4 = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"""


def get_stats(ids, counts):
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1


def merge(ids, pair, idx):
    out, i = [], 0
    while i < len(ids):
        if i < len(ids) - 1 and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(idx)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def train(text, vocab_size, pattern):
    chunks = re.findall(pattern, text) if pattern else [text]
    ids = [list(c.encode("utf-8")) for c in chunks]
    merges = []
    for i in range(vocab_size - 256):
        stats = {}
        for c in ids:
            get_stats(c, stats)
        if not stats:
            break
        pair = max(stats, key=stats.get)
        idx = 256 + i
        ids = [merge(c, pair, idx) for c in ids]
        merges.append([pair[0], pair[1], stats[pair]])
    return merges


def encode(text, merges, pattern):
    ranks = {(a, b): 256 + r for r, (a, b, _) in enumerate(merges)}
    out = []
    for chunk in (re.findall(pattern, text) if pattern else [text]):
        ids = list(chunk.encode("utf-8"))
        while len(ids) >= 2:
            stats = {}
            get_stats(ids, stats)
            pair = min(stats, key=lambda p: ranks.get(p, float("inf")))
            if pair not in ranks:
                break
            ids = merge(ids, pair, ranks[pair])
        out.extend(ids)
    return out


def case(name, text, vocab_size, pattern, probe):
    merges = train(text, vocab_size, pattern)
    return {"name": name, "chars": len(text), "vocabSize": vocab_size, "pattern": pattern,
            "merges": merges, "probe": probe, "probeIds": encode(probe, merges, pattern)}


if __name__ == "__main__":
    corpus = open(sys.argv[1], encoding="utf-8").read()
    probe = "First Citizen: We are accounted poor citizens, the patricians good. What's 12345?\n\n  Hello  world!"
    cases = [
        case("wikipedia", "aaabdaaabac", 259, GPT4, "aaabdaaabac"),
        case("gpt4-shakespeare-40k", corpus[:40000], 256 + 300, GPT4, probe),
        case("gpt2-shakespeare-40k", corpus[:40000], 256 + 300, GPT2, probe),
        case("basic-shakespeare-6k", corpus[:6000], 256 + 120, "", probe),
        case("gpt4-unicode", "héllo wörld 안녕하세요 안녕 😉😉 naïve café ÀÀÀ 123 4567 ''s 'LL\r\n\r\n\t x" * 3, 256 + 60, GPT4,
             "héllo 안녕하세요 😉 café"),
    ]
    json.dump(cases, sys.stdout)

#!/usr/bin/env python3
"""The peer table (make bench, when `make peers` has built llama.cpp): s1-think and llama.cpp on the same
GGUF files, same thread count, measured in the same run and interleaved (s1-think, llama.cpp, s1-think, …),
best of 3 with the spread (min–max):
  decode   single stream, 128 tokens after a short prompt      (llama-bench tg128)
  prefill  a 256-token prompt                                  (llama-bench pp256)
  16×      16 streams decoding 128 tokens each                 (llama-batched-bench -npl 16, S_TG)

usage: bench-peers.py [--threads 2] [--runs 3] [--json]      (TYPES=, PEERS=, BIN= override)
"""
import json, os, re, subprocess, sys

from peer_lib import PEERS, peer_models
BIN = os.environ.get("BIN", ".build/release")
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
TYPES = os.environ.get("TYPES", "Q4_0 Q4_1 Q5_0 Q8_0 Q4_K_M Q5_K_M Q6_K F16 BF16").split()
TARGETS = {"decode": 1.2, "prefill": 1.0, "batch16": 1.5}


def run(cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True)


def think(model, args, stdin):
    return run([f"{BIN}/s1-think", "--model", model, "--threads", str(THREADS)] + args, stdin).stderr


def prompt256(model):
    """A real text cut to exactly 256 tokens of this tokenizer (the ids, decoded back, as --raw's prompt)."""
    words = ("Let $x$ and $y$ be real numbers such that $x^2 + y^2 = 1$. Find the largest possible value of "
             "$3x + 4y$, and explain every step of the argument carefully. ") * 40
    ids = json.loads(run([f"{BIN}/s1-think", "--model", model, "--tokenize"], json.dumps({"question": words}) + "\n").stdout)["tokens"]
    return ids[:256]


def ours(model, ids256):
    short = json.dumps({"prompt": "The capital of France is"}) + "\n"
    d = re.search(r"decode \d+ tokens ([\d.]+) tok/s", think(model, ["--raw", "--max-tokens", "129", "--ignore-eos", "--batch", "1"], short))
    # Prefill: the 256 ids as a prompt; --max-tokens 1 so the run is the prefill.
    p = re.search(r"prefill (\d+) tokens ([\d.]+) tok/s", think(model, ["--raw", "--max-tokens", "1"], json.dumps({"prompt_ids": ids256}) + "\n"))
    q16 = "".join(json.dumps({"id": f"b{i}", "question": f"Write a long story about the number {i}."}) + "\n" for i in range(16))
    b = re.search(r"decode ([\d.]+) tok/s, \d+ tokens generated", think(model, ["--batch", "16", "--max-thinking-tokens", "128",
                                                                          "--min-thinking-tokens", "128", "--max-answer-tokens", "1"], q16))
    assert int(p[1]) == 256, p[0]
    return {"decode": float(d[1]), "prefill": float(p[2]), "batch16": float(b[1])}


def theirs(model):
    out = json.loads(run([f"{PEERS}/bin/llama-bench", "-m", model, "-t", str(THREADS), "-p", "256", "-n", "128", "-r", "1", "-o", "json"]).stdout)
    r = {("prefill" if x["n_prompt"] else "decode"): x["avg_ts"] for x in out}
    bb = run([f"{PEERS}/bin/llama-batched-bench", "-m", model, "-t", str(THREADS), "-c", "4096", "-b", "2048", "-ub", "512",
              "-npp", "16", "-ntg", "128", "-npl", "16"]).stdout
    row = [l for l in bb.splitlines() if re.match(r"\|\s+16\s+\|\s+128\s+\|\s+16\s+\|", l)][0]
    r["batch16"] = float([c.strip() for c in row.strip("|").split("|")][7])   # PP TG B N_KV T_PP S_PP T_TG S_TG …
    return r


def main():
    rows = []
    for t, model in peer_models(TYPES):
        ids = prompt256(model)
        a, b = [], []
        for _ in range(RUNS):   # interleaved
            a.append(ours(model, ids))
            b.append(theirs(model))
        row = {"type": t}
        for k in ["decode", "prefill", "batch16"]:
            sa, sb = [x[k] for x in a], [x[k] for x in b]
            row[k] = {"s1": max(sa), "s1_spread": [min(sa), max(sa)], "llama": max(sb), "llama_spread": [min(sb), max(sb)],
                      "ratio": max(sa) / max(sb), "target": TARGETS[k]}
        rows.append(row)
        cell = lambda c: f"{c['s1']:6.0f} vs {c['llama']:6.0f} ({c['ratio']:.2f}x{'' if c['ratio'] >= c['target'] else ' !'})"
        print(f"{t:7s} decode {cell(row['decode'])}  prefill {cell(row['prefill'])}  16x {cell(row['batch16'])}", flush=True)
    print(f"s1-think vs llama.cpp tok/s, {THREADS} threads, best of {RUNS} interleaved; targets decode >= 1.2x, prefill >= 1.0x,"
          " 16 streams >= 1.5x; '!' = below target")
    if "--json" in sys.argv:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()

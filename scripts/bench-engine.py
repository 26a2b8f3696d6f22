#!/usr/bin/env python3
"""Engine benchmark (make bench): SmolLM2-135M single-stream decode and 256-token prefill on this machine,
s1-think in --dtype native (the Q4_1 file as it is) and f32, with PyTorch (transformers, fp32, same
thread count) side by side when it is installed. Best of three runs each. llama.cpp is measured side by
side, per file type, by scripts/bench-peers.py (make bench runs it when make peers has built the peer).

usage: bench-engine.py MODEL.gguf [--threads 2] [--json]
"""
import json, os, re, subprocess, sys, time

model = sys.argv[1]
threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
as_json = "--json" in sys.argv
BIN = os.environ.get("BIN", ".build/release")
DATA = os.environ.get("S1_DATA_DIR", "../shared/data")


def think(args, stdin):
    p = subprocess.run([f"{BIN}/s1-think", "--model", model, "--threads", str(threads)] + args,
                       input=stdin, capture_output=True, text=True, check=True)
    return p.stdout, p.stderr


def prompt_of(n):
    """A real text (MATH500 problems) cut to exactly n SmolLM2 tokens."""
    rows = [json.loads(l) for l in open(os.path.join(DATA, "math500", "test.jsonl"))]
    words = " ".join(r["problem"] for r in rows[:40]).split(" ")
    lo, hi = 1, len(words)
    while lo < hi:   # the shortest word prefix with at least n tokens
        mid = (lo + hi) // 2
        out, _ = think(["--tokenize"], json.dumps({"question": " ".join(words[:mid])}) + "\n")
        if len(json.loads(out)["tokens"]) >= n: hi = mid
        else: lo = mid + 1
    text = " ".join(words[:lo])
    ids = json.loads(think(["--tokenize"], json.dumps({"question": text}) + "\n")[0])["tokens"]
    return text, len(ids)


def stats(stderr):
    m = re.search(r"prefill (\d+) tokens ([\d.]+) tok/s, decode (\d+) tokens ([\d.]+) tok/s, \d+ threads, peak RSS (\d+) MiB", stderr)
    return {"prefill_tokens": int(m[1]), "prefill": float(m[2]), "decode_tokens": int(m[3]), "decode": float(m[4]), "rss_mib": int(m[5])}


def best(args, stdin, key):
    runs = [stats(think(args, stdin)[1]) for _ in range(3)]
    return max(runs, key=lambda s: s[key])


text256, n256 = prompt_of(256)
rec = json.dumps({"question": text256}) + "\n"
short = json.dumps({"question": "The capital of France is"}) + "\n"
rows = []
for dtype in ["native", "f32"]:
    d = best(["--raw", "--dtype", dtype, "--max-tokens", "129", "--ignore-eos"], short, "decode")
    p = best(["--raw", "--dtype", dtype, "--max-tokens", "1"], rec, "prefill")
    rows.append({"engine": f"s1-think --dtype {dtype}" + (" (Q4_1 file)" if dtype == "native" else ""),
                 "decode_tok_s": d["decode"], "prefill_tok_s": p["prefill"], "prefill_tokens": p["prefill_tokens"],
                 "peak_rss_mib": max(d["rss_mib"], p["rss_mib"])})

# Continuous batching: 16 sequences decoding together, each forced to think 128 tokens.
q16 = "".join(json.dumps({"id": f"b{i}", "question": f"Write a long story about the number {i}."}) + "\n" for i in range(16))
def batch_run(args):
    t0 = time.time()
    _, err = think(args, q16)
    wall = time.time() - t0
    m = re.search(r"decode ([\d.]+) tok/s, (\d+) tokens generated in [\d.]+ s \(([\d.]+) tok/s overall\)", err)
    return int(m[2]), float(m[1]), wall, float(m[3])
best16 = max((batch_run(["--batch", "16", "--max-thinking-tokens", "128", "--min-thinking-tokens", "128", "--max-answer-tokens", "1"])
              for _ in range(3)), key=lambda r: r[1])
# The same with fp32 weights (how a fine-tuned checkpoint decodes).
best16f32 = max((batch_run(["--dtype", "f32", "--batch", "16", "--max-thinking-tokens", "128", "--min-thinking-tokens", "128", "--max-answer-tokens", "1"])
                 for _ in range(3)), key=lambda r: r[1])
# A 16-prompt × 3-budget evaluation, batched and one by one (wall time of the three runs).
evals = {}
for b in [16, 1]:
    evals[b] = sum(batch_run(["--batch", str(b), "--max-thinking-tokens", str(budget), "--max-answer-tokens", "32"])[2]
                   for budget in [32, 64, 128])

# A budget sweep (issue 15): 32 prompts at 5 budgets in one s1-think run, against the largest budget alone
# (target: at most 1.3x). S1_SWEEP_BUDGETS=256,512,1024,2048,4096 gives the shape (long here).
sweep_budgets = os.environ.get("S1_SWEEP_BUDGETS", "32,64,128,256,512")
q32 = "".join(json.dumps({"id": f"s{i}", "question": f"How many ways can {i + 2} people sit at a round table?"}) + "\n" for i in range(32))
def wall(args, text):
    t0 = time.time(); out, _ = think(args, text); return time.time() - t0, out
sweep_args = ["--batch", "16", "--max-answer-tokens", "16", "--min-thinking-tokens", sweep_budgets.split(",")[-1]]
sweep_s, sweep_out = min((wall(sweep_args + ["--max-thinking-tokens", sweep_budgets], q32) for _ in range(2)), key=lambda r: r[0])
alone_s, _ = min((wall(sweep_args + ["--max-thinking-tokens", sweep_budgets.split(",")[-1]], q32) for _ in range(2)), key=lambda r: r[0])

try:
    import torch
    from transformers import AutoModelForCausalLM
    torch.set_num_threads(threads)
    m = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(model)), gguf_file=os.path.basename(model),
                                             dtype=torch.float32).eval()
    ids = json.loads(think(["--tokenize"], rec)[0])["tokens"]
    sids = json.loads(think(["--tokenize"], short)[0])["tokens"]
    pre, dec = [], []
    with torch.no_grad():
        for _ in range(3):
            t0 = time.time(); m(torch.tensor([ids])); pre.append(len(ids) / (time.time() - t0))
            t0 = time.time()
            m.generate(torch.tensor([sids]), max_new_tokens=129, min_new_tokens=129, do_sample=False, pad_token_id=2)
            dec.append(129 / (time.time() - t0))
    rows.append({"engine": "PyTorch eager fp32 (transformers)", "decode_tok_s": max(dec), "prefill_tok_s": max(pre),
                 "prefill_tokens": len(ids), "peak_rss_mib": None})
except Exception as e:   # not installed, or e.g. transformers' GGUF loader wants accelerate: the s1-think figures still print
    why = "not installed (pip install torch==2.13.0+cpu transformers accelerate)" if isinstance(e, ImportError) \
        else f"failed ({type(e).__name__}: {str(e)[:60]})"
    rows.append({"engine": f"PyTorch: {why}", "decode_tok_s": None, "prefill_tok_s": None, "prefill_tokens": None, "peak_rss_mib": None})

batching = {"streams": 16, "generated_tokens": best16[0], "decode_tok_s": best16[1], "overall_tok_s": best16[3], "target_tok_s": 500,
            "f32_decode_tok_s": best16f32[1],
            "eval_3_budgets_seconds_batch16": round(evals[16], 2), "eval_3_budgets_seconds_one_by_one": round(evals[1], 2),
            "sweep_budgets": sweep_budgets, "sweep_seconds": round(sweep_s, 2), "largest_alone_seconds": round(alone_s, 2)}
if as_json:
    print(json.dumps({"model": model, "threads": threads, "rows": rows, "batching": batching}))
else:
    f = lambda v, fmt="%.0f": "-" if v is None else fmt % v
    print(f"SmolLM2-135M-Instruct, {threads} threads; decode = 128 tokens after a 5-token prompt, prefill = {n256}-token prompt")
    print("%-52s %10s %11s %10s" % ("engine", "decode t/s", "prefill t/s", "peak RSS"))
    for r in rows:
        print("%-52s %10s %11s %10s" % (r["engine"], f(r["decode_tok_s"]), f(r["prefill_tok_s"]), f(r["peak_rss_mib"], "%d MiB")))
    print("targets: decode >= 150 tok/s, prefill >= 550 tok/s (Q4_1, 2 threads)")
    print()
    print(f"continuous batching, 16 streams x 128 thinking tokens (Q4_1): decode {best16[1]:.0f} tok/s, "
          f"{best16[3]:.0f} tok/s with the prompts' prefill ({best16[0]} tokens; target >= 500; llama.cpp on the same file: bench-peers.py)")
    print(f"the same with --dtype f32 (how a fine-tuned checkpoint decodes): decode {best16f32[1]:.0f} tok/s")
    print(f"16 prompts x 3 budgets (32, 64, 128): {evals[16]:.1f} s batched (--batch 16), {evals[1]:.1f} s one by one "
          f"({evals[1] / evals[16]:.1f}x)")
    print(f"32 prompts, budget sweep {sweep_budgets} in one run (thinking to the budget: --min-thinking-tokens = the largest): "
          f"{sweep_s:.1f} s, the largest budget alone {alone_s:.1f} s ({sweep_s / alone_s:.2f}x; target <= 1.3x)")

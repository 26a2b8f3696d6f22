#!/usr/bin/env python3
"""Long thinking (issue 15, make bench): 16 streams each thinking L tokens, s1-think against llama.cpp's
llama-batched-bench at the same shape (-npp 24 -ntg L -npl 16, its default fp16 KV and flash-attention
setting), interleaved, with each side's peak RSS (/usr/bin/time). Targets: at least 2x llama.cpp at
L = 2048 and 8192; peak memory at 16 x 8192 at most 2.5 GB.

usage: bench-long.py MODEL [--threads 2] [--runs 1] [--json]     S1_LONG="2048 8192" sets the lengths
"""
import json, os, re, subprocess, sys

from peer_lib import PEERS
BIN = os.environ.get("BIN", ".build/release")
MODEL = sys.argv[1]
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 1
LENGTHS = [int(x) for x in os.environ.get("S1_LONG", "2048 8192").split()]


def timed(cmd, stdin=None):
    """stdout, stderr and peak RSS (MiB) of one command."""
    p = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M"] + cmd, input=stdin, capture_output=True, text=True, check=True)
    rss = int(re.findall(r"MAXRSS (\d+)", p.stderr)[-1]) / 1024
    return p.stdout, p.stderr, rss


def ours(n):
    q16 = "".join(json.dumps({"id": f"b{i}", "question": f"Write a long story about the number {i}."}) + "\n" for i in range(16))
    _, err, rss = timed([f"{BIN}/s1-think", "--model", MODEL, "--threads", str(THREADS), "--batch", "16",
                         "--max-thinking-tokens", str(n), "--min-thinking-tokens", str(n), "--max-answer-tokens", "1"], q16)
    m = re.search(r"decode ([\d.]+) tok/s", err)
    return float(m[1]), rss


def theirs(n):
    out, _, rss = timed([f"{PEERS}/bin/llama-batched-bench", "-m", MODEL, "-t", str(THREADS), "-c", str(16 * (n + 64)),
                         "-b", "2048", "-ub", "512", "-npp", "24", "-ntg", str(n), "-npl", "16"])
    row = [l for l in out.splitlines() if re.match(rf"\|\s+24\s+\|\s+{n}\s+\|\s+16\s+\|", l)][0]
    return float([c.strip() for c in row.strip("|").split("|")][7]), rss   # PP TG B N_KV T_PP S_PP T_TG S_TG …


def main():
    have_peer = os.access(f"{PEERS}/bin/llama-batched-bench", os.X_OK)
    rows = []
    for n in LENGTHS:
        a, b = [], []
        for _ in range(RUNS):   # interleaved
            a.append(ours(n))
            if have_peer:
                b.append(theirs(n))
        row = {"streams": 16, "thinking_tokens": n, "s1_tok_s": max(x[0] for x in a), "s1_spread": [min(x[0] for x in a), max(x[0] for x in a)],
               "s1_peak_rss_mib": max(x[1] for x in a)}
        if b:
            row.update({"llama_tok_s": max(x[0] for x in b), "llama_spread": [min(x[0] for x in b), max(x[0] for x in b)],
                        "llama_peak_rss_mib": max(x[1] for x in b)})
            row["ratio"] = row["s1_tok_s"] / row["llama_tok_s"]
        rows.append(row)
        peer = f" vs llama.cpp {row['llama_tok_s']:.0f} tok/s ({row['ratio']:.2f}x, target >= 2x), peak {row['llama_peak_rss_mib']:.0f} MiB" if b else " (llama.cpp: make peers)"
        print(f"16 x {n} thinking tokens: s1-think {row['s1_tok_s']:.0f} tok/s, peak {row['s1_peak_rss_mib']:.0f} MiB{peer}", flush=True)
    print(f"{THREADS} threads, best of {RUNS}; peak memory target at 16 x 8192: <= 2560 MiB")
    if "--json" in sys.argv:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()

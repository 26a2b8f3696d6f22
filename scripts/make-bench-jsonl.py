#!/usr/bin/env python3
"""Writes a JSONL file of s1K-shaped records (question, solution, traces, metadata) of at least SIZE_MB
megabytes, for the JSONL throughput benchmark. Deterministic: the same size gives the same bytes.

usage: make-bench-jsonl.py OUT SIZE_MB
"""
import json, random, sys

out, size_mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(0)
words = ("let the sum of all positive integers n such that triangle area equals prime modulo "
         "find remainder when divided by probability circle radius tangent sequence term").split()

def text(n):
    return " ".join(rng.choice(words) for _ in range(n))

target = size_mb * 1_000_000
written = 0
with open(out, "w") as f:
    i = 0
    while written < target:
        rec = {
            "question": f"Problem {i}: " + text(rng.randint(20, 80)) + " $\\frac{%d}{%d}$?" % (i % 97 + 1, i % 89 + 2),
            "solution": text(rng.randint(40, 200)),
            "cot_type": "math",
            "source_type": rng.choice(["qfq/openaimath/Algebra", "AI-MO/NuminaMath-CoT/aops_forum", "TIGER-Lab/TheoremQA"]),
            "metadata": json.dumps({"level": i % 5 + 1, "unique_id": f"bench/{i}.json"}),
            "thinking_trajectories": [text(rng.randint(200, 600))],
            "attempt": text(rng.randint(20, 60)) + " \\boxed{%d}" % (i % 1000),
        }
        if i % 50 == 7:
            rec["question"] += " [asy]draw((0,0)--(1,1));[/asy]"  # a few rows the quality stage drops
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        f.write(line)
        written += len(line.encode())
        i += 1
print(f"{out}: {i} records, {written / 1e6:.0f} MB", file=sys.stderr)

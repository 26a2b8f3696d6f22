#!/usr/bin/env python3
"""Grading throughput (make bench): s1-score on 100,000 outputs (25,000 records × 4 samples) whose answers
mix the forms real outputs take (integers, fractions, decimals, expressions, tuples, letters), right and
wrong. Best of three; prints outputs graded per second (target ≥ 20,000/s on 2 cores).

usage: bench-score.py [--json]
"""
import json, os, random, subprocess, sys, time

BIN = os.environ.get("BIN", ".build/release")
path = "work/bench/score-100k.jsonl"
os.makedirs("work/bench", exist_ok=True)
if not os.path.exists(path):
    rng = random.Random(0)
    forms = [("42", ["42", "042", "41", "\\frac{84}{2}"]), ("\\frac{3}{4}", ["0.75", "\\dfrac34", "3/4", "0.7"]),
             ("2\\sqrt{3}", ["2\\sqrt3", "2 \\sqrt{3}", "3\\sqrt{2}", "\\sqrt{12}"]), ("(1, 2)", ["(1,2)", "(2,1)", "\\left(1, 2\\right)", "(1, 3)"]),
             ("B", ["(B)", "B", "Answer: C", "\\boxed{B}"]), ("\\{1, 3\\}", ["\\{3,1\\}", "\\{1\\}", "1, 3", "\\{1,3\\}"])]
    with open(path, "w") as f:
        for i in range(25000):
            gold, cands = forms[i % len(forms)]
            outs = []
            for k in range(4):
                a = rng.choice(cands)
                text = "Let me think step by step. " * rng.randint(5, 40) + "<|im_start|>answer\nFinal Answer: \\boxed{" + a + "}"
                outs.append({"model": "bench", "max_thinking_tokens": 512, "waits": 0, "thinking_tokens": rng.randint(50, 500), "text": text})
            f.write(json.dumps({"id": str(i), "answer": gold, "source_type": "bench", "outputs": outs}) + "\n")
best = 1e9
for _ in range(3):
    t0 = time.time()
    subprocess.run([f"{BIN}/s1-score", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    best = min(best, time.time() - t0)
rate = 100000 / best
if "--json" in sys.argv:
    print(json.dumps({"outputs": 100000, "seconds": round(best, 3), "outputs_per_s": round(rate)}))
else:
    print(f"s1-score: 100,000 outputs graded in {best:.2f} s = {rate:,.0f} outputs/s (target >= 20,000/s)")

#!/usr/bin/env python3
"""Grading benchmark (make bench), with Math-Verify 0.9.0 side by side when it is installed
(pip install math-verify==0.9.0):

  * simple answers: s1-score on 100,000 outputs (25,000 records x 4 samples) whose answers mix the forms
    real outputs take (integers, fractions, decimals, radicals, tuples, letters, sets), right and wrong;
  * symbolic answers: 20,000 outputs of expressions with variables, trig and log identities, equations,
    inequalities and intervals;
  * Math-Verify on a 2,000-output sample of each set (it grades a few hundred per second), and on the
    labelled corpus Tests/SharedTests/Fixtures/grading/corpus.jsonl: each judge's agreement with the labels
    and with each other.
Best of three runs for s1-score. usage: bench-score.py [--json]
"""
import json, os, random, subprocess, sys, time

BIN = os.environ.get("BIN", ".build/release")
os.makedirs("work/bench", exist_ok=True)
CORPUS = "Tests/SharedTests/Fixtures/grading/corpus.jsonl"

SIMPLE = [("42", ["42", "042", "41", "\\frac{84}{2}"]), ("\\frac{3}{4}", ["0.75", "\\dfrac34", "3/4", "0.7"]),
          ("2\\sqrt{3}", ["2\\sqrt3", "2 \\sqrt{3}", "3\\sqrt{2}", "\\sqrt{12}"]), ("(1, 2)", ["(1,2)", "(2,1)", "\\left(1, 2\\right)", "(1, 3)"]),
          ("B", ["(B)", "B", "Answer: C", "\\boxed{B}"]), ("\\{1, 3\\}", ["\\{3,1\\}", "\\{1\\}", "1, 3", "\\{1,3\\}"])]
SYMBOLIC = [("x^2-4x+4", ["(x-2)^2", "(x+2)^2", "x^2-4x+4", "(2-x)^2"]),
            ("\\frac{x+2}{7}", ["\\frac{x}{7}+\\frac{2}{7}", "\\frac{x+3}{7}", "\\frac{2+x}{7}", "x/7+2"]),
            ("\\tan^2 y + 1", ["\\sec^2 y", "\\sec y", "\\frac{1}{\\cos^2 y}", "\\tan^2 y"]),
            ("[-1,\\infty)", ["x \\ge -1", "x > -1", "[-1, \\infty)", "-x \\le 1"]),
            ("y=-\\frac12x+\\frac34", ["2x+4y-3=0", "4y=3-2x", "y=\\frac12x+\\frac34", "x+2y=\\frac32"]),
            ("\\frac{\\sqrt{3}}{3}", ["\\frac{1}{\\sqrt3}", "\\sqrt{3}/3", "\\frac{\\sqrt2}{2}", "3^{-1/2}"]),
            ("\\ln(x^2)", ["2\\ln x", "\\ln 2x", "\\ln x^2", "2\\ln(x)"])]


def make(path, forms, records):
    if os.path.exists(path):
        return
    rng = random.Random(0)
    with open(path, "w") as f:
        for i in range(records):
            gold, cands = forms[i % len(forms)]
            outs = []
            for _ in range(4):
                a = rng.choice(cands)
                text = "Let me think step by step. " * rng.randint(5, 40) + "<|im_start|>answer\nFinal Answer: \\boxed{" + a + "}"
                outs.append({"model": "bench", "max_thinking_tokens": 512, "waits": 0, "thinking_tokens": rng.randint(50, 500), "text": text})
            f.write(json.dumps({"id": str(i), "answer": gold, "source_type": "bench", "outputs": outs}) + "\n")


def ours(path, n):
    best = 1e9
    for _ in range(3):
        t0 = time.time()
        subprocess.run([f"{BIN}/s1-score", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best = min(best, time.time() - t0)
    return n / best, best


def math_verify():
    try:
        from math_verify import parse, verify
    except ImportError:
        return None
    def judge(gold, text):
        return bool(verify(parse("$" + gold + "$"), parse(text.split("<|im_start|>answer")[-1])))
    return judge


def mv_rate(judge, path, limit=500):
    pairs = []
    for line in open(path):
        r = json.loads(line)
        pairs += [(r["answer"], o["text"]) for o in r["outputs"]]
        if len(pairs) >= limit:
            break
    t0 = time.time()
    for g, t in pairs[:limit]:
        judge(g, t)
    return limit / (time.time() - t0)


def main():
    simple, symbolic = "work/bench/score-100k.jsonl", "work/bench/score-symbolic-20k.jsonl"
    make(simple, SIMPLE, 25000)
    make(symbolic, SYMBOLIC, 5000)
    res = {}
    res["simple_outputs_per_s"], res["simple_seconds"] = ours(simple, 100000)
    res["symbolic_outputs_per_s"], res["symbolic_seconds"] = ours(symbolic, 20000)
    judge = math_verify()
    if judge:
        res["mv_simple_outputs_per_s"] = mv_rate(judge, simple)
        res["mv_symbolic_outputs_per_s"] = mv_rate(judge, symbolic)
        cases = [json.loads(l) for l in open(CORPUS)]
        inp = "".join(json.dumps({"answer": c["gold"], "outputs": [{"answer": c["text"]}]}) + "\n" for c in cases)
        out = subprocess.run([f"{BIN}/s1-score"], input=inp, capture_output=True, text=True, check=True).stdout.splitlines()
        s1 = [json.loads(l)["outputs"][0]["correct"] for l in out]
        mv = [judge(c["gold"], c["text"]) for c in cases]
        lab = [c["correct"] for c in cases]
        n = len(cases)
        res["corpus_cases"] = n
        res["corpus_s1_agrees_with_labels"] = sum(a == b for a, b in zip(s1, lab)) / n
        res["corpus_mv_agrees_with_labels"] = sum(a == b for a, b in zip(mv, lab)) / n
        res["corpus_s1_agrees_with_mv"] = sum(a == b for a, b in zip(s1, mv)) / n
        res["corpus_mv_false_positives"] = sum(1 for a, b in zip(mv, lab) if a and not b)
        res["corpus_s1_false_positives"] = sum(1 for a, b in zip(s1, lab) if a and not b)
    if "--json" in sys.argv:
        print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in res.items()}))
        return
    print(f"s1-score, simple answers:   100,000 outputs in {res['simple_seconds']:.2f} s = {res['simple_outputs_per_s']:,.0f} outputs/s (target >= 20,000/s)")
    print(f"s1-score, symbolic answers:  20,000 outputs in {res['symbolic_seconds']:.2f} s = {res['symbolic_outputs_per_s']:,.0f} outputs/s")
    if judge:
        print(f"Math-Verify 0.9.0 (same outputs, 500 of each): simple {res['mv_simple_outputs_per_s']:,.0f} outputs/s, symbolic {res['mv_symbolic_outputs_per_s']:,.0f} outputs/s")
        print(f"labelled corpus ({res['corpus_cases']} cases): s1-score agrees with the labels {res['corpus_s1_agrees_with_labels']:.1%} "
              f"({res['corpus_s1_false_positives']} false positives), Math-Verify {res['corpus_mv_agrees_with_labels']:.1%} "
              f"({res['corpus_mv_false_positives']} false positives); the two agree on {res['corpus_s1_agrees_with_mv']:.1%}")
    else:
        print("(Math-Verify side by side needs: pip install math-verify==0.9.0)")


if __name__ == "__main__":
    main()

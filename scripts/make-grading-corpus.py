#!/usr/bin/env python3
"""Builds s1-score's labelled grading corpus, Tests/SharedTests/Fixtures/grading/corpus.jsonl.

Four parts, each case with its class and reason:
  * hand-written cases for every class of the grading issue (answer finding, numbers, symbols, relations,
    labels and lists, text and units, and not-equal traps), below;
  * real free-text solutions: MATH500's reference solutions (PRM800K, MIT) as outputs, graded against
    the dataset's `answer` field (all equal: the solution's boxed answer is the answer);
  * mechanical traps on MATH500's integer answers: one digit changed, the sign flipped, off by one,
    a factor of 10 (all not equal; integers, so the label is certain);
  * real model outputs: the final answers of GPT-3.5, GPT-4, GPT-4 Turbo and PaLM 2 in the CHAMP dataset's
    0-shot conversations (PyPI champ-dataset 1.0.0, MIT), labelled by hand. The cases reviewed are every
    one where s1-score and Math-Verify disagreed and random samples of those where they agreed; only
    reviewed cases are kept, with the labels in Fixtures/grading/champ-hand-labels.json. Yes/no
    questions are left out of this part (answers there are prose).
Run once (needs pip and PyPI for the CHAMP wheel): python3 scripts/make-grading-corpus.py [math500/test.jsonl]
"""
import json, os, random, re, subprocess, sys, tempfile, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "SharedTests", "Fixtures", "grading", "corpus.jsonl")
MATH500 = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data", "math500", "test.jsonl")

# (class, prediction, gold, equal?, why)
HAND = [
    ("find", "\\boxed 7", "7", True, "\\boxed without braces"),
    ("find", "The answer is 12.", "12", True, "answer statement"),
    ("find", "The final answer is $\\frac{3}{4}$. I hope it is correct.", "3/4", True, "Minerva-style statement"),
    ("find", "**Final Answer**\n\n$42$", "42", True, "bold heading, answer on the next line"),
    ("find", "# Answer\n\n17", "17", True, "PRM800K heading"),
    ("find", "7,425,000", "7425000", True, "section that is only the answer"),
    ("find", "\\frac{7}{4}", "7/4", True, "section that is only a fraction"),
    ("find", ".6", "0.6", True, "section that is only a bare decimal"),
    ("find", "So we get \\[ 9 \\]", "9", True, "display math \\[ \\]"),
    ("find", "The value is \\( 5 \\).", "5", True, "inline math \\( \\)"),
    ("find", "Thus $$ 12 $$", "12", True, "display math $$"),
    ("find", "The solutions are \\boxed{2} and \\boxed{3}.", "2, 3", True, "several boxes together are the answer"),
    ("find", "First \\boxed{2}. Much later, after more work, we find the answer is \\boxed{3}.", "2, 3", False, "boxes far apart are not one answer: the last counts"),
    ("find", "The correct option is (D).", "D", True, "multiple choice statement"),
    ("find", "**D**", "D", True, "bold letter"),
    ("find", "I think it is (B) or maybe (C).", "B", False, "two letters: no choice made"),
    ("find", "I am not sure.", "42", False, "no answer given"),
    ("find", "Answer: b", "B", True, "lower-case letter after Answer:"),
    ("find", "We get x = 3, so the answer is $x = 3$.", "3", True, "statement with a label"),
    ("find", "Therefore, there are 12 ways to do it.", "12", True, "number in the final sentence"),
    ("find", "The largest $n$ is 34.", "34", True, "sentence reduced to what follows 'is'"),
    ("find", "Final Answer: The final answer is $\\$3,400$. I hope it is correct.", "3400", True, "dollar sign and separator"),
    ("number", "1,000", "1000", True, "thousands separator"),
    ("number", "1 000", "1000", True, "thin-space thousands"),
    ("number", "25{,}000", "25000", True, "LaTeX braced comma"),
    ("number", "12,\\!500", "12500", True, "comma with negative space"),
    ("number", "1000.0", "1000", True, "integral decimal"),
    ("number", ".6", "\\frac35", True, "bare decimal equals fraction"),
    ("number", "\\$3,400", "3400", True, "currency sign"),
    ("number", "1.6e-19", "1.6 \\times 10^{-19}", True, "scientific notation both ways"),
    ("number", "10^{-4}", "0.0001", True, "power of ten"),
    ("number", "0.\\overline{6}", "\\frac23", True, "repeating decimal"),
    ("number", "0.1\\overline{6}", "\\frac16", True, "repeating tail"),
    ("number", "seven", "7", True, "number word"),
    ("number", "twelve", "12", True, "number word"),
    ("number", "2\\frac{1}{2}", "\\frac52", True, "mixed number"),
    ("number", "005", "5", True, "AIME zero padding"),
    ("number", "1,22", "1.22", True, "decimal comma (not a thousands group)"),
    ("number", "0.1428571428571428", "\\frac17", True, "16 significant digits, truncated"),
    ("number", "0.14285714", "\\frac17", True, "8 significant digits, truncated"),
    ("number", "0.14285715", "\\frac17", False, "8 digits, neither rounded nor truncated"),
    ("number", "0.33333333", "\\frac13", True, "8 significant digits"),
    ("number", "0.3333", "\\frac13", False, "too few digits to stand for 1/3"),
    ("number", "3.14159265", "\\pi", True, "pi to 9 digits, truncated"),
    ("number", "3.14", "\\pi", False, "pi to 3 digits"),
    ("number", "0.86602540", "\\frac{\\sqrt3}{2}", True, "8 digits, rounded"),
    ("symbol", "9a+11", "11+9a", True, "order"),
    ("symbol", "(x-2)^2", "x^2-4x+4", True, "expanded and factored"),
    ("symbol", "\\frac{x+2}{7}", "\\frac{x}{7}+\\frac27", True, "rational function identity"),
    ("symbol", "\\frac{1}{\\frac{1}{x}+1}", "\\frac{x}{x+1}", True, "nested fraction"),
    ("symbol", "\\sqrt{18}", "3\\sqrt2", True, "radical simplification"),
    ("symbol", "\\frac1{\\sqrt3}", "\\frac{\\sqrt3}3", True, "rationalized denominator"),
    ("symbol", "5^{1/3}", "\\sqrt[3]5", True, "fractional power as root"),
    ("symbol", "\\pi/3", "\\frac\\pi3", True, "pi over 3"),
    ("symbol", "\\sec^2 y", "\\tan^2 y + 1", True, "trig identity"),
    ("symbol", "\\log_2 8", "3", True, "logarithm with base"),
    ("symbol", "\\ln(e^2)", "2", True, "log of a power of e"),
    ("symbol", "\\left( 3 \\right)", "3", True, "\\left( \\right) around a scalar"),
    ("symbol", "2\\sqrt{2}+\\sqrt{8}", "4\\sqrt2", True, "sum of radicals"),
    ("symbol", "\\sin^2 x + \\cos^2 x", "1", True, "Pythagorean identity"),
    ("symbol", "\\sin \\pi", "0", True, "sine of pi"),
    ("symbol", "\\sqrt{-4}", "2i", True, "imaginary root"),
    ("symbol", "(1+i)^2", "2i", True, "complex square"),
    ("symbol", "\\binom{5}{2}", "10", True, "binomial"),
    ("symbol", "5!", "120", True, "factorial"),
    ("symbol", "\\frac{x^2-1}{x-1}", "x+1", True, "cancelled factor"),
    ("symbol", "e^{i\\pi}", "-1", True, "Euler's identity"),
    ("symbol", "\\sqrt{x^2}", "x", True, "equal on the positive sample points (x > 0)"),
    ("relation", "2x+4y-3=0", "y=-\\frac12x+\\frac34", True, "equation rearranged and scaled"),
    ("relation", "x \\ge -1", "[-1,\\infty)", True, "inequality against interval"),
    ("relation", "2<x<5", "(2,5)", True, "chain against interval"),
    ("relation", "-2x>-6", "x<3", True, "inequality divided by a negative"),
    ("relation", "(3,4)\\cup(-\\infty,1]", "(-\\infty,1]\\cup(3,4)", True, "union in any order"),
    ("relation", "\\mathbb R", "(-\\infty,\\infty)", True, "real line"),
    ("relation", "x \\ne 3", "(-\\infty,3)\\cup(3,\\infty)", True, "not-equal as a union"),
    ("relation", "\\pm 3", "\\{-3, 3\\}", True, "plus-minus as a set"),
    ("relation", "x = \\pm 2", "2, -2", True, "labelled plus-minus"),
    ("relation", "1 \\pm \\sqrt2", "1+\\sqrt2, 1-\\sqrt2", True, "plus-minus expression"),
    ("relation", "y > x", "x < y", True, "flipped inequality"),
    ("relation", "x \\le 3", "x < 3", False, "closed against open"),
    ("relation", "[2,5)", "(2,5]", False, "brackets differ"),
    ("relation", "x > -1", "[-1,\\infty)", False, "open end against closed"),
    ("relation", "x^2 + y^2 = 1", "2x^2+2y^2=2", True, "scaled circle"),
    ("relation", "x^2 + y^2 = 1", "x^2 + y^2 = 4", False, "different radius"),
    ("label", "m = \\frac25", "\\frac25", True, "label dropped"),
    ("label", "(3,2)", "(p,q)=(3,2)", True, "tuple label in the gold"),
    ("label", "1", "|AB|=1", True, "length label in the gold"),
    ("label", "f(x) = x^2", "x^2", True, "function label"),
    ("label", "x = 5+5+1 = 11", "11", True, "computation chain: last side"),
    ("label", "x \\approx 11", "11", True, "approximately, as the stated value"),
    ("label", "x = \\frac13 \\approx 0.33", "\\frac13", True, "what follows an approximation is not the answer"),
    ("list", "1; 2", "1, 2", True, "semicolon list"),
    ("list", "1 \\text{ and } 2", "2, 1", True, "text and, any order"),
    ("list", "1 \\quad 2", "\\{1,2\\}", True, "quad separator"),
    ("list", "3 or 4", "3, 4", True, "or separator"),
    ("list", "1,2,3", "1,2", False, "extra solution"),
    ("list", "1", "1,2", False, "missing solution"),
    ("list", "(1,2)", "(2,1)", False, "tuple order matters"),
    ("list", "\\{2,1\\}", "\\{1,2\\}", True, "set order does not"),
    ("text", "\\text{Even}", "even", True, "case and \\text"),
    ("text", "\\text{odd}", "even", False, "different word"),
    ("text", "\\textbf{Evelyn}", "\\text{Evelyn}", True, "bold text"),
    ("units", "2\\pi \\text{ cm}", "2\\pi", True, "unit in \\text"),
    ("units", "450 \\text{ cents}", "450", True, "unit word"),
    ("units", "5 m^2", "5", True, "single-letter unit when the gold has no variable m"),
    ("units", "3^{\\text{rd}}", "3", True, "ordinal"),
    ("units", "90^\\circ", "90", True, "degrees"),
    ("units", "28\\%", "28", True, "percent sign, no rescaling"),
    ("units", "0.28", "28\\%", False, "no percent rescaling"),
    ("trap", "1/2004!", "1/2006!", False, "tiny values, exact"),
    ("trap", "49999", "50000", False, "off by one"),
    ("trap", "0.75", "75", False, "factor 100"),
    ("trap", "2.72", "e", False, "short decimal for e"),
    ("trap", "0.67", "2/3", False, "short decimal for 2/3"),
    ("trap", "e^{-200}", "0", False, "tiny is not zero"),
    ("trap", "\\frac{1}{2}", "\\frac{1}{3}", False, "one digit changed"),
    ("trap", "x^2+1", "x^2-1", False, "sign flipped"),
    ("trap", "2x+1", "2y+1", False, "different variable"),
    ("trap", "\\sqrt{3}/2", "\\sqrt{2}/2", False, "different radicand"),
    ("trap", "\\frac{\\pi}{3}", "\\frac{\\pi}{6}", False, "different angle"),
    ("trap", "2\\sqrt{2}", "\\sqrt{2}", False, "wrong factor"),
    ("trap", "(x+1)^2", "x^2+1", False, "missing cross term"),
    ("trap", "\\frac{\\sqrt3}{2}", "0.8660254", False, "7 digits is too few"),
    ("trap", "(0,9)", "[0,9)", False, "bracket"),
    ("trap", "\\lfloor m/3 \\rfloor", "\\lfloor m/2 \\rfloor", False, "floors that agree on small values only"),
    ("trap", "10^{10^{10}}", "10^{10^{11}}", False, "towers too large to compute: not equal"),
    ("trap", "1000000!", "1000001!", False, "huge factorials"),
    ("trap", "\\sin x", "\\cos x", False, "different function"),
    ("trap", "\\log_2 9", "3", False, "near a log identity"),
    ("trap", "-5", "5", False, "sign"),
    ("trap", "i", "-i", False, "conjugate"),
    ("trap", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}", False, "transposed matrix"),
    ("trap", "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", True, "same matrix, other brackets"),
    ("text", "No, there are no integer solutions.", "No", True, "yes/no gold: explicit no first"),
    ("text", "Yes, it can.", "No", False, "yes/no gold: the other answer"),
    ("text", "It cannot be prime.", "No", False, "yes/no gold needs an explicit yes or no"),
    ("text", "\\text{Yes}", "yes", True, "yes/no in \\text"),
    ("find", "A minimum of 26 questions is required to determine the product of the 50 numbers.", "50", False,
     "the number before the verb is the answer, not a number of the problem"),
    ("find", "The number of sequences is given by the expression (n+1)^(n-1).", "(n+1)^{n-1}", True, "given by the expression"),
    ("find", "The largest value is the sum of the sides, (a+b+c).", "2", False, "no digit taken out of an expression"),
    ("find", "The remainder is (x^49 - x^42 - x^7 + 1) / (1 - x^7).", "7", False, "a digit inside an expression is not a number answer"),
]


def main():
    rows = []
    for cls, pred, gold, eq, why in HAND:
        rows.append({"class": cls, "text": pred, "gold": gold, "correct": eq, "why": why})
    math = [json.loads(l) for l in open(MATH500)]
    for r in math:
        rows.append({"class": "real-solution", "text": r["solution"], "gold": r["answer"], "correct": True,
                     "why": f"MATH500 {r['unique_id']}: reference solution against its answer"})
    rng = random.Random(0)
    ints = [r for r in math if re.fullmatch(r"[1-9][0-9]*", r["answer"].strip())]
    for r in ints:
        a = r["answer"].strip()
        k = rng.randrange(len(a))
        d = str((int(a[k]) + 1 + rng.randrange(8)) % 10)
        changed = a[:k] + d + a[k + 1:]
        if changed != a and not changed.startswith("0"):
            rows.append({"class": "trap", "text": f"The answer is $\\boxed{{{changed}}}$.", "gold": a, "correct": False,
                         "why": f"MATH500 {r['unique_id']}: one digit changed"})
    for r in ints[:60]:
        a = r["answer"].strip()
        rows.append({"class": "trap", "text": f"\\boxed{{-{a}}}", "gold": a, "correct": False, "why": f"MATH500 {r['unique_id']}: sign flipped"})
        rows.append({"class": "trap", "text": f"\\boxed{{{int(a) + 1}}}", "gold": a, "correct": False, "why": f"MATH500 {r['unique_id']}: off by one"})
        rows.append({"class": "trap", "text": f"\\boxed{{{a}0}}", "gold": a, "correct": False, "why": f"MATH500 {r['unique_id']}: factor of ten"})
    labels = json.load(open(os.path.join(os.path.dirname(OUT), "champ-hand-labels.json")))
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "champ-dataset==1.0.0", "-d", d], check=True)
        wheel = [f for f in os.listdir(d) if f.endswith(".whl")][0]
        champ = json.loads(zipfile.ZipFile(os.path.join(d, wheel)).read("champ_dataset/dataset_files/v0.json"))
    for pid, model, correct, note in labels:
        p = champ["problems"][pid]
        msgs = [m for m in p["conversations"][f"{model}|0-Shot"]["messages"] if m["role"].startswith("Model")]
        rows.append({"class": "real-output", "text": msgs[-1]["text"], "gold": p["_answer"], "correct": correct,
                     "why": f"CHAMP {pid}, {model} 0-shot final answer, labelled by hand: {note}"})
    with open(OUT, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    traps = sum(1 for r in rows if not r["correct"])
    print(f"{len(rows)} cases ({traps} not equal) -> {OUT}")


if __name__ == "__main__":
    main()

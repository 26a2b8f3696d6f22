#!/usr/bin/env python3
"""Writes Tests/SharedTests/Fixtures/grading/equivalence.jsonl: answer-equivalence cases, each labelled with why.
Hand-written cases cover the traps of SPEC §7; derived ones take real gold answers (MATH500, Minerva, OlympiadBench)
and restate them (equal) or change one digit (not equal).

    python3 scripts/make-equivalence-cases.py DATA_DIR
"""
import json, os, re, sys
C = []
def eq(a, g, why): C.append({"extracted": a, "gold": g, "correct": True, "why": why})
def ne(a, g, why): C.append({"extracted": a, "gold": g, "correct": False, "why": why})
# numbers
eq("5", "5", "identical integers")
eq("05", "5", "leading zero")
eq("005", "5", "AIME-style zero padding (AIME golds compare as integers)")
eq("33.0", "33", "integral decimal")
eq("1,000", "1000", "thousands separator")
eq("1,234,567", "1234567", "thousands separators")
eq("0.5", "\\frac{1}{2}", "decimal equals fraction")
eq("\\frac{1}{2}", "\\dfrac{1}{2}", "dfrac is frac")
eq("\\tfrac12", "\\frac{1}{2}", "tfrac shorthand without braces")
eq("\\frac12", "0.5", "frac shorthand")
eq("1/2", "\\frac{1}{2}", "slash fraction")
eq("-\\frac{3}{4}", "-0.75", "negative fraction")
eq("\\frac{-3}{4}", "-\\frac{3}{4}", "sign inside the fraction")
eq("\\frac{6}{8}", "\\frac{3}{4}", "unreduced fraction")
eq("2\\frac{1}{2}", "\\frac{5}{2}", "mixed number")
eq("1.5e3", "1500", "scientific notation")
eq("1.5\\times10^{3}", "1500", "scientific notation with times")
eq("2.5 \\times 10^{-2}", "0.025", "negative exponent")
eq("+7", "7", "explicit plus sign")
eq(".75", "\\frac34", "decimal without leading zero")
eq("100\\%", "100", "percent sign is presentation")
eq("45^\\circ", "45", "degree sign is presentation")
eq("45^{\\circ}", "45", "degree sign with braces")
eq("12\\text{ cm}", "12", "unit in text is presentation")
eq("12 \\text{ inches}", "12", "unit word")
eq("\\$5", "5", "dollar sign escaped")
eq("$5$", "5", "math delimiters")
eq("\\(5\\)", "5", "inline math delimiters")
eq("x = 5", "5", "x = 5 is 5")
eq("y=-2", "-2", "variable assignment with negative")
eq("5.", "5", "trailing period")
eq("3.14", "3.140", "trailing zeros in decimal")
ne("0.25", "25", "no x100 rescaling")
ne("25", "0.25", "no x100 rescaling (other way)")
ne("99999", "100000", "no tolerance")
ne("3.14", "\\pi", "no numeric approximation of pi")
ne("0.333", "\\frac{1}{3}", "truncated decimal is not the fraction")
ne("1/3", "0.33", "rounded decimal")
ne("5", "-5", "sign matters")
ne("12", "21", "digits swapped")
ne("1,000", "1", "thousands separator is not a list here")
ne("2", "\\frac{1}{2}", "different value")
ne("", "5", "empty answer")
ne("1000000", "1e5", "exponent differs")
eq("1e6", "1000000", "scientific equals integer")
ne("7", "71", "prefix of the gold")
ne("\\frac{1}{2}", "\\frac{2}{1}", "inverted fraction")
# expressions
eq("\\sqrt2", "\\sqrt{2}", "sqrt shorthand")
eq("2\\sqrt{3}", "2 \\sqrt 3", "spacing and braces")
eq("\\frac{\\sqrt{3}}{2}", "\\frac{\\sqrt3}{2}", "sqrt shorthand inside frac")
eq("2\\pi", "2 \\pi", "spacing around pi")
eq("2\\cdot\\pi", "2\\pi", "explicit multiplication dot")
eq("\\left(3, 4\\right)", "(3,4)", "left/right sizing")
eq("x^{2}", "x^2", "single-character exponent braces")
eq("\\dfrac{\\pi}{4}", "\\frac{\\pi}{4}", "dfrac with symbols")
ne("2\\sqrt{3}", "3\\sqrt{2}", "different radicals")
ne("\\sqrt{2}", "2", "root is not its radicand")
ne("x^2", "x^3", "different exponent")
ne("\\pi", "2\\pi", "coefficient differs")
eq("\\sqrt{2}/2", "\\frac{\\sqrt{2}}{2}", "slash vs frac with a root is compared as text after normalization? no: different spelling")
C[-1] = {"extracted": "\\frac{\\sqrt{2}}{2}", "gold": "\\frac{\\sqrt2}{2}", "correct": True, "why": "root shorthand inside a fraction"}
# tuples, intervals, sets, lists
eq("(1, 2)", "(1,2)", "tuple spacing")
ne("(2, 1)", "(1, 2)", "tuples are ordered")
eq("[0, 1)", "[0,1)", "half-open interval")
ne("(0, 1)", "[0, 1]", "interval brackets matter")
ne("[0, 1)", "(0, 1]", "which end is open matters")
eq("(-\\infty, 2) \\cup (3, \\infty)", "(-\\infty,2)\\cup(3,\\infty)", "union of intervals")
ne("(3, \\infty) \\cup (-\\infty, 2)", "(-\\infty,2)\\cup(3,\\infty)", "union pieces in order")
eq("\\{1, 2, 3\\}", "\\{3, 2, 1\\}", "sets are unordered")
ne("\\{1, 2\\}", "\\{1, 2, 3\\}", "set missing an element")
eq("1, 3", "3, 1", "solution lists are unordered")
eq("x = 1, x = 3", "3, 1", "solution list with assignments")
eq("-3, 3", "3, -3", "plus-minus solutions")
ne("1, 3", "1, 2", "wrong solution in a list")
ne("1", "1, 3", "incomplete solution list")
eq("(\\frac{1}{2}, 0.25)", "(0.5, \\frac14)", "numbers inside tuples compare exactly")
eq("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "matrix spacing")
ne("\\begin{pmatrix} 1 & 2 \\\\ 4 & 3 \\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "matrix entries in order")
eq("\\begin{pmatrix} 0.5 \\\\ 1 \\end{pmatrix}", "\\begin{pmatrix}\\frac12\\\\1\\end{pmatrix}", "vector entries exact")
# text answers
eq("Jupiter", "Jupiter", "identical words")
eq("\\text{Jupiter}", "Jupiter", "text wrapper kept as content")
ne("Saturn", "Jupiter", "different words")
eq("\\textbf{(C)}", "(C)", "bold wrapper")
# multiple choice
for a, why in [("(B)", "parenthesized letter"), ("B)", "letter with closing paren"), ("\\boxed{B}", "boxed letter"),
               ("Answer: b", "lower-case after Answer:"), ("$B$", "letter in math"), ("\\text{(B)}", "text-wrapped letter"),
               ("B", "bare letter"), ("B. 42", "letter with period and value"), ("The answer is (B) 42", "letter in a sentence")]:
    eq(a, "B", "multiple choice: " + why)
for a, why in [("(A) or (B)", "two letters"), ("(C)", "wrong letter"), ("42", "no letter"), ("", "nothing"),
               ("a cat", "lower-case article is not a choice"), ("I think it is between A and C", "two letters in prose")]:
    ne(a, "B", "multiple choice: " + why)
eq("\\boxed{J}", "J", "letters up to J")
ne("\\boxed{K}", "K", "K is not a choice letter, so compared as text... equal text")
C[-1] = {"extracted": "(A)", "gold": "a", "correct": True, "why": "gold letter lower-case"}

data = sys.argv[1]
golds = []
def last_boxed(t):
    i = t.rfind("\\boxed{")
    if i < 0:
        return ""
    j, depth = i + 7, 0
    for k in range(j, len(t)):
        depth += {"{": 1, "}": -1}.get(t[k], 0)
        if depth == 0:
            return t[j + 1:k]
    return ""

for path, key in [("math500/test.jsonl", "answer"), ("qwen25math_eval/minerva_math/test.jsonl", "solution"),
                  ("qwen25math_eval/olympiadbench/test.jsonl", "final_answer")]:
    rows = [json.loads(l) for l in open(os.path.join(data, path))]
    for r in rows[:45]:
        g = last_boxed(r[key]) if key == "solution" else r[key]
        if isinstance(g, list):
            g = g[0] if g else ""
        g = str(g).strip()
        if g and g not in golds:
            golds.append(g)
for g in golds[:110]:
    eq("$" + g + "$", g, f"real gold {g!r} in math delimiters")
    digits = [m.start() for m in re.finditer(r"\d", g)]
    if digits:
        i = digits[-1]
        changed = g[:i] + str((int(g[i]) + 1) % 10) + g[i + 1:]
        ne(changed, g, f"real gold {g!r} with its last digit changed")
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "SharedTests", "Fixtures", "grading", "equivalence.jsonl")
with open(out, "w") as f:
    for c in C:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
print(len(C), "cases", file=sys.stderr)

#!/usr/bin/env python3
"""Reproduces the public test suite of Math-Verify 0.9.0 (the sdist's tests/, MIT) as a fixture of
(gold, pred, expected) cases for s1-score's judge: Tests/SharedTests/Fixtures/grading/peers/math-verify.jsonl.

Run once (needs pip and network to PyPI); the fixture is committed, the peer's code is not. Each case keeps
the test it came from and the options that test passes to Math-Verify (float rounding, strict, ...).
Cases where s1-score's policy differs on purpose are listed in POLICY below with the reason; the fixture then
carries `ours` (our expected verdict) and `policy` (why).
"""
import importlib, inspect, json, os, subprocess, sys, tarfile, tempfile

VERSION = "0.9.0"
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SharedTests", "Fixtures", "grading", "peers", "math-verify.jsonl")

# (test function, gold, pred) -> (our verdict, why). Our policy (SPEC §7 and the grading issue): no float
# tolerance (a decimal stands for an exact value only with >= 8 significant digits), no percent rescaling,
# a decimal comma is not a decimal point, an answer is the committed final one.
POLICY_RULES = [
    # Math-Verify rounds floats to `precision` digits; we do not use a tolerance.
    ("float_rounding", lambda t, g, p, kw: "precision" in kw and kw["precision"] is not None),
]


def collect(root):
    sys.path.insert(0, root)
    open(os.path.join(root, "tests", "__init__.py"), "a").close()
    cases = []
    for f in sorted(os.listdir(os.path.join(root, "tests"))):
        if not f.startswith("test_") or not f.endswith(".py"):
            continue
        mod = importlib.import_module("tests." + f[:-3])
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if not name.startswith("test"):
                continue
            for mark in getattr(fn, "pytestmark", []):
                if mark.name != "parametrize":
                    continue
                names = [n.strip() for n in mark.args[0].split(",")]
                if "gold" not in names or "pred" not in names:
                    continue
                for values in mark.args[1]:
                    values = getattr(values, "values", values)
                    row = dict(zip(names, values))
                    expected = row.get("expected", row.get("result"))
                    extra = {k: v for k, v in row.items() if k not in ("gold", "pred", "expected", "result")}
                    cases.append({"suite": f"math-verify {VERSION} tests/{f}::{name}", "gold": row["gold"], "pred": row["pred"],
                                  "expected": bool(expected), **({"options": extra} if extra else {})})
    return cases


# hendrycks/math modeling/math_equivalence_test.py (MIT): its unittest cases, (pred, gold, expected).
HENDRYCKS = [
    ("\\tfrac{1}{2} + \\frac1{72}", "\\\\frac{1}{2} + 2/3", False), ("10, 4, -2", "4, 10, -2", False),
    ("10, 4, 2", "4, 12, 2", False), ("\\tfrac{1}{2} +\\! \\frac1{72}", "\\\\dfrac{1}{2} +\\frac{1}{72}", True),
    ("10\\text{ units}", "10 ", True), ("10\\text{ units}", "100 ", False), ("10", "\\$10", True),
    ("\\left(x-2\\right)\\left(x+2\\right)", "(x-2)(x+2)", True), ("0.1, 4, 2", "4, .1, 2", False),
    ("0.1", ".1", True), ("10\\%", "10", True), ("10\\sqrt{3} + \\sqrt4", "10\\sqrt3 + \\sqrt{4}", True),
    ("\\frac34i", "\\frac{3}{4}i", True), ("\\tfrac83", "\\frac{8}{3}", True),
    ("5x - 7y + 11z + 4 = 0", "x + y - z + 2 = 0", False), ("1/2", "\\frac{1}{2}", True),
]
HENDRYCKS_POLICY = {
    ("10, 4, -2", "4, 10, -2"): (True, "solution lists compare in any order (SPEC §7); the peer compares strings"),
    ("0.1, 4, 2", "4, .1, 2"): (True, "solution lists compare in any order (SPEC §7); the peer compares strings"),
}

# QwenLM/Qwen2.5-Math evaluation/grader.py (MIT): the unittest expectations of TestMathEquality, and the
# examples of _test_math_equal (commented debugging cases without a stated verdict: labelled here with
# the mathematical truth, checked by hand). (pred, gold, expected, note)
QWEN = [
    ("10", "10", True, "unittest"), ("10%", "0.1", True, "unittest"), ("10", "20", False, "unittest"),
    ("10%", "0.2", False, "unittest"), ("[1, 2, 3]", "[1, 2, 3]", True, "unittest"), ("[1, 2, 3]", "[1, 2, 4]", False, "unittest"),
    ("(1, 2, 3)", "(1, 2, 3)", True, "unittest"),
    ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", True, "unittest"),
    ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&5\\end{pmatrix}", False, "unittest"),
    ("x = y", "x = y", True, "unittest"), ("x = y", "x = z", False, "unittest"), ("x = 10", "10", True, "unittest"),
    ("10", "x = 10", True, "unittest"),
    ("0.0833333333333333", "\\frac{1}{12}", True, "example"), ("(1,4.5)", "(1,\\frac{9}{2})", True, "example"),
    ("\\frac{x}{7}+\\frac{2}{7}", "\\frac{x+2}{7}", True, "example"), ("\\sec^2(y)", "\\tan^2(y)+1", True, "example"),
    ("\\begin{pmatrix}-\\frac{7}{4}&-2\\\\4&\\frac{1}{4}\\end{pmatrix}", "(\\begin{pmatrix}-\\frac{7}{4}&-2\\\\4&\\frac{1}{4}\\\\\\end{pmatrix})", True, "example"),
    ("\\begin{pmatrix}\\frac{1}{3x^{2/3}}&0&0\\\\0&1&0\\\\-\\sin(x)&0&0\\end{pmatrix}",
     "(\\begin{pmatrix}\\frac{1}{3\\sqrt[3]{x}^2}&0&0\\\\0&1&0\\\\-\\sin(x)&0&0\\\\\\end{pmatrix})", True, "example"),
    ("-\\frac{8x^2}{9(x^2-2)^{5/3}}+\\frac{2}{3(x^2-2)^{2/3}}", "-\\frac{2(x^2+6)}{9(x^2-2)\\sqrt[3]{x^2-2}^2}", True, "example"),
    ("-34x-45y+20z-100=0", "34x+45y-20z+100=0", True, "example"), ("\\frac{100}{3}", "33.3", False, "example"),
    ("\\begin{pmatrix}0.290243531202435\\\\0.196008371385084\\\\-0.186381278538813\\end{pmatrix}",
     "(\\begin{pmatrix}0.29\\\\0.196\\\\-0.186\\\\\\end{pmatrix})", False, "example"),
    ("\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{2\\sqrt{33}+15}", "\\frac{\\sqrt{\\sqrt{11}+\\sqrt{194}}}{15+2\\sqrt{33}}", True, "example"),
    ("(+5)(b+2)", "(a+5)(b+2)", False, "example"), ("\\frac{1+\\sqrt{5}}{2}", "2", False, "example"),
    ("\\frac{34}{16}+\\frac{\\sqrt{1358}}{16}", "4", False, "example"), ("1", "1\\\\sqrt{19}", False, "example"),
    ("(0.6,2.6667]", "(\\frac{3}{5},\\frac{8}{3}]", False, "example"), ("x+1", "x+2n+1", False, "example"),
]
QWEN_POLICY = {
    ("10%", "0.1"): (False, "no percent rescaling (SPEC §7): 10% is compared as 10"),
    ("10%", "0.2"): (False, "no percent rescaling; not equal either way"),
}


def write(name, rows):
    path = os.path.join(os.path.dirname(OUT), name)
    with open(path, "w") as out:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} cases -> {path}")


def main():
    hend = []
    for pred, gold, exp in HENDRYCKS:
        r = {"suite": "hendrycks/math modeling/math_equivalence_test.py", "gold": gold, "pred": pred, "expected": exp}
        if (pred, gold) in HENDRYCKS_POLICY:
            r["ours"], r["policy"] = HENDRYCKS_POLICY[(pred, gold)]
        hend.append(r)
    write("hendrycks-math.jsonl", hend)
    qwen = []
    for pred, gold, exp, note in QWEN:
        r = {"suite": f"Qwen2.5-Math evaluation/grader.py ({note})", "gold": gold, "pred": pred, "expected": exp}
        if (pred, gold) in QWEN_POLICY:
            r["ours"], r["policy"] = QWEN_POLICY[(pred, gold)]
        qwen.append(r)
    write("qwen25-math.jsonl", qwen)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        f"math-verify=={VERSION}", "-d", d], check=True)
        with tarfile.open(os.path.join(d, f"math_verify-{VERSION}.tar.gz")) as t:
            t.extractall(d)
        cases = collect(os.path.join(d, f"math_verify-{VERSION}"))
    policy = json.load(open(os.path.join(os.path.dirname(OUT), "math-verify-policy.json")))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as out:
        for c in cases:
            key = c["gold"] + "\u241f" + c["pred"]
            opts = c.get("options", {})
            if key in policy:
                c["ours"], c["policy"] = policy[key]["ours"], policy[key]["why"]
            elif opts.get("precision") is not None and opts["precision"] < 8 and c["expected"]:
                c["policy_candidate"] = "float rounding"
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()

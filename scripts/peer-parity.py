#!/usr/bin/env python3
"""Greedy parity with llama.cpp on the same GGUF files (issue: the models people run). For every
quantization made by scripts/peers.sh, llama.cpp's llama-server runs on loopback; each prompt is continued
greedily by its /completion endpoint and by `s1-think --raw`, and the token ids are compared.

Where the two drift apart, the teacher-forced measure says whether the engines agree position by position:
every prefix of llama.cpp's own greedy sequence (prompt + its continuation) is given to s1-think, which
predicts one token; agreement is the share of positions where that is llama.cpp's next token (its own
top-1 there).

usage: peer-parity.py [--tokens N] [--json]   (PEERS= overrides ~/.cache/s1-swift/peers)
"""
import json, os, subprocess, sys, time, urllib.request

PEERS = os.environ.get("PEERS", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "s1-swift", "peers"))
BIN = os.environ.get("BIN", ".build/release")
N = int(sys.argv[sys.argv.index("--tokens") + 1]) if "--tokens" in sys.argv else 24
PROMPTS = ["The capital of France is", "def fibonacci(n):", "Question: What is 12 times 7?\nAnswer:",
           "Once upon a time, in a small village,", "The derivative of x^2 is", "1, 2, 3, 4, 5,",
           "<|im_start|>user\nName three primes.<|im_end|>\n<|im_start|>assistant\n", "In 1969, humans"]
TYPES = os.environ.get("TYPES", "Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K_M Q4_K_M Q5_K_M Q6_K IQ4_NL IQ4_XS F16 BF16").split()


def post(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def llama(model, port=18573):
    srv = subprocess.Popen([f"{PEERS}/bin/llama-server", "-m", model, "--host", "127.0.0.1", "--port", str(port), "-t", "2",
                            "-c", "1024", "-np", "1", "--no-warmup"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.2)
        out, pieces, contents = [], [], []
        for p in PROMPTS:
            r = post(port, "/completion", {"prompt": p, "n_predict": N, "temperature": 0, "top_k": 1, "cache_prompt": False,
                                           "return_tokens": True, "samplers": ["top_k"]})
            toks = r.get("tokens") or []
            out.append(toks)
            contents.append(r["content"])
            pieces.append([post(port, "/detokenize", {"tokens": [t]})["content"] for t in toks])
        return out, pieces, contents
    finally:
        srv.terminate()
        srv.wait(timeout=30)


def ours(model):
    inp = "".join(json.dumps({"prompt": p}) + "\n" for p in PROMPTS)
    r = subprocess.run([f"{BIN}/s1-think", "--model", model, "--raw", "--max-tokens", str(N), "--tokenize-output"] if False else
                       [f"{BIN}/s1-think", "--model", model, "--raw", "--max-tokens", str(N)], input=inp, capture_output=True, text=True, check=True)
    texts = [json.loads(l)["outputs"][0]["text"] for l in r.stdout.splitlines()]
    tok = subprocess.run([f"{BIN}/s1-think", "--model", model, "--tokenize"], input="".join(json.dumps({"question": t}) + "\n" for t in texts),
                         capture_output=True, text=True, check=True)
    return [json.loads(l)["tokens"] for l in tok.stdout.splitlines()], texts


def main():
    base = os.path.join(PEERS, "models")
    rows = []
    for t in TYPES:
        f = [x for x in os.listdir(base) if x.endswith(f".{t}.gguf")]
        if not f:
            continue
        model = os.path.join(base, f[0])
        theirs, pieces, contents = llama(model)
        mine, texts = ours(model)
        # Teacher forcing: one s1-think run over every prefix of llama.cpp's sequences.
        prefixes, want = [], []
        for p, ps in zip(PROMPTS, pieces):
            for i in range(len(ps)):
                prefixes.append(p + "".join(ps[:i]))
                want.append(ps[i])
        r = subprocess.run([f"{BIN}/s1-think", "--model", model, "--raw", "--max-tokens", "1", "--batch", "16"],
                           input="".join(json.dumps({"prompt": x}) + "\n" for x in prefixes), capture_output=True, text=True, check=True)
        got = [json.loads(l)["outputs"][0]["text"] for l in r.stdout.splitlines()]
        forced = sum(a == b for a, b in zip(got, want))
        # Greedy texts compared as decoded (re-tokenizing a text that holds a partial UTF-8 byte token
        # would not give the ids back); the first differing token of those that differ.
        same, firsts = 0, []
        for a, b, ta, tb in zip(mine, theirs, texts, contents):
            if ta == tb:
                same += 1
            else:
                firsts.append(next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b))))
        rows.append({"type": t, "prompts": len(PROMPTS), "identical": same, "first_difference": firsts,
                     "forced_positions": len(want), "forced_top1_agree": forced})
        print(f"{t:8s} {same}/{len(PROMPTS)} identical greedy continuations; teacher-forced top-1 {forced}/{len(want)} = {forced / max(len(want), 1):.1%}"
              + (f"; greedy differs first at token {firsts}" if firsts else ""), flush=True)
    total = sum(r["identical"] for r in rows), sum(r["prompts"] for r in rows)
    forced = sum(r["forced_top1_agree"] for r in rows), sum(r["forced_positions"] for r in rows)
    print(f"all types: {total[0]}/{total[1]} = {total[0] / max(total[1], 1):.0%} of prompts identical (target >= 90%); "
          f"teacher-forced top-1 {forced[0]}/{forced[1]} = {forced[0] / max(forced[1], 1):.1%} (target >= 99%)")
    if "--json" in sys.argv:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()

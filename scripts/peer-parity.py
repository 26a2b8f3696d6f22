#!/usr/bin/env python3
"""Greedy parity with llama.cpp on the same GGUF files (issue: the models people run). For every
quantization made by scripts/peers.sh, llama.cpp's llama-server runs on loopback; each prompt is continued
greedily by its /completion endpoint and by `s1-think --raw`, and the token ids are compared.

Where the two drift apart, the teacher-forced measure says whether the engines agree position by position:
every prefix of llama.cpp's own greedy sequence (its prompt ids + its continuation) is given to s1-think
as token ids, which predicts one token; agreement is the share of positions where that is llama.cpp's next token (its own
top-1 there).

usage: peer-parity.py [--tokens N] [--json]   (PEERS= overrides ~/.cache/s1-swift/peers)
"""
import json, os, subprocess, sys, time, urllib.request

from peer_lib import PEERS, peer_models
BIN = os.environ.get("BIN", ".build/release")
N = int(sys.argv[sys.argv.index("--tokens") + 1]) if "--tokens" in sys.argv else 64
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
                            "-c", "1024", "-np", "1", "--no-warmup", "-fa", "off"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except Exception:
                time.sleep(0.2)
        out, prompt_ids = [], []
        for p in PROMPTS:
            # The prompt as llama.cpp tokenizes it, and those ids as the prompt of both engines.
            ids = post(port, "/tokenize", {"content": p, "add_special": True})["tokens"]
            prompt_ids.append(ids)
            r = post(port, "/completion", {"prompt": ids, "n_predict": N, "temperature": 0, "top_k": 1, "cache_prompt": False,
                                           "return_tokens": True, "samplers": ["top_k"]})
            toks = r.get("tokens") or []
            out.append(toks)
        return out, prompt_ids
    finally:
        srv.terminate()
        srv.wait(timeout=30)


def ours(model, prompt_ids):
    """s1-think's greedy continuations of the same prompt ids (llama.cpp's tokenization), as ids."""
    inp = "".join(json.dumps({"prompt_ids": p}) + "\n" for p in prompt_ids)
    r = subprocess.run([f"{BIN}/s1-think", "--model", model, "--raw", "--max-tokens", str(N)], input=inp, capture_output=True, text=True, check=True)
    return [json.loads(l)["outputs"][0]["ids"] for l in r.stdout.splitlines()]


def main():
    rows = []
    for t, model in peer_models(TYPES):
        theirs, prompt_ids = llama(model)
        mine = ours(model, prompt_ids)
        # Teacher forcing: every prefix of llama.cpp's sequences (its prompt ids + its greedy ids so far),
        # as ids: s1-think predicts one token, compared with llama.cpp's next one.
        prefixes, want = [], []
        for p, toks in zip(prompt_ids, theirs):
            for i in range(len(toks)):
                prefixes.append(p + toks[:i])
                want.append(toks[i])
        r = subprocess.run([f"{BIN}/s1-think", "--model", model, "--raw", "--max-tokens", "1"],
                           input="".join(json.dumps({"prompt_ids": x}) + "\n" for x in prefixes), capture_output=True, text=True, check=True)
        got = [(json.loads(l)["outputs"][0]["ids"] or [None])[0] for l in r.stdout.splitlines()]
        forced = sum(a == b for a, b in zip(got, want))
        # Greedy continuations compared as ids; the first differing token of those that differ.
        same, firsts = 0, []
        for a, b in zip(mine, theirs):
            if a == b:
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

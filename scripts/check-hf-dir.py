#!/usr/bin/env python3
"""Loads a Hugging Face directory written by s1-swift with transformers, unchanged, and prints the mean NLL
over the assistant tokens of RECORDS rendered as SPEC §4 — the number `s1-sft --eval-only` must print.

    python3 scripts/check-hf-dir.py DIR RECORDS.jsonl
"""
import json, sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

d, records = sys.argv[1], sys.argv[2]
tok = AutoTokenizer.from_pretrained(d)
model = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32).eval()
SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
total, count = 0.0, 0
for line in open(records):
    r = json.loads(line)
    attempt = r["attempt"] if "Answer:" in r["attempt"] else "Answer: " + r["attempt"]
    prefix = f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{r['question']}<|im_end|>\n<|im_start|>assistant\n"
    text = prefix + f"<|im_start|>think\n{chr(10).join(r['thinking_trajectories']).strip()}\n<|im_start|>answer\n{attempt.strip()}<|im_end|>\n"
    ids = tok(text, add_special_tokens=False)["input_ids"]
    start = len(tok(prefix, add_special_tokens=False)["input_ids"])
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([ids])).logits[0].double(), -1)
    total -= sum(float(logp[t - 1, ids[t]]) for t in range(max(start, 1), len(ids)))
    count += len(ids) - max(start, 1)
print(json.dumps({"loss": total / count, "tokens": count}))

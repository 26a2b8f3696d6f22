#!/usr/bin/env python3
"""Training throughput (make bench), fp32, 2 threads, with PyTorch eager on the same model, data and recipe:
  tiny: the SPEC §10 config (hidden 256, 4 layers, 4 q / 2 kv heads, FFN 768, vocab 8192), batches of 4×256 tokens
  SmolLM2-135M: batches of 4 examples of 512 tokens
Tokens/s counts every token a step processes (prompt included), as s1-sft's `tok_per_s`; median of the timed
steps after a warm-up step. Needs torch, transformers and tokenizers for the PyTorch column and the tiny model.

usage: bench-train.py SMOLLM2.gguf [--json]
"""
import json, math, os, resource, statistics, subprocess, sys, time

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
from transformers import AutoModelForCausalLM, Qwen2Config, Qwen2ForCausalLM

gguf = sys.argv[1]
BIN = os.environ.get("BIN", ".build/release")
DATA = os.environ.get("S1_DATA_DIR", "../shared/data")
W = "work/bench/train"
os.makedirs(W, exist_ok=True)
torch.set_num_threads(2)
SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."

rows = [json.loads(l) for l in open(os.path.join(DATA, "math500", "test.jsonl"))]
records = [{"question": r["problem"], "thinking_trajectories": [r["solution"] * 3], "attempt": "Answer: " + r["answer"]}
           for r in rows if len(r["problem"]) < 200][:64]
with open(f"{W}/records.jsonl", "w") as f:
    for r in records:
        f.write(json.dumps(r) + "\n")

# The tiny model: random weights, a BPE of 8192 tokens trained on MATH500 text.
tiny_dir = f"{W}/tiny"
if not os.path.exists(tiny_dir + "/model.safetensors"):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator([r["problem"] + r["solution"] for r in rows],
                            trainers.BpeTrainer(vocab_size=8192, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                                initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    cfg = Qwen2Config(vocab_size=tok.get_vocab_size(), hidden_size=256, intermediate_size=768, num_hidden_layers=4,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=True)
    torch.manual_seed(0)
    Qwen2ForCausalLM(cfg).save_pretrained(tiny_dir, safe_serialization=True)
    tok.save(tiny_dir + "/tokenizer.json")


peak_mib = {}


def ours(model, max_len, steps=6, name=""):
    out = subprocess.run(["/usr/bin/time", "-f", "%M", f"{BIN}/s1-sft", "--model", model, "--out", f"{W}/ckpt", "--epochs", "1", "--batch-size", "4",
                          "--max-len", str(max_len), "--no-shuffle", "--stop-after", str(steps), "--threads", "2", f"{W}/records.jsonl"],
                         capture_output=True, text=True, check=True)
    peak_mib[name] = int(out.stderr.strip().splitlines()[-1]) // 1024
    rates = [json.loads(l)["tok_per_s"] for l in out.stdout.splitlines()]
    return statistics.median(rates[1:])


def peer(model, tok, max_len, steps=6):
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, betas=(0.9, 0.95), eps=1e-8, weight_decay=1e-4)
    exs = []
    for r in records[:4 * steps]:
        text = (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{r['question']}<|im_end|>\n<|im_start|>assistant\n"
                f"<|im_start|>think\n{r['thinking_trajectories'][0].strip()}\n<|im_start|>answer\n{r['attempt']}<|im_end|>\n")
        exs.append(tok(text)[:max_len])
    rates = []
    for s in range(steps):
        batch = exs[4 * s:4 * s + 4]
        t0 = time.time()
        opt.zero_grad()
        total, count = 0, 0
        for ids in batch:
            logp = torch.log_softmax(model(torch.tensor([ids])).logits[0], -1)
            idx = torch.arange(1, len(ids))
            total = total - logp[idx - 1, torch.tensor(ids[1:])].sum()
            count += len(ids) - 1
        (total / count).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        rates.append(sum(len(i) for i in batch) / (time.time() - t0))
    return statistics.median(rates[1:])


results = {}
tiny_tok = Tokenizer.from_file(tiny_dir + "/tokenizer.json")
results["tiny"] = (ours(tiny_dir, 256, name="tiny"), peer(AutoModelForCausalLM.from_pretrained(tiny_dir, dtype=torch.float32),
                                               lambda t: tiny_tok.encode(t).ids, 256), 4500)
smol = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(gguf)), gguf_file=os.path.basename(gguf), dtype=torch.float32)
from transformers import AutoTokenizer
smol_tok = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(gguf)), gguf_file=os.path.basename(gguf))
results["smollm2-512"] = (ours(gguf, 512, steps=4, name="smollm2-512"), peer(smol, lambda t: smol_tok(t, add_special_tokens=False)["input_ids"], 512, steps=4), 180)
long = None
if "--long" in sys.argv:
    # One 8,192-token example on SmolLM2 with --checkpoint-activations: peak memory must stay within 16 GiB.
    text = " ".join(r["solution"] for r in rows[:400])
    with open(f"{W}/long.jsonl", "w") as f:
        f.write(json.dumps({"question": rows[0]["problem"], "thinking_trajectories": [text], "attempt": "Answer: 42"}) + "\n")
    out = subprocess.run(["/usr/bin/time", "-f", "%M", f"{BIN}/s1-sft", "--model", gguf, "--out", f"{W}/long-ckpt", "--epochs", "1",
                          "--batch-size", "1", "--max-len", "8192", "--checkpoint-activations", "--threads", "2", f"{W}/long.jsonl"],
                         capture_output=True, text=True, check=True)
    long = (json.loads(out.stdout.splitlines()[0])["tok_per_s"], int(out.stderr.strip().splitlines()[-1]) // 1024)
if "--json" in sys.argv:
    print(json.dumps({k: {"s1_sft_tok_s": round(a), "pytorch_eager_tok_s": round(b), "target": t, "peak_rss_mib": peak_mib[k]}
                      for k, (a, b, t) in results.items()} | ({"smollm2_8192_checkpointed": {"tok_s": long[0], "peak_rss_mib": long[1]}} if long else {})))
else:
    print("training, fp32, 2 threads      s1-sft tok/s   PyTorch eager tok/s   target   s1-sft peak RSS")
    for k, (a, b, t) in results.items():
        print(f"{k:<30} {a:>12.0f} {b:>21.0f} {t:>8} {peak_mib[k]:>12} MiB")
    if long:
        print(f"SmolLM2, one 8,192-token example, --checkpoint-activations: {long[0]:.0f} tok/s, peak RSS {long[1]} MiB (limit 16 GiB)")

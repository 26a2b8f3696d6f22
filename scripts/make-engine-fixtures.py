#!/usr/bin/env python3
"""Reference fixtures for the engine tests, from independent implementations (Hugging Face `tokenizers`
and `transformers` on CPU PyTorch, fp32). Run once; the outputs are committed, so CI needs no PyTorch.

    pip install "torch==2.13.0+cpu" transformers tokenizers gguf
    python3 scripts/make-engine-fixtures.py GGUF_PATH DATA_DIR

GGUF_PATH: SmolLM2-135M-Instruct.Q4_1.gguf (make model). DATA_DIR: ../shared/data.
Writes Tests/SharedTests/Fixtures/engine/:
  tokenizer-smollm2.jsonl   texts and their token ids under SmolLM2's tokenizer (digits split one by one)
  tiny-qwen2/               a tiny random Qwen2 with q/k/v biases: config, sharded safetensors, tokenizer.json
  tokenizer-tinyqwen.jsonl  texts and ids under the tiny model's tokenizer (Qwen2's pre-tokenizer pattern)
  logits-smollm2.json       last-position logits (a fixed sample of ids) and greedy continuations, fp32
  logits-tinyqwen.json      the same for the tiny model (all logits)
  nll-*.json                mean NLL over the assistant tokens of sft-records.jsonl rendered as SPEC §4
"""
import csv, json, os, random, sys

import numpy as np
import torch
from fixture_lib import logits_fixture
from gguf import GGUFReader
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

gguf_path, data = sys.argv[1], sys.argv[2]
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SharedTests", "Fixtures", "engine")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
rng = random.Random(0)


def corpus():
    """Real texts: MATH500 problems and solutions, AIME problems, code, Unicode, whitespace, chat markup."""
    texts = []
    rows = [json.loads(l) for l in open(os.path.join(data, "math500", "test.jsonl"))]
    texts += [r["problem"] for r in rows[:120]]
    texts += [r["solution"][:600] for r in rows[120:200]]
    with open(os.path.join(data, "aime_1983_2024", "AIME_Dataset_1983_2024.csv"), newline="") as f:
        aime = list(csv.DictReader(f))
    texts += [r["Question"] for r in aime[::40]]
    for name in ["scripts/make-bench-jsonl.py", "Sources/Shared/Records/JSONScanner.swift"]:
        src = open(os.path.join(os.path.dirname(__file__), "..", name)).read()
        texts += [src[i:i + 400] for i in range(0, min(len(src), 4000), 400)]
    texts += [
        "12345 + 67890 = 80235", "3.14159265358979", "x^2 - 5x + 6 = 0", "1,000,000 and 1_000_000",
        "don't I'll WE'RE they've she'd it's", "Hello world", " leading space", "trailing space ",
        "  two leading", "a  b   c    d", "tab\tseparated\tvalues", "line\nbreaks\n\nand\r\nCRLF\r\n",
        "\n\n\n", "   ", "\t", "", "x", "ÄÖÜ äöü ß", "naïve café résumé", "日本語のテキストです。", "中文数学题：求解方程。",
        "Ελληνικά γράμματα αβγ", "русский текст", "العربية", "emoji 😀🎉👍🏽 mixed", "∑_{i=1}^{n} i = n(n+1)/2 ∀x∈ℝ",
        "e\u0301 combining", "zero\u200bwidth", "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
        "<|im_start|>think\nLet me see.\n<|im_start|>answer\nFinal Answer: 4<|im_end|>",
        "text<|im_end|>more<|endoftext|>", "<|im_start|><|im_start|>", "< |im_start| > not special",
        "Wait", " Wait", "Wait, let me check.", "Hmm", "Alternatively", "\\boxed{\\frac{1}{2}}",
        "$$\\int_0^1 x^2\\,dx = \\frac13$$", "    def f(x):\n        return x  # comment\n", "a" * 300,
        "!!!???...,,,;;;", "'quoted' \"double\" `back`", "http://example.com/path?q=1&r=2",
    ]
    return texts


def write_jsonl(path, texts, tok):
    with open(path, "w") as f:
        for t in texts:
            f.write(json.dumps({"text": t, "ids": tok.encode(t, add_special_tokens=False).ids}, ensure_ascii=False) + "\n")


# ---- SmolLM2's tokenizer, built from the GGUF's vocabulary and merges as its tokenizer.json declares it ----
reader = GGUFReader(gguf_path)
field = lambda k: reader.fields[k]
tokens = [bytes(field("tokenizer.ggml.tokens").parts[i]).decode() for i in field("tokenizer.ggml.tokens").data]
types = [int(field("tokenizer.ggml.token_type").parts[i][0]) for i in field("tokenizer.ggml.token_type").data]
merges = [tuple(bytes(field("tokenizer.ggml.merges").parts[i]).decode().split(" ", 1)) for i in field("tokenizer.ggml.merges").data]
smol = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges))
smol.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                              pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
smol.decoder = decoders.ByteLevel()
smol.add_special_tokens([AddedToken(t, special=True, normalized=False) for t, ty in zip(tokens, types) if ty == 3])
texts = corpus()
write_jsonl(os.path.join(OUT, "tokenizer-smollm2.jsonl"), texts, smol)
for t in texts:
    assert smol.decode(smol.encode(t).ids, skip_special_tokens=False) == t, t

# ---- a tiny random Qwen2 with biases, its own BPE tokenizer using Qwen2's pre-tokenizer pattern ----
QWEN_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
tq = Tokenizer(models.BPE())
tq.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(QWEN_PATTERN), behavior="isolated"),
                                            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
tq.decoder = decoders.ByteLevel()
specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
tq.train_from_iterator(texts[:150], trainer)
tiny_dir = os.path.join(OUT, "tiny-qwen2")
os.makedirs(tiny_dir, exist_ok=True)
tq.save(os.path.join(tiny_dir, "tokenizer.json"))
write_jsonl(os.path.join(OUT, "tokenizer-tinyqwen.jsonl"), texts, tq)

from transformers import AutoModelForCausalLM, Qwen2Config, Qwen2ForCausalLM

cfg = Qwen2Config(vocab_size=tq.get_vocab_size(), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256, rope_theta=10000.0,
                  rms_norm_eps=1e-6, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
                  dtype="float32")
tiny = Qwen2ForCausalLM(cfg).eval()
with torch.no_grad():
    for name, p in tiny.named_parameters():
        if name.endswith("norm.weight"):
            p.copy_(1 + 0.1 * torch.randn_like(p))   # not all ones, so a missing norm weight shows
        elif name.endswith("bias"):
            p.copy_(0.1 * torch.randn_like(p))
        else:
            p.copy_(0.08 * torch.randn_like(p))
tiny.save_pretrained(tiny_dir, safe_serialization=True, max_shard_size="60KB")
# The same weights in bf16 and f16 (single files), for the half-precision safetensors readers.
for dt, name in [(torch.bfloat16, "tiny-qwen2-bf16"), (torch.float16, "tiny-qwen2-f16")]:
    half_dir = os.path.join(OUT, name)
    h = Qwen2ForCausalLM(cfg).eval()
    h.load_state_dict(tiny.state_dict())
    h.to(dt).save_pretrained(half_dir, safe_serialization=True)
    tq.save(os.path.join(half_dir, "tokenizer.json"))


tiny_prompts = ["What is 2+2?", "<|im_start|>user\nSolve x^2 = 4.<|im_end|>\n<|im_start|>assistant\n", "The sum of"]
with open(os.path.join(OUT, "logits-tinyqwen.json"), "w") as f:
    json.dump(logits_fixture(tiny, tq, tiny_prompts, None, 12), f)

# ---- SmolLM2 from the GGUF, dequantized to fp32 by transformers (gguf-py), run in fp32 ----
smol_model = AutoModelForCausalLM.from_pretrained(os.path.dirname(gguf_path), gguf_file=os.path.basename(gguf_path),
                                                  dtype=torch.float32).eval()
smol_prompts = [
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHow many primes are below 100?<|im_end|>\n<|im_start|>assistant\n",
    "The capital of France is",
    "Let $x = 12345$. Then $2x =",
    "def fibonacci(n):\n",
]
sample = sorted(rng.sample(range(len(tokens)), 2000))
with open(os.path.join(OUT, "logits-smollm2.json"), "w") as f:
    json.dump(logits_fixture(smol_model, smol, smol_prompts, sample, 24), f)
print("fixtures written to", os.path.abspath(OUT))


# ---- SPEC §4 rendering and the assistant-token NLL (s1-sft --eval-only) ----
SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


def render(rec):
    thinking = "\n".join(rec["thinking_trajectories"]).strip()
    attempt = rec["attempt"]
    if "Answer:" not in attempt:
        attempt = "Answer: " + attempt
    attempt = attempt.strip()
    prefix = f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{rec['question']}<|im_end|>\n<|im_start|>assistant\n"
    return prefix, prefix + f"<|im_start|>think\n{thinking}\n<|im_start|>answer\n{attempt}<|im_end|>\n"


def nll_fixture(model, tok, name, max_len=None):
    recs = [json.loads(l) for l in open(os.path.join(OUT, "sft-records.jsonl"))]
    total, count, per = 0.0, 0, []
    for r in recs:
        prefix, text = render(r)
        ids = tok.encode(text, add_special_tokens=False).ids
        start = len(tok.encode(prefix, add_special_tokens=False).ids)
        assert ids[:start] == tok.encode(prefix, add_special_tokens=False).ids
        if max_len:
            ids = ids[:max_len]
        with torch.no_grad():
            logp = torch.log_softmax(model(torch.tensor([ids])).logits[0].double(), dim=-1)
        s = -sum(float(logp[t - 1, ids[t]]) for t in range(max(start, 1), len(ids)))
        n = len(ids) - max(start, 1)
        per.append({"id": r["id"], "tokens": len(ids), "loss_tokens": n, "nll_sum": s})
        total += s
        count += n
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"loss": total / count, "tokens": count, "max_len": max_len, "records": per}, f, indent=1)


nll_fixture(tiny, tq, "nll-tinyqwen.json")
nll_fixture(smol_model, smol, "nll-smollm2.json")
nll_fixture(smol_model, smol, "nll-smollm2-maxlen60.json", max_len=60)
print("NLL fixtures written")

# ---- gradients of the batch loss (sum of assistant-token NLL / their count) on the tiny model ----
def batch_ids():
    out = []
    for r in [json.loads(l) for l in open(os.path.join(OUT, "sft-records.jsonl"))]:
        prefix, text = render(r)
        out.append((tq.encode(text, add_special_tokens=False).ids, len(tq.encode(prefix, add_special_tokens=False).ids)))
    return out


def batch_loss(model, batch):
    total, count = 0, 0
    for ids, start in batch:
        logp = torch.log_softmax(model(torch.tensor([ids])).logits[0], dim=-1)
        for t in range(max(start, 1), len(ids)):
            total = total - logp[t - 1, ids[t]]
            count += 1
    return total / count


tiny.zero_grad()
loss = batch_loss(tiny, batch_ids())
loss.backward()
grng = random.Random(1)
grads = {"loss": float(loss), "params": {}}
for name, p in tiny.named_parameters():
    g = p.grad.detach().reshape(-1).double()
    idx = sorted(grng.sample(range(g.numel()), min(16, g.numel())))
    grads["params"][name] = {"norm": float(g.norm()), "idx": idx, "values": [float(g[i]) for i in idx]}
with open(os.path.join(OUT, "grads-tinyqwen.json"), "w") as f:
    json.dump(grads, f)
tiny.zero_grad()
print("gradient fixture written")

# ---- a dozen optimizer steps of the s1 recipe on the tiny model (SPEC §6), plain PyTorch ----
import math
train = []
for r in [json.loads(l) for l in open(os.path.join(OUT, "sft-train.jsonl"))]:
    prefix, text = render(r)
    train.append((tq.encode(text, add_special_tokens=False).ids, len(tq.encode(prefix, add_special_tokens=False).ids)))
model = Qwen2ForCausalLM.from_pretrained(tiny_dir, dtype=torch.float32)
model.train()
LR, WARMUP, WD, BETAS, EPS, CLIP, BATCH, EPOCHS = 1e-3, 0.1, 1e-4, (0.9, 0.95), 1e-8, 1.0, 2, 4
decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": no_decay, "weight_decay": 0.0}],
                        lr=LR, betas=BETAS, eps=EPS)
steps_per_epoch = math.ceil(len(train) / BATCH)
T = EPOCHS * steps_per_epoch
W = math.ceil(WARMUP * T)
log = []
for s in range(T):
    lr = LR * s / W if s < W else LR * 0.5 * (1 + math.cos(math.pi * (s - W) / (T - W)))
    for g in opt.param_groups:
        g["lr"] = lr
    i = s % steps_per_epoch
    batch = train[i * BATCH:(i + 1) * BATCH]
    opt.zero_grad()
    loss = batch_loss(model, batch)
    loss.backward()
    gn = float(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP))
    opt.step()
    log.append({"step": s + 1, "loss": float(loss), "lr": lr, "grad_norm": gn})
with open(os.path.join(OUT, "train-tinyqwen.json"), "w") as f:
    json.dump({"lr": LR, "warmup_ratio": WARMUP, "weight_decay": WD, "betas": BETAS, "eps": EPS, "max_grad_norm": CLIP,
               "batch_size": BATCH, "epochs": EPOCHS, "steps": log}, f, indent=1)
print("training fixture written:", [round(x["loss"], 4) for x in log])

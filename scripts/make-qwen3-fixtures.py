#!/usr/bin/env python3
"""A tiny random Qwen3 for the engine's parity tests, from transformers on CPU PyTorch (fp32):
per-head q/k RMSNorms, no q/k/v biases, and a head size (12) that is not hidden/heads (32/4 = 8).
Reuses the tiny Qwen2's BPE tokenizer. Run once (pip install "torch==2.13.0+cpu" transformers tokenizers):

    python3 scripts/make-qwen3-fixtures.py

Writes Tests/SharedTests/Fixtures/engine/tiny-qwen3/ (config.json, model.safetensors, tokenizer.json) and
logits-tinyqwen3.json (all last-position logits and 12-token greedy continuations, as logits-tinyqwen.json).
"""
import json, os, shutil

import torch
from tokenizers import Tokenizer
from transformers import Qwen3Config, Qwen3ForCausalLM

from fixture_lib import logits_fixture

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SharedTests", "Fixtures", "engine")
torch.manual_seed(3)
tok_path = os.path.join(OUT, "tiny-qwen2", "tokenizer.json")
tok = Tokenizer.from_file(tok_path)
cfg = Qwen3Config(vocab_size=tok.get_vocab_size(), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, head_dim=12, max_position_embeddings=256,
                  rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=False, attention_bias=False,
                  bos_token_id=1, eos_token_id=2, dtype="float32")
model = Qwen3ForCausalLM(cfg).eval()
with torch.no_grad():
    for name, p in model.named_parameters():
        if name.endswith("norm.weight"):
            p.copy_(1 + 0.2 * torch.randn_like(p))   # q_norm / k_norm too: a missing one shows
        else:
            p.copy_(0.08 * torch.randn_like(p))
d = os.path.join(OUT, "tiny-qwen3")
os.makedirs(d, exist_ok=True)
model.save_pretrained(d, safe_serialization=True)
shutil.copy(tok_path, os.path.join(d, "tokenizer.json"))
for extra in ["generation_config.json"]:
    if os.path.exists(os.path.join(d, extra)):
        os.remove(os.path.join(d, extra))

prompts = ["What is 2+2?", "<|im_start|>user\nSolve x^2 = 4.<|im_end|>\n<|im_start|>assistant\n", "The sum of"]
out = logits_fixture(model, tok, prompts, None, 12)
with open(os.path.join(OUT, "logits-tinyqwen3.json"), "w") as f:
    json.dump(out, f)
print("wrote", d, "and logits-tinyqwen3.json")

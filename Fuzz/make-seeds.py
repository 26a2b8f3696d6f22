#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (Fuzz/corpus/<target>/) from real files: a tiny Qwen2 GGUF made by
gguf-py's own writer (pip install gguf), the test fixtures' safetensors, index, config.json and
tokenizer.json, real JSONL and CSV rows, real graded answers. Run once; the output is committed (small)."""
import json, os, struct, subprocess, sys, numpy as np
from pathlib import Path

here = Path(__file__).resolve().parent
fx = here.parent / "Tests/SharedTests/Fixtures"
out = here / "corpus"

def put(target, name, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())

def tiny_gguf(path, quant=False):
    import gguf
    w = gguf.GGUFWriter(str(path), "qwen2")
    D, F, H, KV, V = 16, 32, 2, 1, 24
    w.add_block_count(1); w.add_embedding_length(D); w.add_feed_forward_length(F)
    w.add_head_count(H); w.add_head_count_kv(KV); w.add_context_length(64)
    w.add_rope_freq_base(10000.0); w.add_layer_norm_rms_eps(1e-6)
    toks = [chr(0x21 + i) for i in range(V - 2)] + ["<|im_start|>", "<|im_end|>"]
    w.add_tokenizer_model("gpt2"); w.add_tokenizer_pre("qwen2"); w.add_token_list(toks)
    w.add_token_types([1] * (V - 2) + [3, 3]); w.add_token_merges(["! \"", "# $"])
    w.add_eos_token_id(V - 1)
    rng = np.random.default_rng(0)
    def t(name, *shape):
        a = rng.standard_normal(shape).astype(np.float32) * 0.1
        if quant and len(shape) == 2 and shape[-1] % 32 == 0:
            w.add_tensor(name, gguf.quants.quantize(a, gguf.GGMLQuantizationType.Q8_0), raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        else:
            w.add_tensor(name, a)
    t("token_embd.weight", V, D); t("output_norm.weight", D)
    p = "blk.0."
    t(p + "attn_norm.weight", D); t(p + "ffn_norm.weight", D)
    t(p + "attn_q.weight", H * 8, D); t(p + "attn_k.weight", KV * 8, D); t(p + "attn_v.weight", KV * 8, D)
    t(p + "attn_q.bias", H * 8); t(p + "attn_k.bias", KV * 8); t(p + "attn_v.bias", KV * 8)
    t(p + "attn_output.weight", D, H * 8)
    t(p + "ffn_gate.weight", F, D); t(p + "ffn_up.weight", F, D); t(p + "ffn_down.weight", D, F)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()

tmp = Path("/tmp/s1-fuzz-seeds"); tmp.mkdir(exist_ok=True)
for q in (False, True):
    p = tmp / f"tiny{int(q)}.gguf"
    tiny_gguf(p, q)
    put("gguf", f"tiny-qwen2-{'q8_0' if q else 'f32'}.gguf", p.read_bytes())
    put("gguf-tokenizer", f"tiny-qwen2-{int(q)}.gguf", p.read_bytes())

# safetensors: a real shard of the tiny Qwen2 fixture, cut to its first tensors (header rewritten to match).
shard = fx / "engine/tiny-qwen2/model-00002-of-00003.safetensors"
b = shard.read_bytes(); n = struct.unpack("<Q", b[:8])[0]; hdr = json.loads(b[8:8 + n])
keep = {k: v for k, v in hdr.items() if k != "__metadata__"}
small = sorted(keep.items(), key=lambda kv: kv[1]["data_offsets"][0])[:3]
data, h = b"", {"__metadata__": {"format": "pt"}}
for k, v in small:
    s, e = v["data_offsets"]; chunk = b[8 + n + s:8 + n + e]
    h[k] = {"dtype": v["dtype"], "shape": v["shape"], "data_offsets": [len(data), len(data) + len(chunk)]}; data += chunk
hj = json.dumps(h).encode(); hj += b" " * (-len(hj) % 8)
st = struct.pack("<Q", len(hj)) + hj + data
put("safetensors", "tiny-qwen2-part.safetensors", st)
(out / "safetensors-index-shard.safetensors").write_bytes(st)
put("safetensors-index", "index.json", json.dumps({"metadata": {"total_size": len(data)}, "weight_map": {k: "model-00001-of-00001.safetensors" for k, _ in small}}))
put("safetensors-index", "real-index.json", (fx / "engine/tiny-qwen2/model.safetensors.index.json").read_bytes())
for m in ("tiny-qwen2", "tiny-qwen3"):
    put("hf-config", m + ".json", (fx / f"engine/{m}/config.json").read_bytes())
put("tokenizer-json", "tiny-qwen2.json", (fx / "engine/tiny-qwen2/tokenizer.json").read_bytes())
put("trainer-state", "state.json", json.dumps({"step": 3, "total_steps": 8, "epochs": 2, "batch_size": 4}))
# Records: real JSONL rows (first lines of the format fixtures), a graded output, an s1K row.
lines = []
for f in ("math500.jsonl", "gsm8k.jsonl", "s1k.jsonl", "olympiadbench.jsonl", "champ.jsonl"):
    with open(fx / "formats" / f, encoding="utf-8") as fh:
        lines.append(fh.readline()[:3000])
for i, l in enumerate(lines):
    put("json-scanner", f"row{i}.json", l.strip())
    put("record-reader", f"rows{i}.jsonl", l + "\r\n" + l[: len(l) // 2] + "\nnot json\n\ufeff" + l)
for i, l in enumerate(lines[:3]):
    z = subprocess.run(["zstd", "-q", "-c"], input=(l * 3).encode(), capture_output=True, check=True).stdout
    put("zstd", f"rows{i}.jsonl.zst", z)
put("csv", "aime.csv", "".join((fx / "formats/aime.csv").read_text(encoding="utf-8").splitlines(True)[:6]))
put("csv", "gpqa.csv", "".join((fx / "formats/gpqa.csv").read_text(encoding="utf-8").splitlines(True)[:3])[:3000])
# Answers: real model outputs and golds of the judge's corpus.
with open(fx / "grading/corpus.jsonl", encoding="utf-8") as fh:
    rows = [json.loads(l) for l in fh][:400:20]
for i, r in enumerate(rows):
    a = str(r.get("answer") or r.get("output") or r.get("text") or ""); g = str(r.get("gold") or "")
    put("answer", f"a{i}.txt", a[:2000]); put("judge", f"j{i}.txt", a[:1000] + "\0" + g)
# Reports: s1-think-shaped records built from the judge corpus' real answers (several runs per record:
# budgets, waits, a control and rejection sampling, samples that need majority voting), and train-log lines.
runs = [dict(model="s1", max_thinking_tokens=16, waits=0), dict(model="s1", max_thinking_tokens=512, waits=2, max_waits=2),
        dict(model="base", budget="auto", max_thinking_tokens=None, waits=0), dict(model="s1", control="tokens:64", max_thinking_tokens=128, waits=0),
        dict(model="s1", control="steps:3", budget="auto", waits=0), dict(model="s1", reject_over=40, max_thinking_tokens=None, waits=0)]
recs = []
for i, r in enumerate(rows[:12]):
    a = str(r.get("text") or ""); g = str(r.get("gold") or "")
    outs = []
    for j, k in enumerate(runs[: 2 + i % 5]):
        for s in range(1 + (i + j) % 3):
            outs.append(dict(k, text="<|im_start|>think\n...\n<|im_start|>answer\n" + a[:300], answer=a[:300],
                             thinking_tokens=(i * 37 + j * 11 + s) % 600, answer_tokens=len(a) % 24, forced_end=bool(s % 2)))
    recs.append(json.dumps({"id": f"r{i}", "source_type": ["math500", "gsm8k", "aime"][i % 3], "problem": "q", "answer": g, "outputs": outs}))
log = [json.dumps({"step": s, "epoch": round(s / 30, 3), "loss": round(1.6 - 0.02 * s, 4), "lr": 1e-4, "tokens": 1700}) for s in range(1, 9)]
put("report", "graded.jsonl", "\n".join(recs[:6]) + "\n")
put("report", "mixed.jsonl", "\n".join(recs[6:] + log[:4]) + "\nnot json\n")
put("report", "train-log.jsonl", "\n".join(log) + "\n")
print("seeds in", out)

#!/usr/bin/env python3
"""Reference dequantizations for the GGML block types, from gguf-py's numpy implementation
(pip install gguf; `gguf.quants.dequantize`), an implementation independent of ours and of ggml's C.

For each type: random blocks (random code bytes, random finite fp16 scales) and extreme blocks (codes all
0x00 / all 0xFF / alternating, scales at +-65504, at the smallest subnormal, at zero). Writes
Tests/SharedTests/Fixtures/formats/quants.json: {type name: {"raw": ggml type id, "hex": block bytes,
"values": float32 results as little-endian hex}}. Run once: python3 scripts/make-quant-fixtures.py
"""
import json, os
import numpy as np
from gguf import GGMLQuantizationType as T, GGML_QUANT_SIZES
from gguf.quants import dequantize, quantize

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SharedTests", "Fixtures", "formats", "quants.json")
# Byte offsets of each block's fp16 scale fields.
HALVES = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0], T.Q2_K: [80, 82], T.Q3_K: [108],
          T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208], T.IQ4_NL: [0], T.IQ4_XS: [0]}
EXTREME_HALVES = [65504.0, -65504.0, 2.0 ** -24, 0.0, 1.0, -0.5]


def blocks(t, rng):
    _, size = GGML_QUANT_SIZES[t]
    out = []
    for k in range(3):
        b = bytearray(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
        for off in HALVES[t]:
            b[off:off + 2] = np.float16(rng.normal(0, 0.05)).tobytes()
        out.append(bytes(b))
    for k, fill in enumerate([0x00, 0xFF, 0x55, 0xAA, 0x0F]):
        b = bytearray([fill] * size)
        for off in HALVES[t]:
            b[off:off + 2] = np.float16(EXTREME_HALVES[k]).tobytes()
        out.append(bytes(b))
    return b"".join(out)


def main():
    rng = np.random.default_rng(0)
    fixtures = {}
    for t in HALVES:
        data = blocks(t, rng)
        vals = dequantize(np.frombuffer(data, dtype=np.uint8), t).astype(np.float32).ravel()
        fixtures[t.name] = {"raw": int(t.value), "hex": data.hex(), "values": vals.astype("<f4").tobytes().hex()}
    for t in (T.F16, T.BF16):
        raw = rng.normal(0, 1, 64).astype(np.float32)
        data = raw.astype(np.float16).tobytes() if t == T.F16 else (raw.view(np.uint32) >> 16).astype(np.uint16).tobytes()
        vals = dequantize(np.frombuffer(data, dtype=np.uint8), t).astype(np.float32).ravel()
        fixtures[t.name] = {"raw": int(t.value), "hex": data.hex(), "values": vals.astype("<f4").tobytes().hex()}
    # The quantizers this project writes (GGUF export, --dtype at load): float rows in, blocks out,
    # including an all-zero block and one with a single large value.
    x = np.concatenate([rng.normal(0, 1, 256), np.zeros(32), np.r_[np.full(31, 0.01), 1000.0]]).astype(np.float32)
    fixtures["quantize"] = {"input": x.astype("<f4").tobytes().hex(),
                            **{t.name: quantize(x, t).tobytes().hex() for t in (T.F16, T.BF16, T.Q8_0, T.Q4_0, T.Q4_1)}}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    json.dump(fixtures, open(OUT, "w"))
    print({k: len(v["values"]) // 8 for k, v in fixtures.items() if "values" in v}, "->", OUT)


if __name__ == "__main__":
    main()

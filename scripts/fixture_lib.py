"""Helpers shared by the fixture scripts that run transformers (make-engine-fixtures.py, make-qwen3-fixtures.py)."""
import numpy as np
import torch


def logits_fixture(model, tok, prompts, sample, steps):
    """Last-position logits (all, or `sample` plus the top 20) and greedy continuations by full forward
    passes (no generate(): it would infer a padding mask from pad ids that chat prompts contain, and its
    cache path is not the reference here)."""
    out = []
    for p in prompts:
        ids = tok.encode(p, add_special_tokens=False).ids
        with torch.no_grad():
            last = model(torch.tensor([ids])).logits[0, -1].double().numpy()
            gen, seq = [], list(ids)
            for _ in range(steps):
                nxt = int(torch.argmax(model(torch.tensor([seq])).logits[0, -1]))
                gen.append(nxt)
                seq.append(nxt)
        idx = list(range(len(last))) if sample is None else sorted(set(sample) | set(np.argsort(-last)[:20].tolist()))
        out.append({"prompt": p, "ids": ids, "logit_ids": idx, "logits": [round(float(last[i]), 6) for i in idx],
                    "argmax": int(np.argmax(last)), "greedy": gen})
    return out

"""What the parity and peer-table scripts share: where `make peers` keeps llama.cpp and the quantizations
it made of the default model (PEERS= overrides ~/.cache/s1-swift/peers)."""
import os

PEERS = os.environ.get("PEERS", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "s1-swift", "peers"))


def peer_models(types):
    """(type, path) of each quantization in `types` that the peer cache holds, in that order."""
    base = os.path.join(PEERS, "models")
    for t in types:
        f = sorted(x for x in os.listdir(base) if x.endswith(f".{t}.gguf"))
        if f:
            yield t, os.path.join(base, f[0])

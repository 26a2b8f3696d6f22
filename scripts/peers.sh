#!/usr/bin/env bash
# The llama.cpp peer (SPEC §10): the tree vendored in the llama-cpp-python==0.3.36 sdist from PyPI, built
# here with cmake and ninja from PyPI into ~/.cache/s1-swift/peers (outside the clone, so CI runs on the same machine reuse it), and every quantization of the
# default model made by its own llama-quantize. Idempotent: what exists is reused. No llama.cpp code is
# committed. usage: scripts/peers.sh MODEL.gguf
set -euo pipefail
MODEL=${1:?usage: scripts/peers.sh MODEL.gguf}
CACHE=${PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/s1-swift/peers}
VERSION=0.3.36
BIN=$CACHE/bin
TYPES=${TYPES:-"Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K_M Q4_K_M Q5_K_M Q6_K IQ4_NL IQ4_XS F16 BF16"}
mkdir -p "$CACHE" "$BIN" "$CACHE/models"

# The instruction sets are named, not GGML_NATIVE: a VM may advertise AMX that faults when used (seen
# here: llama-server died with SIGILL in its AMX matmul), and the same flags serve Zen 5 and Xeon hosts.
ISA="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=ON \
  -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON -DGGML_AVX_VNNI=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
grep -qw avx512f /proc/cpuinfo || ISA="-DGGML_NATIVE=ON"
if [ "$(cat "$CACHE/isa" 2>/dev/null)" != "$ISA" ]; then rm -rf "$CACHE/build" "$BIN"/llama-*; mkdir -p "$BIN"; fi
if [ ! -x "$BIN/llama-quantize" ] || [ ! -x "$BIN/llama-server" ]; then
  python3 -m pip install --quiet cmake ninja
  if [ ! -d "$CACHE/src" ]; then
    python3 -m pip download --quiet --no-deps --no-binary llama-cpp-python "llama-cpp-python==$VERSION" -d "$CACHE/dl"
    mkdir -p "$CACHE/src"
    tar xzf "$CACHE/dl/llama_cpp_python-$VERSION.tar.gz" -C "$CACHE/src" --strip-components=1
    rm -rf "$CACHE/dl"
  fi
  cmake -S "$CACHE/src/vendor/llama.cpp" -B "$CACHE/build" -G Ninja -DCMAKE_BUILD_TYPE=Release $ISA \
    -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF > "$CACHE/cmake.log"
  cmake --build "$CACHE/build" -j 2 --target llama-quantize llama-bench llama-batched-bench llama-server llama-cli > "$CACHE/build.log"
  for t in llama-quantize llama-bench llama-batched-bench llama-server llama-cli; do cp "$CACHE/build/bin/$t" "$BIN/"; done
  echo "$ISA" > "$CACHE/isa"
fi

base=$(basename "$MODEL" .gguf)
base=${base%.Q4_1}
for t in $TYPES; do
  out="$CACHE/models/$base.$t.gguf"
  [ -s "$out" ] && continue
  "$BIN/llama-quantize" --allow-requantize "$MODEL" "$out.tmp" "$t" > "$CACHE/quantize-$t.log" 2>&1 || { echo "llama-quantize $t failed: see $CACHE/quantize-$t.log" >&2; exit 1; }
  mv "$out.tmp" "$out"
done
echo "peers: $(ls "$BIN" | tr '\n' ' ')"
echo "models: $(ls "$CACHE/models" | wc -l) quantizations in $CACHE/models"

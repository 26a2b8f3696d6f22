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
TYPES=${TYPES-"Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K_M Q4_K_M Q5_K_M Q6_K IQ4_NL IQ4_XS F16 BF16"}
mkdir -p "$CACHE" "$BIN" "$CACHE/models"

# The instruction sets are named from /proc/cpuinfo, not GGML_NATIVE: a VM may advertise AMX that faults when
# used (seen here: llama-server died with SIGILL in its AMX matmul). Each flag is on only where the CPU has
# it: an AMD EPYC host has AVX-512 VNNI but not the VEX-encoded AVX-VNNI (SIGILL in vpdpbusd otherwise).
has() { grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -qx "$1" && echo ON || echo OFF; }
ISA="-DGGML_NATIVE=OFF -DGGML_AVX=$(has avx) -DGGML_AVX2=$(has avx2) -DGGML_FMA=$(has fma) -DGGML_F16C=$(has f16c) -DGGML_BMI2=$(has bmi2) \
  -DGGML_AVX512=$(has avx512f) -DGGML_AVX512_VBMI=$(has avx512vbmi) -DGGML_AVX512_VNNI=$(has avx512_vnni) \
  -DGGML_AVX512_BF16=$(has avx512_bf16) -DGGML_AVX_VNNI=$(has avx_vnni) -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
grep -qw avx512f /proc/cpuinfo || ISA="-DGGML_NATIVE=ON"
if [ "$(cat "$CACHE/isa" 2>/dev/null)" != "$ISA" ]; then rm -rf "$CACHE/build" "$BIN"/llama-*; mkdir -p "$BIN"; fi
if [ ! -x "$BIN/llama-quantize" ] || [ ! -x "$BIN/llama-server" ] || [ ! -x "$BIN/llama-completion" ]; then
  python3 -m pip install --quiet cmake ninja
  if [ ! -d "$CACHE/src" ]; then
    python3 -m pip download --quiet --no-deps --no-binary llama-cpp-python "llama-cpp-python==$VERSION" -d "$CACHE/dl"
    mkdir -p "$CACHE/src"
    tar xzf "$CACHE/dl/llama_cpp_python-$VERSION.tar.gz" -C "$CACHE/src" --strip-components=1
    rm -rf "$CACHE/dl"
  fi
  cmake -S "$CACHE/src/vendor/llama.cpp" -B "$CACHE/build" -G Ninja -DCMAKE_BUILD_TYPE=Release $ISA \
    -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF > "$CACHE/cmake.log"
  cmake --build "$CACHE/build" -j 2 --target llama-quantize llama-bench llama-batched-bench llama-server llama-cli llama-completion > "$CACHE/build.log"
  for t in llama-quantize llama-bench llama-batched-bench llama-server llama-cli llama-completion; do cp "$CACHE/build/bin/$t" "$BIN/"; done
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

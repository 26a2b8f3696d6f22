#!/usr/bin/env bash
# Builds scripts/kernel-paths.c with the C kernels three times: for this CPU (AVX-512 VNNI where it has it),
# for AVX2 + FMA + F16C without AVX-512, and for plain x86-64, runs each build (the AVX2 and native ones only
# where this CPU can run them), and fails unless each agrees with itself alone and batched and all print the
# same hash. It catches a path that no longer compiles as well as one that drifts. (make test runs it.)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${TMPDIR:-/tmp}/s1-kernel-paths; mkdir -p "$OUT"
has() { grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -qx "$1"; }
paths="plain:-march=x86-64"
has avx2 && has fma && has f16c && paths="$paths avx2:-march=x86-64-v3:-mno-avx512f"
paths="$paths native:-march=native"
hashes=""
for p in $paths; do
  name=${p%%:*}; flags=$(echo "${p#*:}" | tr ':' ' ')
  objs=()
  for c in Sources/CKernels/*.c; do
    o=$OUT/$name-$(basename "$c" .c).o
    clang -O2 $flags -ffp-contract=off -Werror=implicit-function-declaration -ISources/CKernels/include -c "$c" -o "$o"
    objs+=("$o")
  done
  clang -O2 $flags -ISources/CKernels/include scripts/kernel-paths.c "${objs[@]}" -lm -lpthread -o "$OUT/$name"
  line=$("$OUT/$name")
  echo "kernel paths, $name: $line"
  hashes="$hashes ${line##* }"
done
[ "$(echo $hashes | tr ' ' '\n' | sort -u | wc -l)" = 1 ] || { echo "kernel paths: the builds disagree:$hashes" >&2; exit 1; }

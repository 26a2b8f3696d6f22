#!/usr/bin/env bash
# Builds .build-fuzz/s1-fuzz: every Shared source (but the argument-parsing glue) and Fuzz/*.swift in one
# module, with libFuzzer and AddressSanitizer (swiftc -sanitize=fuzzer,address), and the C kernels with
# AddressSanitizer. Rebuilt only when a source is newer than the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.build-fuzz
BIN=$OUT/s1-fuzz
mkdir -p $OUT/obj
mapfile -t SWIFT < <(find Sources/Shared Fuzz -name '*.swift' ! -path 'Sources/Shared/CLI/RecordIOOptions.swift' | sort)
mapfile -t CSRC < <(find Sources/CKernels Sources/CMPIShim -name '*.c' | sort)
if [ -x $BIN ] && [ -z "$(find "${SWIFT[@]}" "${CSRC[@]}" Sources/CKernels/*.h Sources/CKernels/include Sources/CMPIShim/include Fuzz/build.sh -newer $BIN | head -1)" ]; then
  echo "fuzz: $BIN is up to date"; exit 0
fi
# The C kernels' module, as SwiftPM would generate it for the include directory.
for m in CKernels:s1kernels.h CMPIShim:s1mpi.h; do
  mkdir -p $OUT/modules/${m%%:*}
  printf 'module %s {\n  header "%s/Sources/%s/include/%s"\n  export *\n}\n' "${m%%:*}" "$PWD" "${m%%:*}" "${m##*:}" > $OUT/modules/${m%%:*}/module.modulemap
done
OBJS=()
for c in "${CSRC[@]}"; do
  o=$OUT/obj/$(basename "$c" .c).o
  clang -O2 -march=native -ffp-contract=off -fsanitize=address -ISources/CKernels/include -ISources/CMPIShim/include -c "$c" -o "$o"
  OBJS+=("$o")
done
echo "fuzz: compiling ${#SWIFT[@]} Swift files with -sanitize=fuzzer,address (a few minutes on 2 cores)"
swiftc -O -wmo -parse-as-library -module-name S1Fuzz -sanitize=fuzzer,address -target-cpu native \
  -suppress-warnings -I Sources/CZstd -I Sources/COpenBLAS -I Sources/CGMP -I Sources/CMPFR -I $OUT/modules/CKernels -I $OUT/modules/CMPIShim \
  "${SWIFT[@]}" "${OBJS[@]}" -lzstd -lopenblas -lgmp -lmpfr -ldl -o $BIN.tmp
mv $BIN.tmp $BIN
echo "fuzz: built $BIN"

#!/usr/bin/env bash
# make fuzz: builds the fuzzing binary, then runs every target for FUZZ_SECONDS (FUZZ_JOBS at a time), each
# on a working corpus seeded from Fuzz/corpus/<target>. Prints executions, coverage and corpus size per
# target into .build-fuzz/report.txt; any crash, leak, timeout or out-of-memory fails the run and leaves its
# input in .build-fuzz/crashes/<target>/ (make it a regression test: Tests/SharedTests/Fixtures/fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-2}
TARGETS=${FUZZ_TARGETS:-"gguf gguf-tokenizer safetensors safetensors-index hf-config tokenizer-json trainer-state json-scanner record-reader zstd csv answer judge completion-reply report"}
Fuzz/build.sh
OUT=.build-fuzz
mkdir -p $OUT/logs
dict() {
  case $1 in
    gguf|gguf-tokenizer) echo "-dict=Fuzz/gguf.dict" ;;
    answer|judge) echo "-dict=Fuzz/math.dict" ;;
    csv|zstd) echo "" ;;
    *) echo "-dict=Fuzz/json.dict" ;;
  esac
}
maxlen() { case $1 in gguf|gguf-tokenizer|safetensors|tokenizer-json) echo 16384 ;; *) echo 4096 ;; esac; }
one() {
  t=$1
  mkdir -p $OUT/corpus/$t $OUT/crashes/$t
  # -rss_limit_mb: a target that needs more than 2 GB fails; -timeout: one input may not take 20 s.
  S1_FUZZ_TARGET=$t S1_FUZZ_SHARD=$PWD/Fuzz/corpus/safetensors-index-shard.safetensors ASAN_OPTIONS=detect_leaks=0 \
    $OUT/s1-fuzz $OUT/corpus/$t Fuzz/corpus/$t $(dict $t) -max_len=$(maxlen $t) -max_total_time=$SECONDS_PER \
    -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$OUT/crashes/$t/ > $OUT/logs/$t.log 2>&1
}
export -f one dict maxlen; export OUT SECONDS_PER
status=0
printf '%s\n' $TARGETS | xargs -P "$JOBS" -I{} bash -c 'one {} || { echo "fuzz: {} FAILED, see $OUT/logs/{}.log"; exit 1; }' || status=1
{
  printf '%-18s %12s %8s %8s %8s  %s\n' target executions exec/s coverage corpus result
  for t in $TARGETS; do
    log=$OUT/logs/$t.log
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' $log | grep -o '[0-9]*$' || echo ?)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' $log | grep -o '[0-9]*$' || echo ?)
    cov=$(grep -o 'cov: [0-9]*' $log | tail -1 | grep -o '[0-9]*' || echo ?)
    corp=$(ls $OUT/corpus/$t | wc -l)
    crashes=$(ls $OUT/crashes/$t | grep -vc '^slow-unit-' || true)
    slow=$(ls $OUT/crashes/$t | grep -c '^slow-unit-' || true)
    printf '%-18s %12s %8s %8s %8s  %s\n' $t "$execs" "$rate" "$cov" "$corp" "$([ "$crashes" = 0 ] && echo ok || echo "$crashes CRASHES")$([ "$slow" = 0 ] || echo ", $slow slow (>10 s)")"
  done
} | tee $OUT/report.txt
# Crashes, ASan reports, timeouts (> 20 s) and out-of-memory fail the run; slow units (> 10 s) are reported.
for t in $TARGETS; do [ "$(ls $OUT/crashes/$t 2>/dev/null | grep -vc '^slow-unit-' || true)" = 0 ] || status=1; done
echo "fuzz: ${SECONDS_PER} s per target"
exit $status

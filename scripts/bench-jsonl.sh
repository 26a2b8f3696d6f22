#!/bin/sh
# JSONL throughput (make bench): s1-fetch | s1-filter quality against jq -c 'select(.question != null)'
# on the same s1K-shaped file of at least 200 MB. Best of three runs each; page cache warm for both.
# usage: scripts/bench-jsonl.sh [SIZE_MB]      (BIN= for another build directory)
set -eu
MB=${1:-256}
BIN=${BIN:-.build/release}
DIR=work/bench
F=$DIR/s1k-$MB.jsonl
mkdir -p "$DIR"
[ -f "$F" ] || python3 scripts/make-bench-jsonl.py "$F" "$MB"
BYTES=$(stat -c %s "$F")
cat "$F" > /dev/null

best() {  # best wall time in seconds of three runs of the shell command $1
    b=""
    for _ in 1 2 3; do
        t0=$(date +%s.%N); sh -c "$1" > /dev/null 2>&1; t1=$(date +%s.%N)
        b=$(echo "$t0 $t1 $b" | awk '{t = $2 - $1; if ($3 == "" || t < $3) t = t; else t = $3; printf "%.3f", t}')
    done
    echo "$b"
}

ours=$(best "$BIN/s1-fetch $F | $BIN/s1-filter quality")
fetch=$(best "$BIN/s1-fetch $F")
quality=$(best "$BIN/s1-filter quality $F")
jq=$(best "jq -c 'select(.question != null)' $F")
n_ours=$($BIN/s1-fetch "$F" 2>/dev/null | $BIN/s1-filter quality 2>/dev/null | wc -l)
n_jq=$(jq -c 'select(.question != null)' "$F" | wc -l)

echo "JSONL throughput on $F ($(echo "$BYTES" | awk '{printf "%.0f", $1 / 1e6}') MB, $(nproc) cores)"
printf '%-44s %8s %10s %10s\n' command seconds MB/s records
row() { printf '%-44s %8s %10s %10s\n' "$1" "$2" "$(echo "$BYTES $2" | awk '{printf "%.0f", $1 / 1e6 / $2}')" "$3"; }
row "s1-fetch | s1-filter quality" "$ours" "$n_ours"
row "  s1-fetch alone" "$fetch" "-"
row "  s1-filter quality alone" "$quality" "-"
row "jq -c 'select(.question != null)'" "$jq" "$n_jq"
ratio=$(echo "$jq $ours" | awk '{printf "%.1f", $1 / $2}')
echo "speed-up over jq: ${ratio}x (target >= 3x)"

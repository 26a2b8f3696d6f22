#!/usr/bin/env bash
# Data-parallel s1-sft (make bench): steps/s and gradient bytes summed per step, 1 process vs
# `mpirun -np 2` on this machine, 1 thread per rank, on the default model (fp32 training) with batches of
# 4 MATH500 examples cut to 256 tokens. The loss curves must agree (they are printed side by side).
set -euo pipefail
MODEL=${1:?usage: bench-mpi.sh MODEL.gguf}
BIN=${BIN:-.build/release}
DATA=${S1_DATA_DIR:-../shared/data}
W=work/bench/mpi
mkdir -p $W
if ! command -v mpirun >/dev/null; then echo "(the MPI benchmark needs Open MPI: make deps)"; exit 0; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
jq -c 'select((.problem | length) < 300) | {question: .problem, thinking_trajectories: [.solution], attempt: ("Answer: " + .answer)}' \
  "$DATA/math500/test.jsonl" | awk "NR <= 16" > $W/records.jsonl   # awk reads to the end: no SIGPIPE under pipefail
R=(--model "$MODEL" --epochs 1 --batch-size 4 --max-len 256 --lr 1e-5 --warmup-ratio 0 --threads 1 $W/records.jsonl)
echo "== data-parallel s1-sft: SmolLM2-135M fp32, 4 steps of 4 examples × ≤256 tokens, 1 thread per rank =="
rm -rf $W/one $W/two
$BIN/s1-sft "${R[@]}" --out $W/one > $W/one.log 2> $W/one.err
mpirun -np 2 --oversubscribe --bind-to none $BIN/s1-sft "${R[@]}" --out $W/two > $W/two.log 2> $W/two.err
one=$(grep -o '[0-9.]* steps/s' $W/one.err | tail -1); two=$(grep -o '[0-9.]* steps/s' $W/two.err | tail -1)
mb=$(grep -o '[0-9.]* MB of gradients summed per step per rank' $W/two.err | grep -o '^[0-9.]*' || echo '?')
printf '  1 process : %s, 0 bytes communicated\n  2 ranks   : %s, %s MB summed per step per rank (MPI_Allreduce, loopback)\n' "$one" "$two" "$mb"
echo "  losses (1 process | 2 ranks):"
paste <(jq -r .loss $W/one.log) <(jq -r .loss $W/two.log) | sed 's/^/    /'

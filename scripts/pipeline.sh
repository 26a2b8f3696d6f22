#!/bin/bash
# The main job (make): the whole s1 method on the embedded default, end to end, on this machine.
#   curate  synthetic pool → quality → difficulty (drop what the base model already solves) → diversity
#   train   s1-sft on the selection (SPEC §6 recipe, knobs below)
#   think   s1-think on held-out problems at several thinking budgets, plus --wait runs, for the
#           fine-tuned model and the base model beside it
#   score   s1-score --report and --plot → results/
# Knobs (environment or make variables): POOL, N, EVAL_N, EPOCHS, LR, BATCH, BUDGETS, WAITS, WAIT_BUDGET, SEED;
# STAGES picks stages (default "curate train think score"; make methods runs "curate train" when it needs them).
set -euo pipefail
BIN=${BIN:-.build/release}
MODEL=${MODEL:-.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf}
W=${WORK:-work}/pipeline
R=${RESULTS:-results}
POOL=${POOL:-2000}; N=${N:-240}; EVAL_N=${EVAL_N:-100}; SEED=${SEED:-0}
EPOCHS=${EPOCHS:-2}; LR=${LR:-1e-4}; BATCH=${BATCH:-8}
BUDGETS=${BUDGETS:-"16 32 64 128 256"}; WAITS=${WAITS:-2}; WAIT_BUDGET=${WAIT_BUDGET:-256}
DIFF_N=${DIFF_N:-600}
STAGES=${STAGES:-"curate train think score"}
want() { [[ " $STAGES " == *" $1 "* ]]; }
mkdir -p "$W" "$R"
stage() { printf '\n== %s (%s) ==\n' "$1" "$(date +%H:%M:%S)"; }
count() { printf '  %-34s %6d\n' "$1" "$(wc -l < "$2")"; }
t0=$(date +%s)

if want curate; then
stage "1/4 curate: the s1K funnel on generated problems"
"$BIN/s1-fetch" "synthetic:train:$POOL:$SEED" -o "$W/1-pool.jsonl"; count pool "$W/1-pool.jsonl"
"$BIN/s1-filter" quality < "$W/1-pool.jsonl" > "$W/2-quality.jsonl"; count quality "$W/2-quality.jsonl"
# Difficulty: the base model's graded attempts (short budget) on a random candidate set; solved ones go.
"$BIN/s1-filter" select --mode random --n "$DIFF_N" --seed "$SEED" < "$W/2-quality.jsonl" \
  | "$BIN/s1-think" --model "$MODEL" --tag base --batch 16 --max-thinking-tokens 64 --max-answer-tokens 16 \
  | "$BIN/s1-score" | "$BIN/s1-filter" difficulty --drop-if-correct base > "$W/3-difficulty.jsonl"
count "difficulty (base model unsolved)" "$W/3-difficulty.jsonl"
"$BIN/s1-filter" classify < "$W/3-difficulty.jsonl" | "$BIN/s1-filter" diversity --n "$N" --seed "$SEED" > "$W/s1k.jsonl"
count "diversity (the training set)" "$W/s1k.jsonl"
fi

if want train; then
stage "2/4 train: s1-sft, $EPOCHS epochs, lr $LR, batch $BATCH"
"$BIN/s1-sft" --model "$MODEL" --out "$W/sft" --epochs "$EPOCHS" --lr "$LR" --batch-size "$BATCH" --max-len 1024 \
  --seed "$SEED" < "$W/s1k.jsonl" > "$W/train-log.jsonl"
tail -1 "$W/train-log.jsonl"
fi
want think || exit 0

stage "3/4 think: held-out problems at budgets $BUDGETS, and $WAITS wait(s) at $WAIT_BUDGET"
"$BIN/s1-fetch" "synthetic:eval:$EVAL_N:$((SEED + 1))" -o "$W/eval.jsonl"
: > "$W/outputs.jsonl"
for tag in s1-smollm2 base; do
  m=$([ "$tag" = base ] && echo "$MODEL" || echo "$W/sft")
  for b in $BUDGETS; do
    "$BIN/s1-think" --model "$m" --tag "$tag" --batch 16 --max-thinking-tokens "$b" --max-answer-tokens 24 \
      < "$W/eval.jsonl" >> "$W/outputs.jsonl"
  done
done
"$BIN/s1-think" --model "$W/sft" --tag "s1-smollm2+wait" --batch 16 --max-thinking-tokens "$WAIT_BUDGET" --wait "$WAITS" \
  --max-answer-tokens 24 < "$W/eval.jsonl" >> "$W/outputs.jsonl"

stage "4/4 score"
"$BIN/s1-score" < "$W/outputs.jsonl" > "$W/graded.jsonl"
"$BIN/s1-score" --report --plot "$R/scaling.svg" < "$W/graded.jsonl" | tee "$R/report.md"
"$BIN/s1-score" --report --format json < "$W/graded.jsonl" > "$R/report.json"
if command -v rsvg-convert > /dev/null; then rsvg-convert -o "$R/scaling.png" "$R/scaling.svg"; fi
cp "$W/train-log.jsonl" "$R/"
printf '\nresults in %s/ (report.md, report.json, scaling.svg, scaling.png, train-log.jsonl); %d min total\n' "$R" $(( ($(date +%s) - t0) / 60 ))

#!/bin/bash
# The main job (make): the whole s1 method on the embedded default, end to end, on this machine.
#   curate  synthetic pool → quality → difficulty (drop what the base model already solves) → diversity
#   train   s1-sft on the selection (SPEC §6 recipe, knobs below)
#   think   s1-think on held-out problems: one budget sweep (every budget × every wait setting, the thinking
#           decoded once and forked) for the fine-tuned model, and one over the budgets for the base model
#   score   s1-score --report (bootstrap intervals, paired gains, wait effects, s1 against base), --plot,
#           and the training loss curve (--loss-plot) → results/
# Knobs (environment or make variables): POOL, N, EVAL_N, EPOCHS, LR, BATCH, BUDGETS, WAITS, SEED;
# STAGES picks stages (default "curate train think score"; make methods runs "curate train" when it needs them).
set -euo pipefail
source "$(dirname "$0")/common.sh"
W=$WORK/pipeline
POOL=${POOL:-2000}; N=${N:-240}; EVAL_N=${EVAL_N:-300}
# BUDGETS and WAITS are lists (spaces or commas); the s1 model runs every budget × wait setting in one sweep.
WAITS=${WAITS:-"0 1 2"}
DIFF_N=${DIFF_N:-600}
STAGES=${STAGES:-"curate train think score"}
want() { [[ " $STAGES " == *" $1 "* ]]; }
mkdir -p "$W" "$R"
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
train "$W/sft" "$W/s1k.jsonl" "$W/train-log.jsonl"
fi
want think || exit 0

stage "3/4 think: $EVAL_N held-out problems, budgets $BUDGETS × waits $WAITS (one sweep), the base model at each budget"
"$BIN/s1-fetch" "synthetic:eval:$EVAL_N:$((SEED + 1))" -o "$W/eval.jsonl"
"$BIN/s1-think" --model "$W/sft" --tag s1-smollm2 --batch 16 --max-thinking-tokens "$(list "$BUDGETS")" --wait "$(list "$WAITS")" \
  --max-answer-tokens 24 < "$W/eval.jsonl" > "$W/outputs.jsonl"
"$BIN/s1-think" --model "$MODEL" --tag base --batch 16 --max-thinking-tokens "$(list "$BUDGETS")" --max-answer-tokens 24 \
  < "$W/eval.jsonl" > "$W/outputs-base.jsonl"

stage "4/4 score"
cat "$W/outputs.jsonl" "$W/outputs-base.jsonl" | "$BIN/s1-score" > "$W/graded.jsonl"
"$BIN/s1-score" --report --compare base,s1-smollm2 --plot "$R/scaling.svg" < "$W/graded.jsonl" | tee "$R/report.md"
"$BIN/s1-score" --report --compare base,s1-smollm2 --format json < "$W/graded.jsonl" > "$R/report.json"
"$BIN/s1-score" --loss-plot "$R/loss.svg" < "$W/train-log.jsonl"
if command -v rsvg-convert > /dev/null; then
  rsvg-convert -o "$R/scaling.png" "$R/scaling.svg"; rsvg-convert -o "$R/loss.png" "$R/loss.svg"
fi
cp "$W/train-log.jsonl" "$R/"
printf '\nresults in %s/ (report.md, report.json, scaling.svg/png, loss.svg/png, train-log.jsonl); %d min total\n' "$R" $(( ($(date +%s) - t0) / 60 ))

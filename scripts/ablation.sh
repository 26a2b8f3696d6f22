#!/bin/bash
# make ablation: the paper's data ablation (§5.1, Table 2's "1K-random") in miniature. The same recipe is
# trained on the main job's s1-style selection (quality → difficulty → diversity) and on a random selection
# of the same size from the same quality-filtered pool; both run the same budget sweep on the same held-out
# problems, and s1-score reports both curves and, budget by budget, s1's accuracy minus random's with its
# paired 95% interval → results/ablation.md, ablation.json, ablation.svg/png.
# Reuses the main job's selection and model when `make` has run (it decodes the s1 model again: the main
# job's sweep carries waits and another tag). Knobs: as the main job's.
set -euo pipefail
source "$(dirname "$0")/common.sh"
P=$WORK/pipeline
A=$WORK/ablation
EVAL_N=${EVAL_N:-300}
mkdir -p "$A" "$R"
t0=$(date +%s)

if [ ! -s "$P/s1k.jsonl" ] || [ ! -s "$P/sft/config.json" ]; then
  STAGES="curate train" BIN=$BIN MODEL=$MODEL WORK=$WORK RESULTS=$R EPOCHS=$EPOCHS LR=$LR BATCH=$BATCH SEED=$SEED scripts/pipeline.sh
fi

n=$(wc -l < "$P/s1k.jsonl")
stage "1/3 train on a random $n of the quality-filtered pool (the s1 selection's model is the main job's)"
"$BIN/s1-filter" select --mode random --n "$n" --seed "$SEED" < "$P/2-quality.jsonl" > "$A/random.jsonl"
count "random selection" "$A/random.jsonl"
train "$A/sft-random" "$A/random.jsonl" "$A/train-log-random.jsonl"

stage "2/3 think: both models, budgets $BUDGETS, $EVAL_N held-out problems"
"$BIN/s1-fetch" "synthetic:eval:$EVAL_N:$((SEED + 1))" -o "$A/eval.jsonl"
for m in s1:"$P/sft" random:"$A/sft-random"; do
  "$BIN/s1-think" --model "${m#*:}" --tag "${m%%:*}" --batch 16 --max-thinking-tokens "$(list "$BUDGETS")" --max-answer-tokens 24 \
    < "$A/eval.jsonl" > "$A/outputs-${m%%:*}.jsonl"
done

stage "3/3 score"
cat "$A/outputs-s1.jsonl" "$A/outputs-random.jsonl" | "$BIN/s1-score" > "$A/graded.jsonl"
{
  printf '# Data ablation in miniature: the s1 selection against a random one (%d training examples each, %d held-out problems)\n\n' "$n" "$EVAL_N"
  "$BIN/s1-score" --report --compare random,s1 --plot "$R/ablation.svg" < "$A/graded.jsonl"
} | tee "$R/ablation.md"
"$BIN/s1-score" --report --compare random,s1 --format json < "$A/graded.jsonl" > "$R/ablation.json"
"$BIN/s1-score" --loss-plot "$R/loss-random.svg" < "$A/train-log-random.jsonl"
if command -v rsvg-convert > /dev/null; then rsvg-convert -o "$R/ablation.png" "$R/ablation.svg"; fi
printf '\nresults in %s/ (ablation.md, ablation.json, ablation.svg/png); %d min total\n' "$R" $(( ($(date +%s) - t0) / 60 ))

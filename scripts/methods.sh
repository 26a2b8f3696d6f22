#!/bin/bash
# make methods: the paper's Table 3 in miniature. The main job's training set and recipe make three models:
# the plain s1 model (BF, CCC and RS run on it), a TCC variant and an SCC variant (s1-filter traces
# --control tokens|steps). Each method runs over a sweep of limits on the main job's held-out problems;
# s1-score writes one row per method (Control, Scaling, Performance with its 95% interval) to
# results/methods.md.
# Runs without a budget (TCC, SCC, CCC, RS) are bounded only by --context (CONTEXT tokens per sequence).
# Knobs: EVAL_N, SEED, EPOCHS, LR, BATCH (as the main job), BUDGETS, TOKENS, STEPS, REJECT, CONTEXT, TEMP.
set -euo pipefail
BUDGETS=${BUDGETS:-"16 32 64 128 256"}   # within CONTEXT
source "$(dirname "$0")/common.sh"
P=$WORK/pipeline
M=$WORK/methods
EVAL_N=${EVAL_N:-30}; TOKENS=${TOKENS:-"32 64 128 256"}; STEPS=${STEPS:-"2 4 8 16"}
REJECT=${REJECT:-"64 128 256"}; CONTEXT=${CONTEXT:-512}; TEMP=${TEMP:-0.7}
mkdir -p "$M" "$R"
t0=$(date +%s)

# The main job's selection and model, made here when `make` has not run.
if [ ! -s "$P/s1k.jsonl" ] || [ ! -s "$P/sft/config.json" ]; then
  STAGES="curate train" BIN=$BIN MODEL=$MODEL WORK=$WORK RESULTS=$R EPOCHS=$EPOCHS LR=$LR BATCH=$BATCH SEED=$SEED scripts/pipeline.sh
fi

stage "1/3 train the TCC and SCC variants (the main job's recipe)"
"$BIN/s1-filter" traces --from solution --control tokens --tokenizer "$MODEL" < "$P/s1k.jsonl" > "$M/tcc.jsonl"
"$BIN/s1-filter" traces --from solution --control steps < "$P/s1k.jsonl" > "$M/scc.jsonl"
for v in tcc scc; do train "$M/$v" "$M/$v.jsonl" "$M/train-log-$v.jsonl"; done
# SCC's token proxy at this scale: thinking tokens (countdown markers included) per step of the SCC traces.
tokens=$(jq -c '{question: .thinking_trajectories[0]}' "$M/scc.jsonl" | "$BIN/s1-think" --model "$MODEL" --tokenize 2> /dev/null \
  | jq -s 'map(.tokens | length) | add')
steps=$(jq -s 'map(.control.count) | add' "$M/scc.jsonl")
TPS=$(( (tokens + steps / 2) / steps ))
echo "  SCC traces: $steps steps, $tokens tokens: $TPS tokens per step (the paper's proxy is 100)"

stage "2/3 think: BF, TCC, TCC+BF, SCC, SCC+BF, CCC and RS on $EVAL_N held-out problems"
"$BIN/s1-fetch" "synthetic:eval:$EVAL_N:$((SEED + 1))" -o "$M/eval.jsonl"
: > "$M/outputs.jsonl"
think() { "$BIN/s1-think" --batch 16 --max-answer-tokens 24 --context "$CONTEXT" "$@" < "$M/eval.jsonl" >> "$M/outputs.jsonl"; }
# BF: one sweep decodes each problem once and forks at each budget (s1-think --max-thinking-tokens A,B,…).
think --model "$P/sft" --tag s1 --max-thinking-tokens "$(list "$BUDGETS")"
for n in $TOKENS; do
  think --model "$M/tcc" --tag s1-tcc --control "tokens:$n"
  think --model "$M/tcc" --tag s1-tcc --control "tokens:$n" --max-thinking-tokens "$n"
done
for n in $STEPS; do
  think --model "$M/scc" --tag s1-scc --control "steps:$n"
  think --model "$M/scc" --tag s1-scc --control "steps:$n" --max-thinking-tokens $((n * TPS))
done
for c in short long; do think --model "$P/sft" --tag s1 --control "class:$c"; done
for n in $REJECT; do think --model "$P/sft" --tag s1 --temperature "$TEMP" --seed "$SEED" --reject-over "$n" --max-tries 8; done

stage "3/3 score"
"$BIN/s1-score" < "$M/outputs.jsonl" > "$M/graded.jsonl"
"$BIN/s1-score" --report --tokens-per-step "$TPS" < "$M/graded.jsonl" > "$R/methods-report.md"
"$BIN/s1-score" --report --format json --tokens-per-step "$TPS" < "$M/graded.jsonl" > "$R/methods-report.json"
{
  printf '# Table 3 in miniature: length-control methods on %d held-out problems\n\n' "$EVAL_N"
  "$BIN/s1-score" --report --format table3 --tokens-per-step "$TPS" < "$M/graded.jsonl"
  printf '\nModels: s1 (the main job'"'"'s), s1-tcc and s1-scc (its data with the TCC and SCC variants, same recipe). '
  printf 'RS samples at temperature %s, at most 8 tries. Runs without a budget end at the %d-token context.\n' "$TEMP" "$CONTEXT"
} | tee "$R/methods.md"
printf '\nresults in %s/ (methods.md, methods-report.md, methods-report.json); %d min total\n' "$R" $(( ($(date +%s) - t0) / 60 ))

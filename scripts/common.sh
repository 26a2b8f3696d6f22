# Sourced by the main job's scripts (pipeline.sh, methods.sh, ablation.sh): the tools and model, the
# training recipe's knobs with their defaults, and the helpers they share. Knobs come from the environment
# (or make variables); each script adds its own.
BIN=${BIN:-.build/release}
MODEL=${MODEL:-.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf}
WORK=${WORK:-work}; R=${RESULTS:-results}
SEED=${SEED:-0}; EPOCHS=${EPOCHS:-2}; LR=${LR:-1e-4}; BATCH=${BATCH:-8}
BUDGETS=${BUDGETS:-"16 32 64 128 256 512"}

stage() { printf '\n== %s (%s) ==\n' "$1" "$(date +%H:%M:%S)"; }
count() { printf '  %-34s %6d\n' "$1" "$(wc -l < "$2")"; }
# A list knob ("16 32 64", "16,32,64") as s1-think's comma-separated list.
list() { echo "$1" | tr ' ' ',' | sed 's/,,*/,/g; s/^,//; s/,$//'; }

# train OUT TRACES LOG: s1-sft with the recipe on TRACES into OUT, its step log in LOG. A model already
# trained on these exact traces with this recipe (OUT.stamp) is kept, so a rerun resumes where it stopped.
train() {
  local out=$1 traces=$2 log=$3
  local stamp="$(md5sum < "$traces" | cut -d' ' -f1) $MODEL $EPOCHS $LR $BATCH $SEED"
  if [ -s "$out/config.json" ] && [ -s "$log" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "  $out: kept (trained on these traces with this recipe before)"; return
  fi
  "$BIN/s1-sft" --model "$MODEL" --out "$out" --epochs "$EPOCHS" --lr "$LR" --batch-size "$BATCH" --max-len 1024 \
    --seed "$SEED" < "$traces" > "$log"
  echo "$stamp" > "$out.stamp"
  tail -1 "$log"
}

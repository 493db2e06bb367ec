#!/usr/bin/env bash
# GPU check for the streaming kernels (issue 7). Run from the repository root on a machine
# with an NVIDIA GPU and a CUDA build of torch already installed; it downloads nothing.
#   bash scripts/gpu_check.sh            # results under $OUT (default ./gpu_out)
# Steps, each under a timeout (total < 5 minutes):
#   1. report torch / CUDA; stop if CUDA is not available;
#   2. make the package importable (pip install -e . with --no-deps --no-build-isolation,
#      so nothing is fetched; PYTHONPATH=. as the fallback);
#   3. pytest -m gpu -q tests/numerics/test_stream.py tests/numerics/test_knn.py       (CUDA vs CPU/float64, all kernels)
#   4. python -m numerics.bench --device cuda --json $OUT/bench_cuda.json
set -u -o pipefail
OUT="${OUT:-$PWD/gpu_out}"
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
status=0

echo "== torch and CUDA"
if ! timeout 60 python -c 'import sys, torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0))
sys.exit(0 if torch.cuda.is_available() else 1)' 2>&1 | tee "$OUT/env.txt"; then
    echo "CUDA is not available to torch: nothing to check (no wheels are downloaded here)."
    exit 3
fi
timeout 30 python -c 'import faiss; print("faiss", faiss.__version__, "gpus", faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0)' \
    >>"$OUT/env.txt" 2>&1 || echo "faiss: not importable (the knn reference will be reported unavailable)" | tee -a "$OUT/env.txt"

echo "== install (offline: --no-deps --no-build-isolation)"
timeout 90 python -m pip install -q --no-deps --no-build-isolation -e . >"$OUT/pip.txt" 2>&1 \
    || echo "pip install -e . failed (see pip.txt); using PYTHONPATH=$PWD"

echo "== pytest -m gpu"
if timeout 30 python -c 'import pytest, hypothesis' 2>/dev/null; then
    timeout 150 python -m pytest -m gpu -q -p no:cacheprovider tests/numerics/test_stream.py tests/numerics/test_knn.py 2>&1 \
        | tee "$OUT/pytest_gpu.txt"
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || { echo "pytest -m gpu exit code $rc"; status=1; }
else
    echo "pytest/hypothesis not installed here: GPU tests not run" | tee "$OUT/pytest_gpu.txt"
    status=1
fi

echo "== bench --device cuda"
timeout 150 python -m numerics.bench --device cuda --json "$OUT/bench_cuda.json" 2>&1 \
    | tee "$OUT/bench_cuda.txt"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || { echo "bench exit code $rc"; status=1; }

echo "== done (exit $status); files in $OUT"
exit $status

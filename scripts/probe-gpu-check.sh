#!/usr/bin/env bash
# The probe's checks that need a machine with torch >= 2.1 and a GPU: the whole pytest suite (FSDP with gloo on
# CPU, CUDA hidden, and hooks before torch.compile run there instead of skipping), then probe/bench.py on CUDA and
# on CPU. Writes pytest.txt, bench-cuda.json and bench-cpu.json under $OUT (default: test-results/gpu-check).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-test-results/gpu-check}"
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/probe"
python3 -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' | tee "$OUT/versions.txt"
nproc | tee -a "$OUT/versions.txt"
CUDA_VISIBLE_DEVICES= timeout "${PYTEST_TIMEOUT:-240}" python3 -m pytest probe/tests -rs -v -p no:cacheprovider 2>&1 | tee "$OUT/pytest.txt"
timeout "${BENCH_TIMEOUT:-200}" python3 probe/bench.py --reps "${REPS:-30}" --device cuda > "$OUT/bench-cuda.json" 2> "$OUT/bench-cuda.err"
echo "bench cuda rc=$?"; cat "$OUT/bench-cuda.json"
timeout "${BENCH_TIMEOUT:-200}" python3 probe/bench.py --reps "${REPS:-30}" --device cpu --threads "${CPU_THREADS:-4}" > "$OUT/bench-cpu.json" 2> "$OUT/bench-cpu.err"
echo "bench cpu rc=$?"; cat "$OUT/bench-cpu.json"

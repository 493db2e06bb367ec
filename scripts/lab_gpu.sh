#!/usr/bin/env bash
# The lab's GPU presets as one script (issue 15): plateau, radius and sizelaw, then the
# findings Markdown rendered from their summaries. Run from the repository root:
#   bash scripts/lab_gpu.sh [--preset gpu|tiny] [--data PATH] [--out DIR] [--model PATH]
#   (defaults: --preset gpu, --out ./lab-gpu; the QF data as for `beyond-scaling lab`)
#
# --preset gpu: one CUDA GPU, 8 minutes in all (each step has its own timeout):
#   1. torch/CUDA check; exit 3 when torch sees no CUDA device (nothing is downloaded).
#   2. lab plateau  (timeout 220 s): 3 conditions (grammar, grammar-double, mccoy) x 2 models
#      (6 and 10 layers, d_emb = 512, the paper's F.2 sizes) x 3 seeds = 18 trainings of
#      3,000 steps at batch 64, 4 at a time on the GPU. Expected 3-4 minutes (an estimate,
#      8-12 ms a step: no GPU was available when this was written, so it is not measured).
#   3. lab radius   (timeout 60 s): all-MiniLM-L6-v2 (or --model PATH, e.g. GPT-2 medium with
#      its last-token pooling) on all 40,604 QF declaratives, 5 sample sizes x 3
#      normalisations. Expected under 1 minute.
#   4. lab sizelaw  (timeout 200 s): the size-law protocol with its control: facts 6 widths x
#      3 seeds x 5 data sizes (90 trainings of 1,500 steps), QF 5 widths x 3 seeds x 6 data
#      sizes (90 of 800 steps), plus the unsettled runs continued for as many steps again
#      (up to twice); the models are tiny (launch-bound on a GPU), so they run on the
#      machine's CPU cores, the data sizes of each width and seed as one stacked model
#      (33 stacks of 5-6 runs), one stack per core. Expected about 3 minutes (an estimate:
#      the CPU preset's 10 stacks of 12 runs take 6 min 44 s on 2 cores, about 730
#      CPU-seconds; this preset has about 2.5 times its work).
#   5. lab findings --from OUT/docs: the README findings block for these results.
# --preset tiny: the same steps on CPU in seconds (no CUDA check); tests use it.
# A step that times out leaves no result folder, but its finished trainings stay cached in
# OUT/cache: rerunning the script resumes where it stopped.
# Results: OUT/NAME/ (result.json, summary.json, CSVs, figures) and OUT/docs/NAME.{json,png};
# the exit status is 0 when every step finished, 1 when one failed or timed out, 3 without CUDA.
set -u -o pipefail
PRESET=gpu
OUT="$PWD/lab-gpu"
DATA=()
MODEL=()
while [ $# -gt 0 ]; do
    case "$1" in
        --preset) PRESET="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --data) DATA=(--data "$2"); shift 2 ;;
        --model) MODEL=(--model "$2" --pooling last); shift 2 ;;
        *) echo "lab_gpu.sh: unknown argument $1 (expected --preset, --out, --data, --model)" >&2
           exit 2 ;;
    esac
done
case "$PRESET" in
    gpu) T_PLATEAU=220; T_RADIUS=60; T_SIZELAW=200 ;;
    tiny) T_PLATEAU=120; T_RADIUS=120; T_SIZELAW=120 ;;
    *) echo "lab_gpu.sh: --preset must be gpu or tiny, got $PRESET" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
LAB=(python -m derivations.lab.cli)
status=0

if [ "$PRESET" = gpu ]; then
    echo "== torch and CUDA"
    if ! timeout 60 python -c 'import sys, torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0))
sys.exit(0 if torch.cuda.is_available() else 1)' 2>&1 | tee "$OUT/env.txt"; then
        echo "CUDA is not available to torch: the gpu preset needs it (try --preset tiny)."
        exit 3
    fi
fi

step() {  # step NAME TIMEOUT ARGS...
    local name="$1" limit="$2"; shift 2
    echo "== lab $name --preset $PRESET (timeout ${limit} s)"
    local t0=$SECONDS
    timeout "$limit" "${LAB[@]}" "$name" --preset "$PRESET" --out "$OUT" \
        --publish "$OUT/docs" --quiet "${DATA[@]}" "$@" 2>&1 | tee "$OUT/$name.txt"
    local rc=${PIPESTATUS[0]}
    echo "   $name: exit $rc after $((SECONDS - t0)) s" | tee -a "$OUT/times.txt"
    [ "$rc" -eq 0 ] || status=1
}

step plateau "$T_PLATEAU"
step radius "$T_RADIUS" "${MODEL[@]}"
step sizelaw "$T_SIZELAW"

echo "== lab findings"
"${LAB[@]}" findings --from "$OUT/docs" | tee "$OUT/findings.md" || status=1
echo "== done (exit $status); files in $OUT"
exit "$status"

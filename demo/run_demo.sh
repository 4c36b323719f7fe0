#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep demo: render a two-voice excerpt (Bach, Invention No. 1, BWV 772; see
# demo/duo_score.txt), separate it with the bundled dictionaries, plot it, and
# score the stems against the true parts (BSS Eval v3 SDR).
#
#   demo/run_demo.sh OUTDIR [BUILD_DIR]
#
# BUILD_DIR is the CMake build directory holding tools/camsep-process (and
# tools/camsep-plot if built); without it the tools are looked up in PATH.
# Needs fluidsynth, the FluidR3 GM soundfont, and Python 3 with numpy, scipy and
# mir_eval (Debian: fluidsynth fluid-soundfont-gm python3-numpy python3-scipy
# python3-mir-eval). PYTHON overrides the interpreter; CAMSEP_DICT_DIR the
# dictionary directory (default: presets/dictionaries next to this script).
set -euo pipefail

usage() { echo "usage: $0 OUTDIR [BUILD_DIR]" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
case "$1" in -h|--help) usage ;; esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=$1
BUILD=${2:-}
DICTS=${CAMSEP_DICT_DIR:-$ROOT/presets/dictionaries}

tool() {  # tool NAME -> path or empty
    if [ -n "$BUILD" ]; then
        if [ -x "$BUILD/tools/$1" ]; then echo "$BUILD/tools/$1"; fi
    else
        command -v "$1" || true
    fi
}

if [ -n "${PYTHON:-}" ]; then
    PY=$PYTHON
elif [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy, scipy, mir_eval' 2>/dev/null; then
    PY=/usr/bin/python3
else
    PY=python3
fi
"$PY" -c 'import numpy, scipy, mir_eval' 2>/dev/null || {
    echo "error: $PY lacks numpy, scipy or mir_eval (set PYTHON=...)" >&2; exit 1; }

PROCESS=$(tool camsep-process)
PLOT=$(tool camsep-plot)
if [ -z "$PROCESS" ]; then
    if [ -n "$BUILD" ]; then
        echo "error: $BUILD/tools/camsep-process not found; build it first" >&2
    else
        echo "error: camsep-process not in PATH; give the build directory as 2nd argument" >&2
    fi
    exit 1
fi

read -r A B < <("$PY" "$HERE/render_duo.py" --print-presets)
for d in "$A" "$B"; do
    [ -f "$DICTS/$d.dict" ] || { echo "error: missing dictionary $DICTS/$d.dict" >&2; exit 1; }
done

mkdir -p "$OUT"
echo "== 1/4 render the duo ($A + $B) with fluidsynth"
"$PY" "$HERE/render_duo.py" "$OUT"

echo "== 2/4 separate with camsep-process"
rm -rf "$OUT/stems"
echo "\$ $PROCESS -i $OUT/mix.wav -d $DICTS/$A.dict -d $DICTS/$B.dict -o $OUT/stems --report $OUT/report.csv"
"$PROCESS" -i "$OUT/mix.wav" -d "$DICTS/$A.dict" -d "$DICTS/$B.dict" \
    -o "$OUT/stems" --report "$OUT/report.csv" | tee "$OUT/process.log"
LATENCY=$(sed -n 's/.*latency \([0-9][0-9]*\) samples.*/\1/p' "$OUT/process.log")

echo "== 3/4 plot"
if [ -n "$PLOT" ]; then
    "$PLOT" -i "$OUT/mix.wav" -s "$OUT/stems/stem1.wav" -s "$OUT/stems/stem2.wav" \
        --report "$OUT/report.csv" --names "$A,$B" -o "$OUT/plot.png"
else
    echo "(camsep-plot not built; skipped)"
fi

echo "== 4/4 score against the true parts (BSS Eval v3)"
"$PY" "$HERE/sdr.py" --mix "$OUT/mix.wav" --ref "$OUT/part1.wav" "$OUT/part2.wav" \
    --est "$OUT/stems/stem1.wav" "$OUT/stems/stem2.wav" --names "$A,$B" \
    --csv "$OUT/scores.csv" --latency "${LATENCY:-0}"

echo
echo "outputs:"
echo "  mixture        $OUT/mix.wav"
echo "  true parts     $OUT/part1.wav ($A), $OUT/part2.wav ($B)"
echo "  stems          $OUT/stems/stem1.wav ($A), $OUT/stems/stem2.wav ($B)"
echo "  report         $OUT/report.csv"
[ -n "$PLOT" ] && echo "  plot           $OUT/plot.png"
echo "  scores         $OUT/scores.csv"

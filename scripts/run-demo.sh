#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The bundled demo, from a fresh Debian 12 machine: installs what is needed,
# builds, renders a short duo with fluidsynth from the score in demo/,
# separates it with the preset dictionaries and prints the SDR of each stem.
# Outputs (stems, plot, report) go to OUTDIR (default: demo-out).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/demo-out}
"$root/scripts/install-deps.sh"
BUILD_DIR="$root/build" "$root/scripts/build.sh" >/dev/null
"$root/demo/run_demo.sh" "$out" "$root/build"

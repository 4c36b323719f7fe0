#!/usr/bin/env bash
# Load test of camsep-jack (not part of ctest): a dummy JACK server at 64
# frames / 48 kHz, camsep-jack with 4 players (bundled violin, viola, cello,
# double_bass) and a 30 fps Y4M stage video looping (bench/camsep-scene), fed
# a looping 4-voice mixture by tests' jack_feeder; reports the xruns at the end.
#
#   plugin/standalone/xrun_run.sh [BUILD_DIR] [SECONDS]     (defaults: build, 600)
#
# Environment: FFT (default 1024), PERIOD (default 64), CAMSEP_DICT_DIR;
# BASELINE=1 runs the dummy server alone for the same time, to tell the
# machine's own xruns (timer jitter, a busy host) from camsep-jack's.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
seconds=${2:-600}
period=${PERIOD:-64}
fft=${FFT:-1024}
J="$build/plugin/camsep-jack"; F="$build/plugin/jack_feeder"; SCENE="$build/bench/camsep-scene"
for x in "$J" "$F" "$SCENE"; do [ -x "$x" ] || { echo "xrun_run: $x is not built" >&2; exit 1; }; done
export CAMSEP_DICT_DIR=${CAMSEP_DICT_DIR:-$src/presets/dictionaries}
tmp=$(mktemp -d)
server="camsep-xrun-$$"
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
jackd_pid= camsep_pid= feeder_pid=
cleanup() {
  for p in $feeder_pid $camsep_pid; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -n "$jackd_pid" ] && { kill -TERM "$jackd_pid" 2>/dev/null; wait "$jackd_pid" 2>/dev/null; }
  rm -rf "$tmp"
}
trap cleanup EXIT

# A 10 s four-voice mixture and the matching activity curves.
/usr/bin/python3 - "$tmp" <<'PY'
import sys, wave, numpy as np
d = sys.argv[1]; rate = 48000; n = 10 * rate; t = np.arange(n) / rate
rng = np.random.default_rng(1)
mix = np.zeros(n); act = []
for v, base in enumerate([660, 440, 220, 82]):
    x = np.zeros(n); a = np.zeros(41)
    for k in range(20):
        if rng.random() < 0.2: continue
        f = base * 2 ** (rng.integers(0, 8) / 12); s, e = int(k * 0.5 * rate), int((k * 0.5 + 0.48) * rate)
        env = np.zeros(n); env[s:e] = np.hanning(e - s) ** 0.3
        x += env * sum(np.sin(2 * np.pi * h * f * t) / h for h in range(1, 8) if h * f < rate / 2)
        a[k] = a[min(k + 1, 40)] = 0.9
    mix += 0.05 * x; act.append(a)
with wave.open(f"{d}/mix.wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes((np.clip(mix, -1, 1) * 32767).astype("<i2").tobytes())
with open(f"{d}/activity.csv", "w") as f:
    f.write("time,p1,p2,p3,p4\n")
    for k in range(21):
        f.write(f"{k * 0.5:.2f}," + ",".join(f"{a[k]:.2f}" for a in act) + "\n")
PY
"$SCENE" -a "$tmp/activity.csv" -p 4 -o "$tmp/stage.y4m" --size 640x480 --fps 30 --duration 10 >"$tmp/boxes.txt" ||
  { echo "xrun_run: camsep-scene failed" >&2; exit 1; }
mapfile -t boxes < <(grep -E '^[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+$' "$tmp/boxes.txt")
[ "${#boxes[@]}" -eq 4 ] || { echo "xrun_run: camsep-scene printed ${#boxes[@]} boxes" >&2; exit 1; }

jackd -n "$server" -d dummy -r 48000 -p "$period" >"$tmp/jackd.log" 2>&1 &
jackd_pid=$!
for _ in $(seq 100); do jack_lsp -s "$server" >/dev/null 2>&1 && break; sleep 0.1; done

if [ "${BASELINE:-0}" = 1 ]; then
  echo "xrun_run: baseline: jackd -d dummy -p $period alone for $seconds s"
  sleep "$seconds"
  echo "xrun_run: jackd reported $(grep -ci 'xrun' "$tmp/jackd.log") xrun lines"
  exit 0
fi

"$J" --no-connect --fft "$fft" --status-interval 10 \
  --player violin --box "${boxes[0]}" --player viola --box "${boxes[1]}" \
  --player cello --box "${boxes[2]}" --player bass=double_bass --box "${boxes[3]}" --other \
  --video "$tmp/stage.y4m" --loop &
camsep_pid=$!
for _ in $(seq 100); do jack_lsp -s "$server" | grep -qx camsep:bass && break; sleep 0.1; done
"$F" -s "$server" -i "$tmp/mix.wav" -t camsep:in --loop 1 &
feeder_pid=$!
echo "xrun_run: running for $seconds s (period $period, FFT $fft, 4 players + other, 30 fps video)"
sleep "$seconds"
kill -TERM "$feeder_pid"; wait "$feeder_pid" 2>/dev/null; feeder_pid=
kill -TERM "$camsep_pid"; rc=0; wait "$camsep_pid" || rc=$?; camsep_pid=
echo "xrun_run: camsep-jack exit status $rc"
echo "xrun_run: jackd reported $(grep -ci 'xrun' "$tmp/jackd.log") xrun lines"

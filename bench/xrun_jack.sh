#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Xrun benchmark of camsep-jack (not part of ctest). One dummy JACK server at
# PERIOD frames / 48 kHz runs, in alternating segments of the same length:
#   null:   bench's jack_null_client (camsep-jack's ports, a copy and nothing
#           else), fed a looping mixture by tests' jack_feeder;
#   camsep: camsep-jack with 4 players (bundled violin, viola, cello,
#           double_bass) + other, a 640x480 30 fps stage video looping
#           (bench/camsep-scene) driving the priors, fed the same mixture.
# Alternating cancels slow drifts of the machine's load. The null client's
# xruns are what the machine and the server cost on their own; camsep-jack's
# are the figure, and their ratio says what camsep adds. On a virtual machine
# the CPU time the hypervisor took away during each side (steal, /proc/stat)
# is printed too.
#
# First, if cyclictest (Debian rt-tests) is installed, the machine's wake-up
# latency of a SCHED_FIFO thread at the period's interval: a JACK client cannot
# be on time more often than the kernel wakes it on time.
#
#   bench/xrun_jack.sh [BUILD_DIR] [SECONDS]     (defaults: build, 600 per side)
#
# Environment: PERIOD (64), FFT (1024), SEGMENTS (10), PROBE_SECONDS (60),
# CAMSEP_DICT_DIR.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:-$src/build}
seconds=${2:-600}
period=${PERIOD:-64}
fft=${FFT:-1024}
segments=${SEGMENTS:-10}
probe_seconds=${PROBE_SECONDS:-60}
J="$build/plugin/standalone/camsep-jack"; F="$build/tests/jack_feeder"; N="$build/bench/jack_null_client"
SCENE="$build/bench/camsep-scene"
for x in "$J" "$F" "$N" "$SCENE"; do [ -x "$x" ] || { echo "xrun_jack: $x is not built" >&2; exit 1; }; done
export CAMSEP_DICT_DIR=${CAMSEP_DICT_DIR:-$src/presets/dictionaries}
tmp=$(mktemp -d)
server="camsep-xrun-$$"
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
jackd_pid= client_pid= feeder_pid=
cleanup() {
  for p in $feeder_pid $client_pid; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -n "$jackd_pid" ] && { kill -TERM "$jackd_pid" 2>/dev/null; wait "$jackd_pid" 2>/dev/null; }
  rm -rf "$tmp"
}
trap cleanup EXIT
period_us=$(( (period * 1000000 + 47999) / 48000 ))
seg=$(( seconds / segments ))
[ "$seg" -ge 5 ] || { echo "xrun_jack: segments of $seg s are too short" >&2; exit 1; }

# A 10 s four-voice mixture and the matching activity curves.
/usr/bin/python3 - "$tmp" <<'PY' || exit 1
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
  { echo "xrun_jack: camsep-scene failed" >&2; exit 1; }
mapfile -t boxes < <(grep -E '^[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+$' "$tmp/boxes.txt")
[ "${#boxes[@]}" -eq 4 ] || { echo "xrun_jack: camsep-scene printed ${#boxes[@]} boxes" >&2; exit 1; }

echo "xrun_jack: $(nproc) CPUs, $(uname -r); period $period frames ($period_us us), FFT $fft"
if command -v cyclictest >/dev/null; then
  cyclictest -m -p 80 -i "$period_us" -t 1 -D "$probe_seconds" -q -h 20000 >"$tmp/cyclictest.txt" 2>&1
  /usr/bin/python3 - "$tmp/cyclictest.txt" "$period_us" "$probe_seconds" <<'PY'
import sys
path, period, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
hist = {}; over = 0; mx = None
for line in open(path):
    p = line.split()
    if len(p) == 2 and p[0].isdigit() and p[1].isdigit(): hist[int(p[0])] = int(p[1])
    elif line.startswith("# Histogram Overflows:"): over = int(p[3])
    elif line.startswith("# Max Latencies:"): mx = int(p[3])
total = sum(hist.values()) + over
if not total: sys.exit(print(f"xrun_jack: cyclictest gave no histogram: {open(path).read()[:300]}"))
def pct(q):
    acc = 0
    for us in sorted(hist):
        acc += hist[us]
        if acc >= q * total: return us
    return mx
late = sum(c for us, c in hist.items() if us >= period) + over
half = sum(c for us, c in hist.items() if us >= period // 2) + over
print(f"xrun_jack: machine: a SCHED_FIFO thread woken every {period} us for {secs} s ({total} wake-ups): "
      f"latency median {pct(0.5)} us, p99.9 {pct(0.999)} us, max {mx} us; "
      f"{half} wake-ups later than half a period, {late} later than a whole period")
PY
else
  echo "xrun_jack: cyclictest (Debian rt-tests) not installed: no wake-up latency probe"
fi

jackd -n "$server" -d dummy -r 48000 -p "$period" >"$tmp/jackd.log" 2>&1 &
jackd_pid=$!
for _ in $(seq 100); do jack_lsp -s "$server" >/dev/null 2>&1 && break; sleep 0.1; done
jack_lsp -s "$server" >/dev/null 2>&1 || { echo "xrun_jack: jackd did not start:" >&2; tail -5 "$tmp/jackd.log" >&2; exit 1; }

declare -A xruns=([null]=0 [camsep]=0) late=([null]=0 [camsep]=0) driver=([null]=0 [camsep]=0) ran=([null]=0 [camsep]=0)
declare -A steal=([null]=0 [camsep]=0) per_segment=([null]="" [camsep]="")
log_lines() { wc -l <"$tmp/jackd.log"; }
# Time the hypervisor gave this VM's CPUs to others, in clock ticks (/proc/stat).
steal_ticks() { awk '$1 == "cpu" { print $9 + 0 }' /proc/stat; }
run_side() { # SIDE: one segment; adds to the totals
  local side=$1 port from to x st
  from=$(log_lines); st=$(steal_ticks)
  if [ "$side" = null ]; then
    "$N" -s "$server" -n camsep --outputs 5 >"$tmp/side.log" 2>&1 &
    port=camsep:out5
  else
    "$J" --no-connect --fft "$fft" --status-interval 0 \
      --player violin --box "${boxes[0]}" --player viola --box "${boxes[1]}" \
      --player cello --box "${boxes[2]}" --player bass=double_bass --box "${boxes[3]}" --other \
      --video "$tmp/stage.y4m" --loop >"$tmp/side.log" 2>&1 &
    port=camsep:other
  fi
  client_pid=$!
  for _ in $(seq 100); do jack_lsp -s "$server" | grep -qx "$port" && break; sleep 0.1; done
  "$F" -s "$server" -i "$tmp/mix.wav" -t camsep:in --loop 1 &
  feeder_pid=$!
  sleep "$seg"
  kill -TERM "$feeder_pid"; wait "$feeder_pid" 2>/dev/null; feeder_pid=
  kill -TERM "$client_pid"; wait "$client_pid" 2>/dev/null; client_pid=
  sleep 0.5
  to=$(log_lines)
  x=$(sed -n 's/.* xruns=\([0-9]*\).*/\1/p' "$tmp/side.log" | tail -1)
  [ -n "$x" ] || { echo "xrun_jack: $side reported no xrun count:" >&2; tail -5 "$tmp/side.log" >&2; exit 1; }
  xruns[$side]=$(( ${xruns[$side]} + x ))
  per_segment[$side]+=" $x"
  late[$side]=$(( ${late[$side]} + $(sed -n "$((from + 1)),${to}p" "$tmp/jackd.log" | grep -c 'was not finished') ))
  driver[$side]=$(( ${driver[$side]} + $(sed -n "$((from + 1)),${to}p" "$tmp/jackd.log" | grep -c 'TimedDriver::Process XRun') ))
  ran[$side]=$(( ${ran[$side]} + seg ))
  steal[$side]=$(( ${steal[$side]} + $(steal_ticks) - st ))
  [ "$side" = camsep ] && grep "stopped:" "$tmp/side.log" | sed 's/^/xrun_jack:   /'
  echo "xrun_jack: segment $s $side: $x xruns in $seg s"
}
echo "xrun_jack: $segments segments of $seg s per side, alternating"
for s in $(seq "$segments"); do
  if [ $((s % 2)) = 1 ]; then run_side null; run_side camsep; else run_side camsep; run_side null; fi
done

hz=$(getconf CLK_TCK)
echo "xrun_jack: side    seconds  xruns  per 10 min  client late  driver late (jackd's log)  steal ms"
for side in null camsep; do
  printf 'xrun_jack: %-7s %7d %6d %11.1f %12d %12d %25d\n' "$side" "${ran[$side]}" "${xruns[$side]}" \
    "$(awk -v x="${xruns[$side]}" -v t="${ran[$side]}" 'BEGIN { print x * 600 / t }')" "${late[$side]}" \
    "${driver[$side]}" $(( ${steal[$side]} * 1000 / hz ))
done
if [ "${xruns[null]}" -gt 0 ]; then
  echo "xrun_jack: camsep/null xrun ratio $(awk -v c="${xruns[camsep]}" -v n="${xruns[null]}" 'BEGIN { printf "%.2f", c / n }')"
else
  echo "xrun_jack: camsep/null xruns ${xruns[camsep]} / 0"
fi
# A burst (the hypervisor taking the CPUs for seconds) can dominate a total;
# the median segment is the steady rate.
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "xrun_jack: xruns per ${seg} s segment: null${per_segment[null]} (median $(median "${per_segment[null]}")); camsep${per_segment[camsep]} (median $(median "${per_segment[camsep]}"))"

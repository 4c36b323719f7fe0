#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-jack under its own dummy JACK server (unique name, killed at the end):
# ports and their latency ranges (the engine's latency added), a mixture fed
# by a test client comes back separated about as well as camsep-process does
# offline, a Y4M video drives the priors, bad set-ups fail with one line, and
# SIGTERM ends it cleanly with status 0.
#
# The live-vs-offline comparisons are sample-exact, so they only hold for a
# run without xruns: a period that the machine's scheduler misses (a virtual
# machine's vCPU woken late, another process in the way) drops or repeats a
# block. A feed whose check fails after camsep-jack counted xruns is run again,
# up to three times; one that fails without an xrun fails the test at once.
# The own server runs 1024-frame periods (4 hops a cycle): on a 2-vCPU
# virtual machine a 256-frame period (5.3 ms) missed a wake-up in every feed
# of six (2 to 32 xruns each, the JACK threads SCHED_FIFO, DSP load 1 %),
# 1024 in one of six (1 xrun).
#
# With CAMSEP_TEST_JACK_SERVER set, the test runs on that server instead of
# its own jackd (tests/test_pipewire_jack.sh: PipeWire's JACK, whose period
# CAMSEP_TEST_JACK_PERIOD gives): the
# sample-exact comparisons (2, 2b), and with CAMSEP_TEST_SET_RATE (a command
# that takes a rate, 0 = the default) a change of the graph's sample rate
# while camsep-jack runs (5). The parts that need jackd's system ports, and
# the server-independent ones, run only on its own jackd.
# Usage: test_jack.sh CAMSEP_JACK_DIR TOOLS_DIR FEEDER_DIR BUILD_DIR
set -uo pipefail
jackdir=$1 tools=$2 feederdir=$3 build=$4
own_server=1
[ -n "${CAMSEP_TEST_JACK_SERVER:-}" ] && own_server=
[ -z "$own_server" ] || command -v jackd >/dev/null || { echo "test_jack: jackd not installed; skipped"; exit 77; }
command -v jack_lsp >/dev/null || { echo "test_jack: jack_lsp not installed; skipped"; exit 77; }
py=/usr/bin/python3
"$py" -c 'import numpy' 2>/dev/null || { echo "test_jack: numpy missing; skipped"; exit 77; }
tmp=$(mktemp -d)
server="${CAMSEP_TEST_JACK_SERVER:-camsep-test-$$-$RANDOM}"
export CAMSEP_TEST_JACK_PERIOD="${CAMSEP_TEST_JACK_PERIOD:-1024}" # the checks' Python reads it
period=$CAMSEP_TEST_JACK_PERIOD
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
jackd_pid= camsep_pid=
cleanup() {
  [ -n "$camsep_pid" ] && kill -KILL "$camsep_pid" 2>/dev/null
  [ -n "$jackd_pid" ] && stop_process 10 "$jackd_pid"
  [ -n "${CAMSEP_TEST_SET_RATE:-}" ] && $CAMSEP_TEST_SET_RATE 0 >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_jack: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }

. "$(dirname "$0")/jackd_start.sh"
if [ -n "$own_server" ]; then
  start_jackd "$tmp/jackd.log" "$period" ||
    skip_no_jackd test_jack "$tmp/jackd.log"
fi

# Material: two synthetic instruments at 48 kHz (odd harmonics high, all
# harmonics low), their mix, and activity curves for a stage video.
"$py" "$(dirname "$0")/two_voices.py" "$tmp" 2.0 --rest 1.0 1.5 || fail "material"
"$tools/camsep-train" --quiet -o "$tmp/a.dict" --atoms 8 --iterations 40 "$tmp/a.wav" || fail "train a"
"$tools/camsep-train" --quiet -o "$tmp/b.dict" --atoms 8 --iterations 40 "$tmp/b.wav" || fail "train b"
# The live feed starts on a JACK period boundary at an arbitrary period since
# camsep-jack started: its frames line up with camsep-process's (which start
# at the file's first sample) only when the hop divides the period.
HOP=(--hop 256)
"$tools/camsep-process" --quiet -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" -o "$tmp/offline" "${HOP[@]}" ||
  fail "camsep-process"
"$tools/camsep-process" --quiet -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" -o "$tmp/offother" "${HOP[@]}" \
  --other "${CAMSEP_DICT_DIR:-}/other.dict" || fail "camsep-process --other"

# The checks' WAV reader (16-bit PCM and float WAVs), one copy for both.
cat >"$tmp/wavread.py" <<'PY'
import os, struct, numpy as np
def read(path):
    with open(path, "rb") as f: data = f.read()
    pos = 12; fmt = None; out = None
    while pos + 8 <= len(data):
        cid = data[pos:pos+4]; size = struct.unpack("<I", data[pos+4:pos+8])[0]; body = data[pos+8:pos+8+size]
        if cid == b"fmt ": fmt = struct.unpack("<HH", body[:4])
        if cid == b"data":
            out = np.frombuffer(body, "<f4" if fmt[0] in (3, 0xFFFE) else "<i2").astype(np.float64)
            if fmt[0] == 1: out /= 32768
        pos += 8 + size + (size & 1)
    return out
def lost_blocks(d, diff, block=256, tol=1e-4):
    # diff: what should be 0 at the best lag. A few wrong blocks among right
    # ones are blocks the graph lost (noted in d/lost for the retry); wrong
    # everywhere is camsep's fault.
    bad = sorted(set(int(i) // block for i in np.nonzero(np.abs(diff) > tol)[0]))
    if 0 < len(bad) <= max(4, len(diff) // block // 10):
        with open(f"{d}/lost", "w") as f: f.write(f"{len(bad)}\n")
        print(f"test_jack: {len(bad)} blocks of {block} lost in transport (first at sample {bad[0] * block})")
    return len(bad)
PERIOD = int(os.environ["CAMSEP_TEST_JACK_PERIOD"])
def best_lag(x, ref, tol=1e-4):
    # The lag (0..4095) with the fewest wrong samples among 4000 spread over
    # the mix (a lost block does not move it).
    n = len(ref); lags = np.arange(min(4096, len(x) - n + 1))
    idx = np.linspace(0, n - 1, 4000).astype(int)
    bad = np.count_nonzero(np.abs(x[idx[None, :] + lags[:, None]] - ref[idx][None, :]) > tol, axis=1)
    return int(np.argmin(bad))
PY

J="$jackdir/camsep-jack"
# Each feed records 0.2 s past the mix: the stems lag it by 1024 samples and
# at most a period more, and best_lag looks 4096 samples (85 ms) far.
F=("$feederdir/jack_feeder" --extra 0.2)
wait_port() { for _ in $(seq 100); do jack_lsp -s "$server" | grep -qx "$1" && return 0; sleep 0.1; done; return 1; }
stop_camsep() { # SIGTERM must end it with status 0
  kill -TERM "$camsep_pid"; local rc=0; wait "$camsep_pid" || rc=$?; camsep_pid=
  [ "$rc" -eq 0 ] || fail "camsep-jack exited with $rc after SIGTERM"
}
xruns_in() { sed -n 's/^camsep-jack: stopped: .* xruns=\([0-9]*\) .*/\1/p' "$1"; }
# retry_on_xruns WHAT LOG ATTEMPT: after a failed check; returns 0 to try again.
# A block the graph lost: PipeWire's JACK does not always report a missed
# deadline as an xrun, but the recording shows it (the stems stop adding up
# to the played mix in a few blocks only): the checks write their count to
# $tmp/lost (lost_blocks in the Python below).
retry_on_xruns() {
  local x lost=; x=$(xruns_in "$2")
  [ -s "$tmp/lost" ] && lost=$(cat "$tmp/lost")
  rm -f "$tmp/lost"
  [ "${x:-0}" -gt 0 ] || [ -n "$lost" ] || fail "$1 (no xrun in that run)"
  [ "$3" -lt 3 ] || fail "$1: xruns or lost blocks in each of 3 runs (last: $x, ${lost:-0}), this machine cannot keep up"
  echo "test_jack: $1 failed after $x xruns${lost:+ and $lost blocks the graph lost} (attempt $3); running it again"
}

if [ -n "$own_server" ]; then
# 1. Ports, their metadata, latency, separation. The input follows the port
# --input-match names (and nothing else: see 1b).
run1() {
  "$J" "${HOP[@]}" --name camsep --player a=$tmp/a.dict --player b=$tmp/b.dict --other --status-interval 0.5 \
    --input-match '^system:capture_1$' >"$tmp/run1.log" 2>&1 &
  camsep_pid=$!
  wait_port camsep:b || fail "no port camsep:b"
  for p in camsep:in camsep:a camsep:b camsep:other; do jack_lsp -s "$server" | grep -qx "$p" || fail "no port $p"; done
  jack_lsp -s "$server" -c camsep:in | grep -q system:capture_1 || fail "the input is not connected to system:capture_1"
  grep -q "input from system:capture_1 (input-match" "$tmp/run1.log" || fail "the connection was not printed"
  jack_lsp -s "$server" -c camsep:a | grep -q '^ ' && fail "an output was connected without --connect"
  check_metadata
  "${F[@]}" -s "$server" --latency system:capture_1 --latency camsep:a --latency camsep:in >"$tmp/latency.txt" || fail "feeder"
  cat "$tmp/latency.txt"
  read -r _ _ cap _ _ _ < <(grep '^system:capture_1 ' "$tmp/latency.txt")
  grep -q "^camsep:a capture $((cap + 1024)) $((cap + 1024)) " "$tmp/latency.txt" ||
    fail "camsep:a capture latency is not system:capture_1's ($cap) + 1024"
  grep -q "^camsep:in capture $cap $cap playback 1024 1024" "$tmp/latency.txt" ||
    fail "camsep:in playback latency is not 1024"
  jack_disconnect -s "$server" system:capture_1 camsep:in 2>/dev/null || true
  "${F[@]}" -s "$server" -i "$tmp/mix.wav" -t camsep:in -r camsep:a -r camsep:b -r camsep:other -o "$tmp/live" ||
    fail "feeder run"
  sleep 0.6
  stop_camsep
  grep -q "running, 3 stems, latency 1024 samples" "$tmp/run1.log" || fail "no start line"
  grep -Eq "^camsep-jack: stopped: .*frames=[1-9]" "$tmp/run1.log" || fail "no final status line"
  grep "stopped:" "$tmp/run1.log"
}
check1() {
"$py" - "$tmp" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
from wavread import read
d = sys.argv[1]
mix, a, b = read(f"{d}/mix.wav"), read(f"{d}/a.wav"), read(f"{d}/b.wav")
live = [read(f"{d}/live{k}.wav") for k in (1, 2, 3)]
off = [read(f"{d}/offother/stem{k}.wav") for k in (1, 2)]
total = live[0] + live[1] + live[2]
n = len(mix)
# The lag of the live stems behind the played mix: their sum is the mix.
from wavread import PERIOD, best_lag, lost_blocks
lag = best_lag(total, mix, 1e-3)
err = np.max(np.abs(total[lag:lag + n] - mix))
print(f"test_jack: live stems lag the played mix by {lag} samples (sum error {err:.1e})")
assert not lost_blocks(d, total[lag:lag + n] - mix, tol=1e-3), err
assert lag in (1024, 1024 + PERIOD), lag  # a period more: the feeder-camsep-feeder loop
def sdr(ref, est):
    return 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - est) ** 2))
live_a, live_b = live[0][lag:lag + n], live[1][lag:lag + n]
s = [sdr(a, live_a), sdr(b, live_b)]
o = [sdr(a, off[0]), sdr(b, off[1])]
m = [sdr(a, mix), sdr(b, mix)]
print(f"test_jack: SDR live (with other) a {s[0]:.1f} b {s[1]:.1f} dB; camsep-process (with other) a {o[0]:.1f} "
      f"b {o[1]:.1f} dB; mixture a {m[0]:.1f} b {m[1]:.1f} dB")
assert s[0] > m[0] + 5 and s[1] > m[1] + 5, "live separation is poor"
assert s[0] > o[0] - 3 and s[1] > o[1] - 3, "live separation much worse than offline"
PY
}
# JACK metadata on the ports (jack_property): pretty names (the players'
# names), the port group and the order.
check_metadata() {
  command -v jack_property >/dev/null || { echo "test_jack: jack_property not installed; metadata not checked"; return; }
  local p want
  for want in "in|mix in|mix|0" "a|a|stems|1" "b|b|stems|2" "other|other (no player)|stems|3"; do
    IFS='|' read -r p name group order <<<"$want"
    JACK_DEFAULT_SERVER=$server jack_property --port -l "camsep:$p" >"$tmp/meta.txt" 2>&1 || fail "jack_property camsep:$p"
    grep -q "metadata/pretty-name value: $name type" "$tmp/meta.txt" || fail "camsep:$p pretty name: $(cat "$tmp/meta.txt")"
    grep -q "metadata/port-group value: $group type" "$tmp/meta.txt" || fail "camsep:$p port group"
    grep -q "metadata/order value: $order type" "$tmp/meta.txt" || fail "camsep:$p order"
  done
  echo "test_jack: port metadata ok (pretty names, port group, order)"
}
for attempt in 1 2 3; do
  run1
  check1 && break
  retry_on_xruns "separation" "$tmp/run1.log" "$attempt"
done
# The metadata goes with the client.
if command -v jack_property >/dev/null; then
  JACK_DEFAULT_SERVER=$server jack_property -l | grep -q "metadata/pretty-name value: other (no player)" &&
    fail "the ports' metadata outlived camsep-jack"
fi

# 1b. Named nothing: the input stays unconnected (no guess that could take a
# webcam's microphone) and the message lists the capture ports.
"$J" --player a=$tmp/a.dict --status-interval 0 >"$tmp/run1b.log" 2>&1 &
camsep_pid=$!
wait_port camsep:a || fail "no port camsep:a (run 1b)"
for _ in $(seq 50); do grep -q "input not connected" "$tmp/run1b.log" && break; sleep 0.1; done
jack_lsp -s "$server" -c camsep:in | grep -q '^ ' && fail "the input was connected though nothing named a port"
grep -q "input not connected: name its source with --connect in=PORT or --input-match REGEX (capture ports here: system:capture_1, system:capture_2)" \
  "$tmp/run1b.log" || fail "no message on the unconnected input: $(cat "$tmp/run1b.log")"
stop_camsep
fi # own server

# 2. The same without "other": the live stems match camsep-process closely.
run2() {
  "$J" "${HOP[@]}" --no-connect --player a=$tmp/a.dict --player b=$tmp/b.dict --status-interval 0 >"$tmp/run2.log" 2>&1 &
  camsep_pid=$!
  wait_port camsep:b || fail "no port camsep:b (run 2)"
  jack_lsp -s "$server" -c camsep:in | grep -q '^ ' && fail "--no-connect connected the input"
  "${F[@]}" -s "$server" -i "$tmp/mix.wav" -t camsep:in -r camsep:a -r camsep:b -o "$tmp/live2_" || fail "feeder run 2"
  stop_camsep
}
check2() { # [MIX LIVE_PREFIX OFFLINE_DIR]
"$py" - "$tmp" "${1:-mix.wav}" "${2:-live2_}" "${3:-offline}" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
from wavread import read
d, mixname, livename, offname = sys.argv[1:5]
mix, a, b = read(f"{d}/{mixname}"), read(f"{d}/a.wav"), read(f"{d}/b.wav")
live = [read(f"{d}/{livename}{k}.wav") for k in (1, 2)]
off = [read(f"{d}/{offname}/stem{k}.wav") for k in (1, 2)]
from wavread import best_lag, lost_blocks
n = len(mix); total = live[0] + live[1]
lag = best_lag(total, mix)
assert not lost_blocks(d, total[lag:lag + n] - mix), "the stems do not add up to the mix"
def sdr(ref, est): return 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - est) ** 2))
la, lb = live[0][lag:lag + n], live[1][lag:lag + n]
print(f"test_jack: no other ({mixname}): SDR live a {sdr(a, la):.2f} b {sdr(b, lb):.2f} dB; camsep-process a "
      f"{sdr(a, off[0]):.2f} b {sdr(b, off[1]):.2f} dB; live vs offline {sdr(off[0], la):.1f} / {sdr(off[1], lb):.1f} dB")
assert abs(sdr(a, la) - sdr(a, off[0])) < 1.0 and abs(sdr(b, lb) - sdr(b, off[1])) < 1.0
# Periods that the hop of 256 divides keep the frame grid: the live stems are the
# offline ones, up to rounding.
assert sdr(off[0], la) > 40 and sdr(off[1], lb) > 40
PY
}
for attempt in 1 2 3; do
  run2
  check2 && break
  retry_on_xruns "live vs offline" "$tmp/run2.log" "$attempt"
done

# 2b. Bypassed (the output stage every host shares, plugin/README.md): every
# stem is the played mix delayed by the latency and divided by the stem count,
# as tests/output_stage_expect.h asserts for the LV2 plugin and the session.
run_bypass() {
  "$J" "${HOP[@]}" --no-connect --bypass --player a=$tmp/a.dict --player b=$tmp/b.dict --other --status-interval 0 \
    >"$tmp/runbp.log" 2>&1 &
  camsep_pid=$!
  wait_port camsep:other || fail "no port camsep:other (bypass run)"
  "${F[@]}" -s "$server" -i "$tmp/mix.wav" -t camsep:in -r camsep:a -r camsep:b -r camsep:other -o "$tmp/bypass" ||
    fail "feeder bypass run"
  stop_camsep
}
check_bypass() {
"$py" - "$tmp" <<'PY'
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
from wavread import read
d = sys.argv[1]
mix = read(f"{d}/mix.wav")
live = [read(f"{d}/bypass{k}.wav") for k in (1, 2, 3)]
from wavread import PERIOD, best_lag, lost_blocks
n = len(mix)
lag = best_lag(live[0], mix / 3, 1e-6)
err = max(np.max(np.abs(x[lag:lag + n] - mix / 3)) for x in live)
print(f"test_jack: bypassed, every stem is the mix / 3, {lag} samples late (error {err:.1e})")
assert not sum(lost_blocks(d, x[lag:lag + n] - mix / 3, tol=1e-6) for x in live), err
assert lag in (1024, 1024 + PERIOD), lag  # a period more: the feeder-camsep-feeder loop
PY
}
for attempt in 1 2 3; do
  run_bypass
  check_bypass && break
  retry_on_xruns "bypass" "$tmp/runbp.log" "$attempt"
done

# 5. A new graph rate (PipeWire): camsep-jack rebuilds its engine and carries
# on; fed after the change, its stems are camsep-process's at the new rate
# (the same samples read as 44.1 kHz: the dictionaries are resampled for it).
if [ -n "${CAMSEP_TEST_SET_RATE:-}" ]; then
  "$py" - "$tmp" <<'PY' || fail "44.1 kHz material"
import sys, wave
d = sys.argv[1]
with wave.open(f"{d}/mix.wav", "rb") as r: frames = r.readframes(r.getnframes())
with wave.open(f"{d}/mix44.wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(44100); w.writeframes(frames)
PY
  "$tools/camsep-process" --quiet -i "$tmp/mix44.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" -o "$tmp/offline44" "${HOP[@]}" ||
    fail "camsep-process at 44.1 kHz"
  run_rate() {
    "$J" "${HOP[@]}" --no-connect --player a=$tmp/a.dict --player b=$tmp/b.dict --status-interval 0.5 \
      >"$tmp/runrate.log" 2>&1 &
    camsep_pid=$!
    wait_port camsep:b || fail "no port camsep:b (rate change)"
    grep -q " at 48000 Hz" "$tmp/runrate.log" || fail "camsep-jack did not start at 48000 Hz"
    $CAMSEP_TEST_SET_RATE 44100 >/dev/null || fail "cannot set the graph's rate"
    for _ in $(seq 100); do grep -q "engine rebuilt" "$tmp/runrate.log" && break; sleep 0.1; done
    grep -q "the JACK sample rate changed from 48000 to 44100 Hz: engine rebuilt in [0-9]* ms" "$tmp/runrate.log" ||
      fail "no rebuild at 44100 Hz"
    grep "engine rebuilt" "$tmp/runrate.log"
    for _ in $(seq 50); do grep -q "latency 1024 samples (23.2 ms)" "$tmp/runrate.log" && break; sleep 0.1; done
    grep -q "running, 2 stems, latency 1024 samples (23.2 ms)" "$tmp/runrate.log" || fail "not running again at 44.1 kHz"
    "${F[@]}" -s "$server" -i "$tmp/mix44.wav" -t camsep:in -r camsep:a -r camsep:b -o "$tmp/live44_" ||
      fail "feeder at 44.1 kHz"
    kill -0 "$camsep_pid" || fail "camsep-jack ended after the rate change"
    stop_camsep
    $CAMSEP_TEST_SET_RATE 0 >/dev/null
  }
  for attempt in 1 2 3; do
    run_rate
    check2 mix44.wav live44_ offline44 && break
    retry_on_xruns "live vs offline after a rate change" "$tmp/runrate.log" "$attempt"
  done
fi
[ -n "$own_server" ] || { echo "test_jack: ok (on $server)"; exit 0; }

# 3. Bad set-ups: one line, non-zero status, no JACK client left behind.
expect_error() { # PATTERN ARGS...
  local pattern=$1; shift
  if "$J" "$@" >"$tmp/err.out" 2>"$tmp/err.txt"; then fail "succeeded: $*"; fi
  grep -q -- "$pattern" "$tmp/err.txt" || fail "error for '$*' lacks '$pattern': $(cat "$tmp/err.txt")"
}
expect_error "no players" --status-interval 0
expect_error "no bundled dictionary 'theremin'" --player x=theremin
expect_error "cannot connect to the JACK server" --server "no-such-server-$$" --player violin
expect_error "connect: 'zz' is not in, a player or other" --player violin --connect zz=system:playback_1
expect_error "connect violin=nowhere:port" --no-connect --player violin --connect violin=nowhere:port
expect_error "is an option of camsep-portaudio" --player violin --device 0
expect_error "is not a regular expression" --player violin --input-match '(capture'

# 4. Camera priors from a Y4M stage video, looping, paced at its frame rate.
if [ -x "$build/bench/camsep-scene" ]; then
  "$build/bench/camsep-scene" -a "$tmp/activity.csv" -p 2 -o "$tmp/stage.y4m" --size 320x240 --fps 30 \
    --duration 2 >"$tmp/boxes.txt" || fail "camsep-scene"
  mapfile -t boxes < <(grep -E '^[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+$' "$tmp/boxes.txt")
  [ "${#boxes[@]}" -eq 2 ] || fail "camsep-scene printed ${#boxes[@]} boxes"
  "$J" --no-connect --player a=$tmp/a.dict --box "${boxes[0]}" --player b=$tmp/b.dict --box "${boxes[1]}" \
    --video "$tmp/stage.y4m" --loop --status-interval 0.5 >"$tmp/run3.log" 2>&1 &
  camsep_pid=$!
  wait_port camsep:b || fail "no port camsep:b (video)"
  "${F[@]}" -s "$server" -i "$tmp/mix.wav" -t camsep:in -r camsep:a -o "$tmp/live3_" || fail "feeder run 3"
  stop_camsep
  last=$(grep "stopped:" "$tmp/run3.log")
  echo "$last"
  used=$(sed -n 's/.*priors_used=\([0-9]*\).*/\1/p' <<<"$last")
  [ "${used:-0}" -gt 0 ] || fail "no camera prior was used"
  grep -q "camera=running" "$tmp/run3.log" || fail "the camera never ran"
  expect_error "video" --player a=$tmp/a.dict --box 1,1,10,10 --video "$tmp/nope.y4m"
  expect_error "has no box" --player a=$tmp/a.dict --video "$tmp/stage.y4m"
else
  echo "test_jack: no capture runner or camsep-scene; the camera part is skipped"
fi
echo "test_jack: ok"

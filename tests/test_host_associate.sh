#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Which box is which player, live in camsep-jack (a private jackd -d dummy),
# over OSC: a camsep-scene stage where the two players play in phrases of
# their own, the matching mix fed by jack_feeder, and the boxes given the
# wrong way round. Before the evidence is in, /associate/apply is refused
# with its reason and nothing changes; bad arguments are errors; once
# the evidence is in, /associate proposes "2,1" with at least the confidence
# it says is needed (1.9 to 3.5, by the evidence), /associate/apply
# exchanges the boxes (each /player/N/box is now the other's), and
# /associate says "applied". camsep-capture refuses the
# addresses (test_capture_osc.sh).
# Usage: test_host_associate.sh STANDALONE_DIR SCENE_DIR SOURCE_DIR JACK_FEEDER
set -uo pipefail
plugdir=$1 bench=$2 src=$3 feeder=$4
py=/usr/bin/python3
client="$src/tests/test_host_osc_client.py"
command -v jackd >/dev/null || { echo "test_host_associate: jackd not installed; skipped"; exit 77; }
"$py" -c 'import numpy' 2>/dev/null || { echo "test_host_associate: numpy missing; skipped"; exit 77; }
tmp=$(mktemp -d)
server="camsep-as-$$-$RANDOM"
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
jackd_pid= pid= fpid=
cleanup() {
  [ -n "$fpid" ] && kill -KILL "$fpid" 2>/dev/null
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  [ -n "$jackd_pid" ] && stop_process 10 "$jackd_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_host_associate: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -25 "$f" >&2; done; exit 1; }
port_of() { for _ in $(seq 100); do p=$(grep -o 'OSC control on port [0-9]*' "$1" | grep -o '[0-9]*$') && [ -n "$p" ] && { echo "$p"; return 0; }; sleep 0.1; done; return 1; }
stop() { kill -TERM "$pid"; local rc=0; wait "$pid" || rc=$?; pid=; [ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM"; }
osc() { "$py" "$client" "$PORT" "$tmp/$1.txt" >"$tmp/client-$1.log" 2>&1 || fail "OSC script $1"; }

. "$(dirname "$0")/jackd_start.sh"
start_jackd "$tmp/jackd.log" || skip_no_jackd test_host_associate "$tmp/jackd.log"

# The stage, 16 s: the left player (high tone, a violin) and the right one
# (low tone, a cello) each play phrases of 1.5 to 3 s at their own times
# (long enough that the host's start and the feeder's, which set how the
# looped video and the audio line up, may differ by a fraction of a second).
# Both loop, so that a loaded machine, where that difference is larger than
# the lag the association searches, only takes longer to be sure.
"$py" - "$tmp" <<'PY' || fail "material"
import sys, wave, numpy as np
d = sys.argv[1]; rate = 48000; secs = 16; n = secs * rate; t = np.arange(n) / rate
left = [(0, 3), (5, 7), (9, 12), (14, 16)]
right = [(2, 5), (7, 10), (12.5, 14), (15, 16)]
def on(spans, x): return np.any([(x >= a) & (x < b) for a, b in spans], axis=0)
def tone(f0): return sum(0.12 / h * np.sin(2 * np.pi * f0 * h * t) for h in range(1, 5))
x = np.where(on(left, t), tone(880.0), 0) + np.where(on(right, t), tone(110.0), 0)
with wave.open(f"{d}/mix.wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes((x * 32767).astype("<i2").tobytes())
rows = ["time,p1,p2"]
for s in np.arange(0, secs + 0.05, 0.05):
    rows.append(f"{s:.2f},{int(on(left, np.array([s]))[0])},{int(on(right, np.array([s]))[0])}")
open(f"{d}/act.csv", "w").write("\n".join(rows) + "\n")
PY
"$bench/camsep-scene" -a "$tmp/act.csv" -p 2 -o "$tmp/stage.y4m" --size 320x240 --fps 15 --duration 16 \
  --sway 0 --gesture 0 >"$tmp/boxes.txt" || fail "camsep-scene"
mapfile -t B < <(grep -E '^[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+$' "$tmp/boxes.txt")
norm() { "$py" -c "import sys; x,y,w,h = map(float, sys.argv[1].split(',')); print(x/320, y/240, w/320, h/240)" "$1"; }
read -r lx ly lw lh <<<"$(norm "${B[0]}")"
read -r rx ry rw rh <<<"$(norm "${B[1]}")"

# the boxes the wrong way round: the violin's is the right one
"$plugdir/camsep-jack" --no-connect --player violin --box "${B[1]}" --player cello --box "${B[0]}" \
  --video "$tmp/stage.y4m" --loop --osc-port 0 --status-interval 0 >"$tmp/jack.log" 2>&1 &
pid=$!
PORT=$(port_of "$tmp/jack.log") || fail "no OSC port line"
for _ in $(seq 500); do grep -q running "$tmp/jack.log" && break; sleep 0.02; done
"$feeder" -s "$server" -i "$tmp/mix.wav" -t camsep:in --loop 1 >"$tmp/feeder.log" 2>&1 &
fpid=$!

cat >"$tmp/early.txt" <<S
expect udp /camsep/player/1/box ffff $rx $ry $rw $rh
error udp /camsep/associate/apply
expect udp /camsep/player/1/box ffff $rx $ry $rw $rh
error tcp /camsep/associate/apply s:now
errtext "force"
error udp /camsep/associate s:apply
S
osc early
cat >"$tmp/proposal.txt" <<S
until 45 udp /camsep/associate ssfff 2,1 proposed 1.9..1000 4..100 1.9..3.5
udp /camsep/associate/apply
expect udp /camsep/player/1/box ffff $lx $ly $lw $lh
expect tcp /camsep/player/2/box ffff $rx $ry $rw $rh
expect udp /camsep/associate ssfff * applied * * *
error udp /camsep/associate/apply
errtext "no proposal"
S
osc proposal
kill -TERM "$fpid"
wait "$fpid" || fail "feeder"
fpid=
# the main loop prints it on its next turn (which a slow, sanitized build may take a while to reach)
for _ in $(seq 100); do grep -q "players: the boxes were exchanged" "$tmp/jack.log" && break; sleep 0.05; done
grep -q "players: the boxes were exchanged" "$tmp/jack.log" || fail "no line on stdout for the exchange"
stop
grep '/camsep/associate ' "$tmp/client-proposal.log" | head -1 | sed 's/^/test_host_associate: /'
echo "test_host_associate: ok"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# OSC control of camsep-jack (under a private jackd -d dummy, with a Y4M stage
# video) and camsep-portaudio (ALSA's null device): every documented address
# over UDP and TCP (set then query; the read-only prior trust, rest gate,
# camera motion and camera offset: the motion known with a camera, NaN
# without; without a camera the gate open and the offset NaN), a mute
# silences its JACK port, an instrument change and a preset
# store/change/recall, meters moving for a subscriber, bad messages answered
# with /camsep/error, --osc-doc = the library's; the players found in the
# picture (camsep-jack: violin's box found where it is and applied;
# camsep-portaudio without --video: refused, and said why).
# Usage: test_host_osc.sh STANDALONE_DIR SCENE_DIR OSC_DOC SOURCE_DIR JACK_FEEDER
set -uo pipefail
plugdir=$1 bench=$2 oscdoc=$3 src=$4 feeder=$5
py=/usr/bin/python3
client="$src/tests/test_host_osc_client.py"
command -v jackd >/dev/null || { echo "test_host_osc: jackd not installed; skipped"; exit 77; }
"$py" -c 'import numpy' 2>/dev/null || { echo "test_host_osc: numpy missing; skipped"; exit 77; }
tmp=$(mktemp -d)
server="camsep-osc-$$-$RANDOM"
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
jackd_pid= pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  [ -n "$jackd_pid" ] && stop_process 10 "$jackd_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_host_osc: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -25 "$f" >&2; done; exit 1; }
port_of() { for _ in $(seq 100); do p=$(grep -o 'OSC control on port [0-9]*' "$1" | grep -o '[0-9]*$') && [ -n "$p" ] && { echo "$p"; return 0; }; sleep 0.1; done; return 1; }
stop() { kill -TERM "$pid"; local rc=0; wait "$pid" || rc=$?; pid=; [ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM"; }

# --osc-doc is the library's
"$plugdir/camsep-jack" --osc-doc >"$tmp/doc1.txt" || fail "--osc-doc"
"$oscdoc" >"$tmp/doc2.txt" || fail "camsep-osc-doc"
cmp -s "$tmp/doc1.txt" "$tmp/doc2.txt" || fail "camsep-jack --osc-doc differs from camsep-osc-doc"
"$plugdir/camsep-jack" --osc-doc --osc-prefix /stage >"$tmp/doc3.txt" || fail "--osc-doc --osc-prefix"
grep -q '^/stage/player/N/gain ' "$tmp/doc3.txt" || fail "--osc-doc --osc-prefix: no /stage/player/N/gain"

. "$(dirname "$0")/jackd_start.sh"
start_jackd "$tmp/jackd.log" || skip_no_jackd test_host_osc "$tmp/jackd.log"

"$py" - "$tmp" <<'PY' || fail "material"
import sys, wave, numpy as np
d = sys.argv[1]; rate = 48000; n = int(2.0 * rate); t = np.arange(n) / rate
x = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 1320 * t)
with wave.open(f"{d}/mix.wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes((x * 32767).astype("<i2").tobytes())
open(f"{d}/act.csv", "w").write("time,p1,p2\n0,0.9,0.1\n3,0.9,0.1\n")
PY
"$bench/camsep-scene" -a "$tmp/act.csv" -p 2 -o "$tmp/stage.y4m" --size 320x240 --fps 30 --duration 3 \
  >"$tmp/boxes.txt" || fail "camsep-scene"
mapfile -t B < <(grep -E '^[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+$' "$tmp/boxes.txt")

# 1. camsep-jack
"$plugdir/camsep-jack" --no-connect --player violin --box "${B[0]}" --player cello --box "${B[1]}" \
  --video "$tmp/stage.y4m" --loop --osc-port 0 --preset-dir "$tmp/presets" --status-interval 0 \
  >"$tmp/jack.log" 2>&1 &
pid=$!
PORT=$(port_of "$tmp/jack.log") || fail "no OSC port line"
for _ in $(seq 100); do grep -q running "$tmp/jack.log" && break; sleep 0.1; done
cat >"$tmp/all.txt" <<'S'
# every documented address, set then query, over UDP and TCP
udp /camsep/player/1/gain -6.5f
expect udp /camsep/player/1/gain f -6.5
tcp /camsep/player/1/gain -3i
expect tcp /camsep/player/1/gain f -3
tcp /camsep/player/2/gain/norm 0.75f
expect tcp /camsep/player/2/gain f 0
expect udp /camsep/player/2/gain/norm f 0.75
udp /camsep/player/1/mute T
expect udp /camsep/player/1/mute i 1
expect tcp /camsep/player/1/mute i 1
udp /camsep/player/1/mute F
tcp /camsep/player/2/solo 1i
expect tcp /camsep/player/2/solo i 1
udp /camsep/player/2/solo 0.0f
expect udp /camsep/player/2/solo i 0
expect udp /camsep/player/1/box ffff 0.05 0.2 0.4 0.7
udp /camsep/player/1/box 0.1f 0.2f 0.3f 0.5f
expect tcp /camsep/player/1/box ffff 0.1 0.2 0.3 0.5
tcp /camsep/player/1/instrument s:flute
expect udp /camsep/player/1/instrument s flute
udp /camsep/player/2/name s:Anna
expect tcp /camsep/player/2/name s Anna
udp /camsep/player/*/mute T
expect tcp /camsep/player/2/mute i 1
udp /camsep/player/{1,2}/mute F
expect tcp /camsep/player/1/mute i 0
expect udp /camsep/player/2/mute i 0
udp /camsep/bypass T
expect udp /camsep/bypass i 1
tcp /camsep/bypass F
expect tcp /camsep/bypass i 0
udp /camsep/prior_strength 0.7f
expect tcp /camsep/prior_strength f 0.7
tcp /camsep/mask_power 1.5f
expect udp /camsep/mask_power f 1.5
udp /camsep/camera_latency 0.08f
expect tcp /camsep/camera_latency f 0.08
expect udp /camsep/motion_knee f 0.5
udp /camsep/motion_knee 1i
expect tcp /camsep/motion_knee f 1
expect udp /camsep/status/xruns i *
expect tcp /camsep/status/camera sf running *
expect udp /camsep/status/dsp_load f *
expect tcp /camsep/status/latency fi 0.021333 1024
expect udp /camsep/status/camera_motion ff finite finite
expect tcp /camsep/player/1/trust ff 0..1 *
expect udp /camsep/player/2/trust ff 0..1 *
error udp /camsep/player/3/trust
expect tcp /camsep/player/1/gate f 0..1
expect udp /camsep/player/2/gate f 0..1
error udp /camsep/player/3/gate
expect udp /camsep/player/1/share f 0..1
error tcp /camsep/player/3/share
expect tcp /camsep/player/1/hidden i 0..1
error udp /camsep/player/3/hidden
expect tcp /camsep/camera/offset ff * *
error udp /camsep/camera/offset 0f 1f
error udp /camsep/status/camera_motion 1f 1f
expect udp /camsep/subscribe * 
# presets: store, change, recall restores
udp /camsep/preset/store s:verse
expect udp /camsep/preset/store is 1 verse
udp /camsep/player/1/gain -20f
udp /camsep/player/1/instrument s:oboe
udp /camsep/mask_power 3f
udp /camsep/motion_knee 0.25f
tcp /camsep/preset/recall s:verse
expect udp /camsep/player/1/gain f -3
expect udp /camsep/player/1/instrument s flute
expect udp /camsep/mask_power f 1.5
expect udp /camsep/motion_knee f 1
expect udp /camsep/preset/recall is 1 verse
tcp /camsep/preset/store 5i
tcp /camsep/preset/recall 5i
expect tcp /camsep/preset/recall is 5 preset
# bad messages: an error, nothing changes
error udp /camsep/player/3/gain 1.0f
errtext "no player 3"
error udp /camsep/player/1/gain 99f
error tcp /camsep/player/1/gain s:loud
error udp /camsep/player/1/instrument s:nosuch
errtext "no bundled dictionary"
error udp /camsep/player/1/dictionary s:/nonexistent.dict
error tcp /camsep/preset/recall 7i
errtext "no preset 7"
error udp /camsep/player/1/box 0.9f 0.2f 0.3f 0.5f
error udp /camsep/motion_knee 2.5f
error udp /camsep/nosuch 1i
error udp /camsep/status/xruns 1i
expect udp /camsep/player/1/gain f -3
expect udp /camsep/player/1/instrument s flute
expect udp /camsep/player/1/box ffff 0.1 0.2 0.3 0.5
S
"$py" "$client" "$PORT" "$tmp/all.txt" >"$tmp/client1.log" 2>&1 || fail "OSC script (camsep-jack)"
ls "$tmp/presets" | grep -q '^001-verse.conf$' || fail "no preset file 001-verse.conf"
grep -c '^ok' "$tmp/client1.log" | sed 's/^/test_host_osc: camsep-jack steps ok: /'

# mute via OSC silences the port; meters move for a subscriber while audio plays
printf 'udp /camsep/player/1/gain 0f\nudp /camsep/player/2/mute T\n' >"$tmp/mute.txt"
"$py" "$client" "$PORT" "$tmp/mute.txt" >"$tmp/client2.log" 2>&1 || fail "mute"
printf 'meters 1.5\n' >"$tmp/meters.txt"
"$py" "$client" "$PORT" "$tmp/meters.txt" >"$tmp/meters.log" 2>&1 &
mpid=$!
"$feeder" -s "$server" -i "$tmp/mix.wav" -t camsep:in -r camsep:violin -r camsep:cello -o "$tmp/rec_" \
  >"$tmp/feeder.log" 2>&1 || fail "feeder"
wait $mpid || fail "meters client"
cat "$tmp/meters.log"
"$py" - "$tmp" <<'PY' || fail "mute did not silence camsep:cello, or violin is silent"
import sys, wave, numpy as np
d = sys.argv[1]
def rms(p):  # float WAV from jack_feeder: the data chunk as float32
    b = open(p, "rb").read(); k = b.index(b"data")
    x = np.frombuffer(b[k + 8:], dtype="<f4").astype(float)
    return float(np.sqrt(np.mean(x[4800:] ** 2)))
v, c = rms(f"{d}/rec_1.wav"), rms(f"{d}/rec_2.wav")
print(f"violin rms {v:.4f} cello (muted) rms {c:.6f}")
sys.exit(0 if v > 0.01 and c < 1e-4 else 1)
PY
grep -E "player/1/meters .*level=-?[0-9.]+\.\.-?([0-9]|[1-9][0-9])\." "$tmp/meters.log" >/dev/null ||
  fail "violin's level meter did not move"

# the players found in the picture: the violin (left, playing) found in its
# box and applied ("force": the cello hardly moves, it may not be found)
cat >"$tmp/find.txt" <<'S'
expect udp /camsep/players/found sfis idle 0 0 *
error udp /camsep/players/found/apply
errtext "nobody was looked for"
error udp /camsep/players/find 2i 200f
errtext "out of range 0.5..120"
error udp /camsep/players/find 3i 1.5f
errtext "looking for 3 players: there are 2"
udp /camsep/players/find 2i 1.5f
until 15 udp /camsep/players/found sfis ready 1 * *
expect udp /camsep/player/1/found fffff 0..1 0..1 0..1 0..1 0..1
udp /camsep/players/found/apply s:force
expect udp /camsep/player/1/box ffff
udp /camsep/players/find
expect tcp /camsep/players/found sfis looking * 0 *
tcp /camsep/players/find/cancel
until 3 udp /camsep/players/found sfis idle 0 0 *
S
"$py" "$client" "$PORT" "$tmp/find.txt" >"$tmp/client-find.log" 2>&1 || fail "OSC script (camsep-jack, players found)"
"$py" - "$tmp/client-find.log" "${B[0]}" <<'PY' || fail "camsep-jack: the violin's box found"
import ast, re, sys
got = {}
for l in open(sys.argv[1]):
    m = re.match(r"ok +line \d+: (?:expect|until \S+) (?:udp|tcp) (\S+) .*-> (\[.*\])$", l)
    if m: got.setdefault(m[1], ast.literal_eval(m[2]))
x, y, w, h, share = got["/camsep/player/1/found"]
tx, ty, tw, th = [float(v) for v in sys.argv[2].split(",")]
tx, ty, tw, th = tx / 320, ty / 240, tw / 320, th / 240
assert tx <= x + w / 2 <= tx + tw and ty <= y + h / 2 <= ty + th and share > 0, "found %s, violin %s" % (got["/camsep/player/1/found"], (tx, ty, tw, th))
assert all(abs(p - q) < 1e-5 for p, q in zip(got["/camsep/player/1/box"], (x, y, w, h))), "applied %s" % got["/camsep/player/1/box"]
ready = [v for v in open(sys.argv[1]) if "until 15" in v][0].split("-> ")[1].strip()
print("test_host_osc: camsep-jack found the violin at %.3f,%.3f,%.3f,%.3f (share %.2f): %s" % (x, y, w, h, share, ready))
PY
stop

# 2. camsep-portaudio (ALSA null device): the basic set
cat >"$tmp/.asoundrc" <<'CONF'
pcm.camsepnull { type null }
ctl.camsepnull { type null }
CONF
if HOME="$tmp" "$plugdir/camsep-portaudio" --list-devices 2>/dev/null | grep -q camsepnull; then
  HOME="$tmp" "$plugdir/camsep-portaudio" --device camsepnull --player violin --player cello --osc-port 0 \
    --preset-dir "$tmp/pa-presets" --status-interval 0 >"$tmp/pa.log" 2>&1 &
  pid=$!
  PORT=$(port_of "$tmp/pa.log") || fail "no OSC port line (portaudio)"
  for _ in $(seq 100); do grep -q running "$tmp/pa.log" && break; sleep 0.1; done
  cat >"$tmp/pa.txt" <<'S'
udp /camsep/player/1/gain -6f
expect tcp /camsep/player/1/gain f -6
tcp /camsep/player/2/mute T
expect udp /camsep/player/2/mute i 1
udp /camsep/player/1/instrument s:viola
expect udp /camsep/player/1/instrument s viola
udp /camsep/preset/store 2i
udp /camsep/player/1/gain 0f
udp /camsep/preset/recall 2i
expect udp /camsep/player/1/gain f -6
expect udp /camsep/status/camera sf off 0
expect udp /camsep/status/camera_motion ff nan nan
expect tcp /camsep/player/2/trust ff 0..1 *
expect udp /camsep/player/2/gate f 1
expect tcp /camsep/player/2/share f 0
expect udp /camsep/player/2/hidden i 0
expect tcp /camsep/camera/offset ff nan nan
error udp /camsep/player/1/box 0.1f 0.1f 0.2f 0.2f
errtext "no camera"
expect udp /camsep/status/latency fi 0.021333 1024
expect udp /camsep/players/found sfis idle 0 0 "no camera of this program's own (--video)"
expect tcp /camsep/player/1/found fffff 0 0 0 0 0
error udp /camsep/players/find 2i 1.5f
errtext "no camera of this program's own (--video)"
error tcp /camsep/players/find
errtext "--video"
error udp /camsep/players/find/cancel
errtext "--video"
error udp /camsep/players/found/apply s:force
errtext "--video"
S
  "$py" "$client" "$PORT" "$tmp/pa.txt" >"$tmp/client-pa.log" 2>&1 || fail "OSC script (camsep-portaudio)"
  "$plugdir/camsep-portaudio" --osc-doc | cmp -s - "$tmp/doc2.txt" || fail "camsep-portaudio --osc-doc"
  stop
  echo "test_host_osc: camsep-portaudio ok"
else
  echo "test_host_osc: ALSA null device not available; camsep-portaudio part skipped"
fi
echo "test_host_osc: ok"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-capture --osc-port: boxes (normalised), names, camera latency,
# status and the camera's own motion over UDP and TCP; the audio-only
# addresses (prior trust among them) are refused with
# "not available in camsep-capture"; --osc-doc is the library's.
# Usage: test_capture_osc.sh CAMSEP_CAPTURE HELPER OSC_DOC SOURCE_DIR
set -uo pipefail
cap=$1 helper=$2 oscdoc=$3 src=$4
client="$src/tests/test_host_osc_client.py" py=/usr/bin/python3
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "test_capture_osc: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -25 "$f" >&2; done; exit 1; }
"$cap" --osc-doc | cmp -s - <("$oscdoc") || fail "--osc-doc differs from camsep-osc-doc"
"$helper" render "$tmp/duo.y4m" 320 240 90 30 >"$tmp/boxes.txt" || fail "render"
"$cap" --source "$tmp/duo.y4m" --loop --boxes "$tmp/boxes.txt" --no-shm --osc-port 0 --status-interval 0 \
  >"$tmp/cap.log" 2>&1 &
pid=$!
PORT=
for _ in $(seq 100); do PORT=$(grep -o 'OSC control on port [0-9]*' "$tmp/cap.log" | grep -o '[0-9]*$') && [ -n "$PORT" ] && break; sleep 0.1; done
[ -n "$PORT" ] || fail "no OSC port line"
cat >"$tmp/s.txt" <<'S'
udp /camsep/player/1/box 0.1f 0.2f 0.3f 0.5f
expect udp /camsep/player/1/box ffff 0.1 0.2 0.3 0.5
tcp /camsep/player/2/box 0.5f 0.1f 0.25f 0.5f
expect tcp /camsep/player/2/box ffff 0.5 0.1 0.25 0.5
udp /camsep/player/*/name s:Anna
expect tcp /camsep/player/2/name s Anna
udp /camsep/player/1/name s:Anna
expect tcp /camsep/player/1/name s Anna
tcp /camsep/camera_latency 0.1f
expect udp /camsep/camera_latency f 0.1
expect tcp /camsep/motion_knee f 0.5
udp /camsep/motion_knee 1.5f
expect tcp /camsep/motion_knee f 1.5
error udp /camsep/motion_knee 0i
expect udp /camsep/status/camera sf running *
expect tcp /camsep/status/camera_motion ff finite finite
error udp /camsep/player/1/trust
errtext "not available in camsep-capture"
error udp /camsep/player/1/gain -6f
errtext "not available in camsep-capture"
error tcp /camsep/player/1/mute T
errtext "not available in camsep-capture"
error udp /camsep/bypass
errtext "not available in camsep-capture"
error udp /camsep/preset/recall 1i
error udp /camsep/associate
errtext "not available in camsep-capture"
error tcp /camsep/associate/apply s:force
errtext "not available in camsep-capture"
error udp /camsep/status/xruns
error udp /camsep/player/3/box 0.1f 0.1f 0.1f 0.1f
error udp /camsep/player/1/box 0.9f 0.1f 0.2f 0.1f
expect udp /camsep/player/1/box ffff 0.1 0.2 0.3 0.5
meters 1
S
"$py" "$client" "$PORT" "$tmp/s.txt" >"$tmp/client.log" 2>&1 || fail "OSC script"
grep -c '^ok' "$tmp/client.log" | sed 's/^/test_capture_osc: steps ok: /'
grep meters "$tmp/client.log"
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM"
echo "test_capture_osc: ok"

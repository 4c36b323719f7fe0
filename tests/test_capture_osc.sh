#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-capture --osc-port: boxes (normalised), names, camera latency,
# status and the camera's own motion over UDP and TCP; the audio-only
# addresses (prior trust, rest gate and camera offset among them) are refused with
# "not available in camsep-capture"; --osc-doc is the library's. Then the
# players found in the picture of a stage by camsep-scene (/players/find,
# /players/found, /player/N/found, /players/found/apply, /players/find/cancel):
# each box found has its centre in its player's true box, applied it is the
# player's box; a wrong count is refused unless "force"; a cancel is "idle".
# Usage: test_capture_osc.sh CAMSEP_CAPTURE HELPER OSC_DOC SOURCE_DIR CAMSEP_SCENE
set -uo pipefail
cap=$1 helper=$2 oscdoc=$3 src=$4 scene=$5
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
until 10 tcp /camsep/status/camera_motion ff finite finite
error udp /camsep/player/1/trust
errtext "not available in camsep-capture"
error tcp /camsep/player/1/gate
errtext "not available in camsep-capture"
error udp /camsep/player/1/share
errtext "not available in camsep-capture"
error udp /camsep/player/1/hidden
errtext "not available in camsep-capture"
error udp /camsep/camera/offset
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

# 2. The players found in the picture: two who play throughout (3 s, looped),
# boxes drawn wrong at first (in the corners).
"$py" - "$tmp/act.csv" <<'PY' || fail "activity"
import math, sys
with open(sys.argv[1], "w") as f:
    f.write("time,p1,p2\n")
    for i in range(31):
        t = 0.1 * i
        f.write("%.1f,%.3f,%.3f\n" % (t, 0.6 + 0.4 * math.sin(2 * t), 0.6 + 0.4 * math.sin(3 * t + 1)))
PY
"$scene" -a "$tmp/act.csv" -p 2 -o "$tmp/stage.y4m" --size 320x240 --fps 30 --duration 3 >"$tmp/truth.txt" ||
  fail "camsep-scene"
printf 'p1 0 0 40 40\np2 280 200 40 40\n' >"$tmp/corners.txt"
"$cap" --source "$tmp/stage.y4m" --loop --boxes "$tmp/corners.txt" --no-shm --osc-port 0 --status-interval 0 \
  >"$tmp/find.log" 2>&1 &
pid=$!
PORT=
for _ in $(seq 100); do PORT=$(grep -o 'OSC control on port [0-9]*' "$tmp/find.log" | grep -o '[0-9]*$') && [ -n "$PORT" ] && break; sleep 0.1; done
[ -n "$PORT" ] || fail "no OSC port line (find)"
# a: the right count over 1.5 s, then applied
cat >"$tmp/a.txt" <<'S'
expect udp /camsep/players/found sfis idle 0 0 *
expect udp /camsep/player/1/found fffff 0 0 0 0 0
error udp /camsep/players/found/apply
errtext "nobody was looked for"
error udp /camsep/players/find 9i
errtext "out of range 1..8"
error tcp /camsep/players/find 2i 0.25f
errtext "out of range 0.5..120"
error udp /camsep/players/find 1.5f
errtext "whole number"
error udp /camsep/players/find s:two
error udp /camsep/players/find 3i 1.5f
errtext "looking for 3 players: there are 2"
udp /camsep/players/find 2i 1.5f
expect udp /camsep/players/found sfis looking 0..1 0 *
until 15 udp /camsep/players/found sfis ready 1 2 *
expect udp /camsep/player/1/found fffff 0..1 0..1 0..1 0..1 0..1
expect tcp /camsep/player/2/found fffff 0..1 0..1 0..1 0..1 0..1
expect udp /camsep/players/found sfis ready 1 2 *
tcp /camsep/players/found/apply
expect udp /camsep/player/1/box ffff
expect tcp /camsep/player/2/box ffff
S
"$py" "$client" "$PORT" "$tmp/a.txt" >"$tmp/client-a.log" 2>&1 || fail "OSC script (find a)"
# b: one asked for two players: refused unless "force" (player 1's box only);
# looking (the default count and 10 s), cancelled: idle; state feedback
cat >"$tmp/b.txt" <<'S'
udp /camsep/players/find 1i 1.5f
until 15 udp /camsep/players/found sfis ready 1 1 *
expect udp /camsep/player/2/found fffff 0 0 0 0 0
error udp /camsep/players/found/apply
errtext "1 boxes found for 2 players"
udp /camsep/players/found/apply s:force
expect udp /camsep/player/1/found fffff
expect udp /camsep/player/1/box ffff
expect udp /camsep/player/2/box ffff
udp /camsep/players/find
expect udp /camsep/players/found sfis looking 0..1 0 *
tcp /camsep/players/find/cancel
until 3 udp /camsep/players/found sfis idle 0 0 *
expect udp /camsep/player/1/found fffff 0 0 0 0 0
error udp /camsep/players/found/apply s:force
errtext "nobody was looked for"
udp /camsep/players/find 2i 1.5f
feedback 15 /camsep/players/found ready
S
"$py" "$client" "$PORT" "$tmp/b.txt" >"$tmp/client-b.log" 2>&1 || fail "OSC script (find b)"
# The boxes found against the truth (frame pixels / 320x240), and the boxes applied
"$py" - "$tmp" <<'PY' || fail "players found: see above"
import ast, re, sys
d = sys.argv[1]
truth = [[float(v) for v in l.split(",")] for l in open(d + "/truth.txt") if re.fullmatch(r"[0-9.]+(,[0-9.]+){3}\s*", l)]
assert len(truth) == 2, truth
truth = [(x / 320, y / 240, w / 320, h / 240) for x, y, w, h in truth]
def replies(log):
    out = {}
    for l in open(d + "/" + log):
        m = re.match(r"ok +line \d+: expect (?:udp|tcp) (\S+) .*-> (\[.*\])$", l)
        if m: out.setdefault(m[1], []).append(ast.literal_eval(m[2]))
    return out
a, b = replies("client-a.log"), replies("client-b.log")
found = [a["/camsep/player/%d/found" % n][-1] for n in (1, 2)]
boxes = [a["/camsep/player/%d/box" % n][0] for n in (1, 2)]
ready = a["/camsep/players/found"][-1]
assert ready[0] == "ready" and ready[2] == 2 and "2 players found" in ready[3], ready
for j in range(2):
    x, y, w, h, share = found[j]
    tx, ty, tw, th = truth[j]
    cx, cy = x + w / 2, y + h / 2
    assert tx <= cx <= tx + tw and ty <= cy <= ty + th, "player %d found at %s, truly %s" % (j + 1, found[j], truth[j])
    assert w > 0 and h > 0 and share > 0, found[j]
    assert all(abs(p - q) < 1e-5 for p, q in zip(boxes[j], found[j][:4])), "applied %s, found %s" % (boxes[j], found[j])
assert abs(found[0][4] + found[1][4] - 1) < 1e-3, "shares %s" % [f[4] for f in found]
print("test_capture_osc: found %s in %s; applied" % (["%.3f,%.3f,%.3f,%.3f (%.2f)" % tuple(f) for f in found],
                                                    ["%.3f,%.3f,%.3f,%.3f" % t for t in truth]))
one, b1, b2 = b["/camsep/player/1/found"][0], b["/camsep/player/1/box"][0], b["/camsep/player/2/box"][0]
assert any(tx <= one[0] + one[2] / 2 <= tx + tw and ty <= one[1] + one[3] / 2 <= ty + th for tx, ty, tw, th in truth), \
    "the one found (%s) is nobody's" % one
assert all(abs(p - q) < 1e-5 for p, q in zip(b1, one[:4])), "forced: box 1 %s, found %s" % (b1, one)
assert all(abs(p - q) < 1e-5 for p, q in zip(b2, boxes[1])), "forced: box 2 %s changed from %s" % (b2, boxes[1])
PY
cat "$tmp/client-a.log" "$tmp/client-b.log" | grep -c "^ok" | sed "s/^/test_capture_osc: players found, steps ok: /"
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || fail "exit $rc after SIGTERM (find)"
echo "test_capture_osc: ok"

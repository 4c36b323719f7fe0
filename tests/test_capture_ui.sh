#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-capture --ui on a private Xvfb, with a generated stage video (player
# 2's patch moves, player 1 stands still) and a private shared-memory ring:
#  - the window shows the picture and both boxes (its real pixels, read back);
#  - the priors in the ring: player 2 plays, player 1 does not;
#  - an XTest drag moves player 1's box onto player 2's moving patch: the
#    control path applies it ("ui: box 1" line), the priors published for
#    player 1 now follow that motion, and OSC (--osc-port 0) reports the new
#    box; a box set over OSC shows in the window, and a name set over OSC
#    relabels its box;
#  - Delete on a box is refused (every player keeps a box);
#  - key f looks for the players; with one found for two, b is refused and B
#    gives it to player 1 (its box is then the one /player/1/found reports);
#  - the window's close button ends camsep-capture with status 0, like SIGTERM;
#  - the display going away leaves it running (priors still published), and
#    SIGTERM still ends it with 0.
# Skips (77) without Xvfb.
# Usage: test_capture_ui.sh CAMSEP_CAPTURE TEST_X_DRIVER CAPTURE_TEST_HELPER SOURCE_DIR
set -uo pipefail
C=$1 X=$2 H=$3 src=$4
client="$src/tests/test_host_osc_client.py" py=/usr/bin/python3
command -v Xvfb >/dev/null || { echo "test_capture_ui: Xvfb not installed; skipped"; exit 77; }
[ -x "$py" ] || { echo "test_capture_ui: python3 not installed; skipped"; exit 77; }
. "$(dirname "$0")/stop_process.sh"
tmp=$(mktemp -d)
shm="/camsep-uitest-$$-$RANDOM"
xvfb_pid= cap_pid=
cleanup() {
  [ -n "$cap_pid" ] && kill -KILL "$cap_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && stop_process 10 "$xvfb_pid"
  rm -f "/dev/shm${shm}" "/dev/shm${shm}.preview" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_capture_ui: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }

Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || fail "Xvfb did not start"
export DISPLAY=":$(head -1 "$tmp/display")"

"$X" y4m "$tmp/stage.y4m" || fail "the video"
title="camsep-capture"
B1=20,70,100,100 B2=190,70,110,100
"$C" --source "$tmp/stage.y4m" --loop --ui --box violin=$B1 --box cello=$B2 --shm "$shm" --osc-port 0 \
  --status-interval 1 >"$tmp/cap.log" 2>&1 &
cap_pid=$!
PORT=
for _ in $(seq 100); do PORT=$(grep -o 'OSC control on port [0-9]*' "$tmp/cap.log" | grep -o '[0-9]*$') && [ -n "$PORT" ] && break; sleep 0.1; done
[ -n "$PORT" ] || fail "camsep-capture did not start (no OSC port line)"

"$X" picture "$title" 2 $B1 $B2 || fail "the window's picture or boxes"

# The largest activity of each player in the ring over S seconds: "P1 P2".
priors_max() {
  "$H" shm-read "$shm" --max-seconds "$1" --dump "$tmp/dump.txt" >"$tmp/shmread.log" 2>&1 || fail "shm-read"
  awk '{ if ($2 > a) a = $2; if ($3 > b) b = $3 } END { printf "%.3f %.3f\n", a, b }' "$tmp/dump.txt"
}
sleep 1
read -r p1 p2 < <(priors_max 3)
echo "test_capture_ui: before the drag: priors max player 1 $p1, player 2 $p2"
awk -v a="$p1" -v b="$p2" 'BEGIN { exit !(a < 0.1 && b > 0.5) }' || fail "priors before the drag: $p1 $p2"
m2=$("$X" motion "$title" 2 2) || fail "motion meter"
echo "test_capture_ui: player 2's motion meter: $m2"

# Drag player 1's box by +160 pixels: onto player 2's moving patch.
"$X" drag "$title" 2 70 120 230 120 || fail "drag"
for _ in $(seq 50); do grep -q "ui: box 1 (violin) = 180,70,100,100" "$tmp/cap.log" && break; sleep 0.1; done
grep "ui: box 1" "$tmp/cap.log" || fail "the control path did not apply the dragged box"
"$X" click-key "$title" 2 300 20 Escape >/dev/null || fail "Escape" # deselect: its edge in its own colour
"$X" picture "$title" 2 180,70,100,100 || fail "the window does not show the box where it was dragged"
sleep 0.5
read -r p1 p2 < <(priors_max 3)
echo "test_capture_ui: after the drag: priors max player 1 $p1, player 2 $p2"
awk -v a="$p1" 'BEGIN { exit !(a > 0.5) }' || fail "player 1's priors do not follow the motion under its new box ($p1)"

# OSC sees the window's box (normalised by 320x240; x is 180 +- the window's
# pixel, 0.563 is within the client's 1e-3 of both); a box from OSC reaches the window.
cat >"$tmp/s.txt" <<'S'
expect udp /camsep/player/1/box ffff 0.563 0.291667 0.3125 0.416667
udp /camsep/player/2/box 0.0625f 0.5f 0.25f 0.25f
expect tcp /camsep/player/2/box ffff 0.0625 0.5 0.25 0.25
S
"$py" "$client" "$PORT" "$tmp/s.txt" >"$tmp/client.log" 2>&1 || fail "OSC script"
cat "$tmp/client.log"
"$X" picture "$title" 2 180,70,100,100 20,120,80,60 || fail "the window does not show the box set over OSC"

# A name set over OSC relabels the box: a long one fills the label strip.
"$X" label "$title" 2 2 20,120,80,60 narrow || fail "player 2's label before the rename"
echo "udp /camsep/player/2/name s:mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm" >"$tmp/s.txt"
"$py" "$client" "$PORT" "$tmp/s.txt" >>"$tmp/client.log" 2>&1 || fail "OSC rename"
"$X" label "$title" 2 2 20,120,80,60 wide || fail "the window did not show player 2's new name"

# Delete: refused, the box stays.
"$X" click-key "$title" 2 270 100 Delete >/dev/null || fail "click-key Delete"
for _ in $(seq 30); do grep -q "keeps its box" "$tmp/cap.log" && break; sleep 0.1; done
grep "keeps its box" "$tmp/cap.log" || fail "removing a box was not refused"
"$X" click-key "$title" 2 300 20 Escape >/dev/null || fail "Escape"
"$X" picture "$title" 2 180,70,100,100 20,120,80,60 || fail "a box is gone after Delete"

# Players found in the picture: key f starts a look of 10 s; a short one
# asked over OSC replaces it; only player 2's patch moves, so one box is
# found for two players: b is refused, B gives it to player 1.
"$X" click-key "$title" 2 300 20 f >/dev/null || fail "key f"
for _ in $(seq 50); do grep -q "ui: players: looking for 2 over 10 s" "$tmp/cap.log" && break; sleep 0.1; done
grep -q "ui: players: looking for 2 over 10 s" "$tmp/cap.log" || fail "key f did not start looking"
cat >"$tmp/s.txt" <<'S'
udp /camsep/players/find 2i 1.5f
until 15 udp /camsep/players/found sfis ready 1 1 *
expect udp /camsep/player/1/found fffff 0..1 0..1 0..1 0..1 1
S
"$py" "$client" "$PORT" "$tmp/s.txt" >"$tmp/found.log" 2>&1 || fail "OSC find: $(cat "$tmp/found.log")"
found=$(grep "player/1/found" "$tmp/found.log" | grep -o '\[.*\]' | tr -d '[],') # x y w h share
read -r fx fy fw fh _ <<<"$found"
[ -n "$fh" ] || fail "no found box in: $(cat "$tmp/found.log")"
echo "test_capture_ui: found $fx $fy $fw $fh (normalised)"
"$X" click-key "$title" 2 300 20 b >/dev/null || fail "key b"
for _ in $(seq 50); do grep -q "ui: players: 1 boxes found for 2 players" "$tmp/cap.log" && break; sleep 0.1; done
grep -q "ui: players: 1 boxes found for 2 players" "$tmp/cap.log" || fail "key b was not refused"
"$X" click-key "$title" 2 300 20 B >/dev/null || fail "key B"
for _ in $(seq 50); do grep -q "ui: players: the boxes found are in use" "$tmp/cap.log" && break; sleep 0.1; done
grep -q "ui: players: the boxes found are in use" "$tmp/cap.log" || fail "key B did not apply the box found"
echo "expect udp /camsep/player/1/box ffff $fx $fy $fw $fh" >"$tmp/s.txt"
"$py" "$client" "$PORT" "$tmp/s.txt" >>"$tmp/found.log" 2>&1 || fail "player 1's box is not the one found: $(cat "$tmp/found.log")"
# the found box is on player 2's moving patch (190..300 x 70..170 of 320x240)
awk -v x="$fx" -v w="$fw" 'BEGIN { c = 320 * (x + w / 2); exit !(c > 190 && c < 300) }' || fail "found box centre off the patch"

# The close button ends it like SIGTERM: status 0 and the final status line.
"$X" close "$title" >/dev/null || fail "close"
for _ in $(seq 100); do kill -0 "$cap_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$cap_pid" 2>/dev/null && fail "camsep-capture still runs after the window was closed"
rc=0; wait "$cap_pid" || rc=$?; cap_pid=
[ "$rc" -eq 0 ] || fail "camsep-capture exited with $rc after the window was closed"
grep -q "the window was closed" "$tmp/cap.log" || fail "no 'window was closed' message"
grep -Eiq "sanitizer|runtime error" "$tmp/cap.log" && fail "sanitizer report"

# Display lost: camsep-capture runs on without the window (priors still
# published), and SIGTERM still ends it with 0.
"$C" --source "$tmp/stage.y4m" --loop --ui --box violin=$B1 --box cello=$B2 --shm "$shm" \
  --status-interval 0.5 >"$tmp/lost.log" 2>&1 &
cap_pid=$!
"$X" picture "$title" 2 >/dev/null || fail "second window"
kill -TERM "$xvfb_pid"; wait "$xvfb_pid" 2>/dev/null; xvfb_pid=
for _ in $(seq 50); do grep -q "the window is gone" "$tmp/lost.log" && break; sleep 0.1; done
grep "the window is gone" "$tmp/lost.log" || fail "no message when the display went away"
"$H" shm-read "$shm" --max-seconds 1.5 >"$tmp/lostread.log" 2>&1 || fail "shm-read after the display went away"
grep -q "ok=[1-9]" "$tmp/lostread.log" || fail "no priors after the display went away: $(cat "$tmp/lostread.log")"
kill -TERM "$cap_pid"; rc=0; wait "$cap_pid" || rc=$?; cap_pid=
[ "$rc" -eq 0 ] || fail "camsep-capture exited with $rc after SIGTERM (display lost)"
grep -Eiq "sanitizer|runtime error" "$tmp/lost.log" && fail "sanitizer report"
echo "test_capture_ui: ok"

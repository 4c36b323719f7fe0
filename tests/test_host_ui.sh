#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-jack --ui on a private Xvfb under a private dummy JACK server, with a
# generated stage video (player 2 moves, player 1 stands still):
#  - the window shows the picture and both boxes (its real pixels, read back);
#  - player 2's motion meter moves, player 1's does not;
#  - an XTest drag moves player 1's box onto player 2: the session applies it
#  - a box drawn on a still area and given to player 1 with key 1 is taken too
#    (the "ui: box 1" line) and the engine's priors for player 1 now follow
#    player 2's motion (player 1's motion meter, which shows the prior the
#    engine used, rises);
#  - Delete on a box is refused (every player keeps a box);
#  - a name set over OSC relabels the player's box;
#  - key s starts a sound check, key x cancels it; key a (accept the
#    players' proposal) is refused with its reason when there is none;
#  - key f looks for the players in the picture; b / B (use the boxes found)
#    are refused with the reason before a search and while it looks;
#  - the window's close button ends camsep-jack with status 0, like SIGTERM.
# Skips (77) without Xvfb or jackd.
# Usage: test_host_ui.sh CAMSEP_JACK TEST_HOST_UI_X
set -uo pipefail
J=$1 X=$2
command -v Xvfb >/dev/null || { echo "test_host_ui: Xvfb not installed; skipped"; exit 77; }
command -v jackd >/dev/null || { echo "test_host_ui: jackd not installed; skipped"; exit 77; }
command -v jack_lsp >/dev/null || { echo "test_host_ui: jack_lsp not installed; skipped"; exit 77; }
tmp=$(mktemp -d)
server="camsep-ui-test-$$-$RANDOM"
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
xvfb_pid= jackd_pid= camsep_pid=
cleanup() {
  [ -n "$camsep_pid" ] && kill -KILL "$camsep_pid" 2>/dev/null
  [ -n "$jackd_pid" ] && stop_process 10 "$jackd_pid"
  [ -n "$xvfb_pid" ] && stop_process 10 "$xvfb_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_host_ui: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }

# A private X server on a free display (-displayfd writes its number).
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || fail "Xvfb did not start"
export DISPLAY=":$(head -1 "$tmp/display")"

. "$(dirname "$0")/jackd_start.sh"
start_jackd "$tmp/jackd.log" || skip_no_jackd test_host_ui "$tmp/jackd.log"

"$X" y4m "$tmp/stage.y4m" || fail "the video"
title="camsep-jack: uitest"
B1=20,70,100,100 B2=190,70,110,100
"$J" --name uitest --ui --player violin --box $B1 --player cello --box $B2 --video "$tmp/stage.y4m" --loop \
  --status-interval 1 --osc-port 0 >"$tmp/jack.log" 2>&1 &
camsep_pid=$!
for _ in $(seq 100); do grep -q "running, 2 stems" "$tmp/jack.log" && break; sleep 0.1; done
grep -q "running, 2 stems" "$tmp/jack.log" || fail "camsep-jack did not start"
PORT=$(grep -o 'OSC control on port [0-9]*' "$tmp/jack.log" | grep -o '[0-9]*$')
[ -n "$PORT" ] || fail "no OSC port line"

"$X" picture "$title" 2 $B1 $B2 || fail "the window's picture or boxes"

# The largest filled share of player P's motion bar over about 3 s.
motion_max() {
  local best=0 v
  for _ in $(seq 15); do
    v=$("$X" motion "$title" 2 "$1") || fail "motion meter"
    best=$(awk -v a="$best" -v b="$v" 'BEGIN { print (b > a ? b : a) }')
    sleep 0.2
  done
  echo "$best"
}
sleep 1
m1=$(motion_max 1) m2=$(motion_max 2)
echo "test_host_ui: before the drag: motion meters player 1 $m1, player 2 $m2"
awk -v a="$m1" -v b="$m2" 'BEGIN { exit !(a < 0.1 && b > 0.5) }' || fail "motion meters before the drag: $m1 $m2"

# Drag player 1's box by +160 pixels: onto player 2's moving patch.
"$X" drag "$title" 2 70 120 230 120 || fail "drag"
for _ in $(seq 50); do grep -q "ui: box 1 (violin) = 180,70,100,100" "$tmp/jack.log" && break; sleep 0.1; done
grep "ui: box 1" "$tmp/jack.log" || fail "the session did not apply the dragged box"
"$X" click-key "$title" 2 300 20 Escape >/dev/null || fail "Escape" # deselect: its edge in its own colour
"$X" picture "$title" 2 180,70,100,100 || fail "the window does not show the box where it was dragged"
m1=$(motion_max 1)
echo "test_host_ui: after the drag: motion meter player 1 $m1"
awk -v a="$m1" 'BEGIN { exit !(a > 0.5) }' || fail "player 1's prior does not follow the motion under its new box ($m1)"

# Delete: refused, the box stays.
"$X" click-key "$title" 2 290 100 Delete >/dev/null || fail "click-key Delete"
for _ in $(seq 30); do grep -q "keeps its box" "$tmp/jack.log" && break; sleep 0.1; done
grep "keeps its box" "$tmp/jack.log" || fail "removing a box was not refused"
"$X" click-key "$title" 2 300 20 Escape >/dev/null || fail "Escape"
"$X" picture "$title" 2 180,70,100,100 $B2 || fail "a box is gone after Delete"
grep -q "ui: box 2" "$tmp/jack.log" && fail "Delete changed player 2's box"

# A name set over OSC relabels the box: a long one fills the label strip.
"$X" label "$title" 2 2 $B2 narrow || fail "player 2's label before the rename"
echo "udp /camsep/player/2/name s:mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm" >"$tmp/rename.txt"
/usr/bin/python3 "$(dirname "$0")/test_host_osc_client.py" "$PORT" "$tmp/rename.txt" >"$tmp/osc.log" 2>&1 ||
  fail "OSC rename: $(cat "$tmp/osc.log")"
"$X" label "$title" 2 2 $B2 wide || fail "the window did not show player 2's new name"

# Draw a new box on a still part of the stage and give it to player 1 (key 1):
# the session takes it, and player 1's prior follows the stillness there.
"$X" drag "$title" 2 20 180 120 230 || fail "drawing a new box"
"$X" click-key "$title" 2 70 205 1 >/dev/null || fail "assigning the new box with key 1"
for _ in $(seq 50); do [ "$(grep -c 'ui: box 1 (violin)' "$tmp/jack.log")" -ge 2 ] && break; sleep 0.1; done
[ "$(grep -c 'ui: box 1 (violin)' "$tmp/jack.log")" -ge 2 ] || fail "the drawn box was not given to player 1"
newbox=$(grep 'ui: box 1 (violin)' "$tmp/jack.log" | tail -1 | sed 's/.* = //')
echo "test_host_ui: drawn box for player 1: $newbox"
awk -v b="$newbox" 'BEGIN { split(b, v, ","); d = 0
  d += (v[1] - 20) ^ 2 + (v[2] - 180) ^ 2 + (v[3] - 100) ^ 2 + (v[4] - 50) ^ 2
  exit !(d < 4 * 3 * 3) }' || fail "the drawn box is $newbox, not about 20,180,100,50"
sleep 2 # the likelihood releases slowly (musicians' motion pauses at bow changes)
m1=$(motion_max 1)
echo "test_host_ui: motion meter player 1 on the still box: $m1"
awk -v a="$m1" 'BEGIN { exit !(a < 0.1) }' || fail "player 1's prior does not follow its drawn box ($m1)"

# The sound check's keys: s starts one (the camera says who plays), x cancels it.
"$X" click-key "$title" 2 300 20 s >/dev/null || fail "key s"
for _ in $(seq 50); do grep -q "sound check: recording, the camera says who plays" "$tmp/jack.log" && break; sleep 0.1; done
grep -q "sound check: recording, the camera says who plays" "$tmp/jack.log" || fail "key s did not start a sound check"
grep -q "ui: sound check: recording" "$tmp/jack.log" || fail "no window message for key s"
"$X" click-key "$title" 2 300 20 x >/dev/null || fail "key x"
for _ in $(seq 50); do grep -q "sound check: cancelled: " "$tmp/jack.log" && break; sleep 0.1; done
grep -q "sound check: cancelled: " "$tmp/jack.log" || fail "key x did not cancel the sound check"
# Key a accepts the players' proposal (which box is which player); without
# music there is none, and the window says so (nothing changes).
"$X" click-key "$title" 2 300 20 a >/dev/null || fail "key a"
for _ in $(seq 50); do grep -q "ui: players: " "$tmp/jack.log" && break; sleep 0.1; done
grep -Eq "ui: players: (nothing to apply|no proposal|refused)" "$tmp/jack.log" || fail "key a: no refusal in the window"

# Players found in the picture: b before any search is refused with its
# reason; f starts looking (over 10 s); B while it looks is refused.
"$X" click-key "$title" 2 300 20 b >/dev/null || fail "key b"
for _ in $(seq 50); do grep -q "ui: players: no players found to use" "$tmp/jack.log" && break; sleep 0.1; done
grep -q "ui: players: no players found to use: nobody was looked for" "$tmp/jack.log" || fail "key b: no refusal"
"$X" click-key "$title" 2 300 20 f >/dev/null || fail "key f"
for _ in $(seq 50); do grep -q "ui: players: looking for 2 over 10 s" "$tmp/jack.log" && break; sleep 0.1; done
grep -q "ui: players: looking for 2 over 10 s" "$tmp/jack.log" || fail "key f did not start looking"
"$X" click-key "$title" 2 300 20 B >/dev/null || fail "key B"
for _ in $(seq 50); do grep -q "ui: players: no players found to use: still looking" "$tmp/jack.log" && break; sleep 0.1; done
grep -q "ui: players: no players found to use: still looking" "$tmp/jack.log" || fail "key B while looking"

# The close button ends it like SIGTERM: status 0 and the final status line.
"$X" close "$title" >/dev/null || fail "close"
for _ in $(seq 100); do kill -0 "$camsep_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$camsep_pid" 2>/dev/null && fail "camsep-jack still runs after the window was closed"
rc=0; wait "$camsep_pid" || rc=$?; camsep_pid=
[ "$rc" -eq 0 ] || fail "camsep-jack exited with $rc after the window was closed"
grep -q "the window was closed" "$tmp/jack.log" || fail "no 'window was closed' message"
grep -Eq "^camsep-jack: stopped: " "$tmp/jack.log" || fail "no final status line"
grep -Eiq "sanitizer|runtime error" "$tmp/jack.log" && fail "sanitizer report"

# Display lost: camsep-jack runs on without the window, and SIGTERM still ends it with 0.
"$J" --name uitest2 --ui --player violin --box $B1 --player cello --box $B2 --video "$tmp/stage.y4m" --loop \
  --status-interval 0.5 >"$tmp/lost.log" 2>&1 &
camsep_pid=$!
for _ in $(seq 100); do grep -q "running, 2 stems" "$tmp/lost.log" && break; sleep 0.1; done
"$X" picture "camsep-jack: uitest2" 2 >/dev/null || fail "second window"
kill -TERM "$xvfb_pid"; wait "$xvfb_pid" 2>/dev/null; xvfb_pid=
for _ in $(seq 50); do grep -q "the window is gone" "$tmp/lost.log" && break; sleep 0.1; done
grep "the window is gone" "$tmp/lost.log" || fail "no message when the display went away"
n0=$(grep -c "t=" "$tmp/lost.log"); sleep 1.5; n1=$(grep -c "t=" "$tmp/lost.log")
[ "$n1" -gt "$n0" ] || fail "camsep-jack stopped working when the display went away"
kill -TERM "$camsep_pid"; rc=0; wait "$camsep_pid" || rc=$?; camsep_pid=
[ "$rc" -eq 0 ] || fail "camsep-jack exited with $rc after SIGTERM (display lost)"
echo "test_host_ui: ok"

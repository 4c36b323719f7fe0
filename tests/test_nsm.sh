#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-jack as an NSM client, against a small test NSM server (liblo) and
# its own dummy JACK server: announce -> open (a new session starts from the
# command line and is written at once; the JACK client takes NSM's client id)
# -> save writes the file -> SIGTERM ends it with status 0. Then the saved
# session opens again with settings from the file, and a broken file is
# refused with an NSM error. The optional GUI (:optional-gui:): without a
# display show_optional_gui answers gui_is_hidden; on a private Xvfb (when
# installed) the window opens (gui_is_shown, and xwininfo finds it when
# installed) and hide_optional_gui closes it (gui_is_hidden).
# Usage: test_nsm.sh CAMSEP_JACK_DIR NSM_TEST_SERVER_DIR
set -uo pipefail
jackdir=$1 srvdir=$2
command -v jackd >/dev/null || { echo "test_nsm: jackd not installed; skipped"; exit 77; }
command -v jack_lsp >/dev/null || { echo "test_nsm: jack_lsp not installed; skipped"; exit 77; }
tmp=$(mktemp -d)
server="camsep-nsm-$$-$RANDOM"
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
jackd_pid= xvfb_pid=
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
  [ -n "$jackd_pid" ] && stop_process 10 "$jackd_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_nsm: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }
. "$(dirname "$0")/jackd_start.sh"
start_jackd "$tmp/jackd.log" || skip_no_jackd test_nsm "$tmp/jackd.log"

S="$srvdir/nsm_test_server"
J="$jackdir/camsep-jack"
mkdir -p "$tmp/session"
# A new session: the command line is the template.
"$S" -x "jack_lsp -s $server | grep -qx camsep_nsm:cello" "$tmp/session/camsep" camsep_nsm -- \
  "$J" --player violin --player cello --status-interval 0 >"$tmp/nsm1.log" 2>&1 || fail "new session"
cat "$tmp/nsm1.log"
conf="$tmp/session/camsep.conf"
grep -q '^\[player violin\]' "$conf" && grep -q '^\[player cello\]' "$conf" || fail "the saved session lacks the players"

# The saved session opens again with its own settings (no players on the command line).
sed -i 's/^gain = 0$/gain = -3/' "$conf"
"$S" -x "jack_lsp -s $server | grep -qx camsep_nsm2:violin" "$tmp/session/camsep" camsep_nsm2 -- \
  "$J" --status-interval 0 >"$tmp/nsm2.log" 2>&1 || fail "reopening the session"
[ "$(grep -c '^gain = -3$' "$conf")" -eq 2 ] || fail "the file's settings did not survive open and save"

# A broken session file is refused with an NSM error, and SIGTERM still ends the client cleanly.
printf 'fft = 2048\nbogus = 1\n[player violin]\n' >"$conf"
"$S" --expect-open-error "$tmp/session/camsep" camsep_nsm3 -- "$J" --status-interval 0 >"$tmp/nsm3.log" 2>&1 ||
  fail "a broken session file was not refused"
grep -q "camsep.conf:2: unknown key 'bogus'" "$tmp/nsm3.log" || fail "the refusal does not name the line"
# The optional GUI. No display: the window cannot open, and the manager is told.
rm -f "$conf"
env -u DISPLAY "$S" --gui hidden "$tmp/session/camsep" camsep_nsm4 -- "$J" --player violin --status-interval 0 \
  >"$tmp/nsm4.log" 2>&1 || fail "optional GUI without a display"
grep -q "announce from camsep (capabilities ':dirty:optional-gui:'" "$tmp/nsm4.log" || fail "no :optional-gui: announced"
grep -q "show_optional_gui -> hidden" "$tmp/nsm4.log" || fail "show_optional_gui without a display"
if command -v Xvfb >/dev/null; then
  Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$tmp/display" 2>"$tmp/xvfb.log" &
  xvfb_pid=$!
  for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
  [ -s "$tmp/display" ] || fail "Xvfb did not start"
  check="true"
  command -v xwininfo >/dev/null && check="xwininfo -root -tree | grep -q 'camsep-jack: camsep_nsm5'"
  DISPLAY=":$(head -1 "$tmp/display")" "$S" --gui shown --gui-check "$check" "$tmp/session/camsep" camsep_nsm5 -- \
    "$J" --player violin --status-interval 0 >"$tmp/nsm5.log" 2>&1 || fail "optional GUI on Xvfb"
  grep -q "show_optional_gui -> shown (round 2)" "$tmp/nsm5.log" && grep -q "hide_optional_gui -> hidden (round 2)" "$tmp/nsm5.log" ||
    fail "optional GUI on Xvfb"
  grep "gui check" "$tmp/nsm5.log"
else
  echo "test_nsm: Xvfb not installed; the shown window is not checked"
fi
echo "test_nsm: ok"

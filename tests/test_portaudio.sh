#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-portaudio on ALSA's null device (declared in a private ~/.asoundrc):
# the device is listed, two seconds of real callbacks are processed (the
# status line counts frames), SIGTERM ends it with status 0, and a wrong
# device or channel fails with one clear line.
# Usage: test_portaudio.sh CAMSEP_PORTAUDIO_DIR
set -uo pipefail
P="$1/camsep-portaudio"
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "test_portaudio: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; grep -v '^ALSA lib\|^Jack\|^Cannot\|^jack' "$f" | tail -20 >&2; done; exit 1; }
cat >"$tmp/.asoundrc" <<'CONF'
pcm.camsepnull {
    type null
    hint { show on description "camsep test null device" }
}
ctl.camsepnull {
    type null
}
CONF
export HOME="$tmp" JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER="camsep-none-$$"
"$P" --list-devices >"$tmp/list.log" 2>&1 || fail "--list-devices"
grep -q "camsepnull" "$tmp/list.log" || { echo "test_portaudio: ALSA null device not available; skipped"; exit 77; }

"$P" --device camsepnull --player violin --player cello --other --status-interval 0.5 --period 256 >"$tmp/run.log" 2>&1 &
pid=$!
sleep 2
kill -0 "$pid" 2>/dev/null || fail "camsep-portaudio died"
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?; pid=
[ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM"
grep "^camsep-portaudio:" "$tmp/run.log" | tail -3
grep -q "camsepnull -> camsepnull (3 of 3 stems) at 48000 Hz, period 256" "$tmp/run.log" || fail "no device line"
frames=$(sed -n 's/^camsep-portaudio: stopped: .* frames=\([0-9]*\) .*/\1/p' "$tmp/run.log")
[ "${frames:-0}" -ge 48000 ] || fail "only ${frames:-0} frames processed in 2 s"

expect_error() { # PATTERN ARGS...
  local pattern=$1; shift
  if "$P" "$@" >"$tmp/err.out" 2>"$tmp/err.txt"; then fail "succeeded: $*"; fi
  grep -q -- "$pattern" "$tmp/err.txt" || fail "error for '$*' lacks '$pattern': $(grep camsep "$tmp/err.txt")"
}
expect_error "no output device 'nosuch'" --device nosuch --player violin
expect_error "input channel 200" --device camsepnull --input-channel 200 --player violin
expect_error "is an option of camsep-jack" --player violin --name x
echo "test_portaudio: ok ($frames frames)"

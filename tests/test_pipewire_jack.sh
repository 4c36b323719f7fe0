#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-jack on PipeWire's JACK (pw-jack), with a PipeWire the test starts
# itself and nothing of the machine's: a private XDG_RUNTIME_DIR (socket
# pipewire-0 in it), a private D-Bus session bus (WirePlumber needs one),
# PipeWire's dummy driver at 48 kHz with a 1024-frame quantum (test_jack.sh
# says why), a null source named like a webcam's microphone, and WirePlumber
# with its ALSA, V4L2, libcamera and Bluetooth monitors off (no real
# hardware). Then:
#   - with nothing named, camsep:in stays unconnected although a "webcam
#     microphone" source exists (PipeWire's session manager does not link it
#     either); with --input-match it connects to what is named;
#   - test_jack.sh's sample-exact comparisons (live vs camsep-process, bypass)
#     and the change of the graph's rate (pw-metadata clock.force-rate 44100:
#     the engine is rebuilt and the stems after it are camsep-process's at
#     44.1 kHz) run on this PipeWire.
# Skips (77) with the reason where PipeWire cannot start.
# Usage: test_pipewire_jack.sh CAMSEP_JACK_DIR TOOLS_DIR FEEDER_DIR BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jackdir=$1
skip() { echo "test_pipewire_jack: SKIP: $*" >&2; exit 77; }
for c in pipewire wireplumber pw-jack pw-metadata dbus-daemon jack_lsp; do
  command -v "$c" >/dev/null || skip "$c is not installed (Debian: pipewire pipewire-jack wireplumber dbus jackd2)"
done
pwlib=$(sed -n "s|^LD_LIBRARY_PATH='\(.*\)'.*|\1|p" "$(command -v pw-jack)" | sed "s|\${LIB}|lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)|")
[ -e "$pwlib/libjack.so.0" ] || skip "PipeWire's libjack not found (pw-jack's library path: '$pwlib')"

. "$here/stop_process.sh"
tmp=$(mktemp -d)
pw_pid= wp_pid= bus_pid= camsep_pid=
cleanup() {
  [ -n "$camsep_pid" ] && kill -KILL "$camsep_pid" 2>/dev/null
  [ -n "$wp_pid" ] && stop_process 10 "$wp_pid"
  [ -n "$pw_pid" ] && stop_process 10 "$pw_pid"
  [ -n "$bus_pid" ] && kill -TERM "$bus_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_pipewire_jack: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }

# Everything private: runtime dir, configuration, WirePlumber's state.
mkdir -m 700 "$tmp/run"
export XDG_RUNTIME_DIR="$tmp/run" PIPEWIRE_RUNTIME_DIR="$tmp/run" XDG_CONFIG_HOME="$tmp/config" \
  XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data"
unset PIPEWIRE_REMOTE PIPEWIRE_QUANTUM PIPEWIRE_LATENCY JACK_DEFAULT_SERVER DISPLAY WAYLAND_DISPLAY
mkdir -p "$XDG_CONFIG_HOME/pipewire/pipewire.conf.d" "$XDG_CONFIG_HOME/wireplumber/main.lua.d" \
  "$XDG_CONFIG_HOME/wireplumber/bluetooth.lua.d"
quantum=1024
cat >"$XDG_CONFIG_HOME/pipewire/pipewire.conf.d/camsep-test.conf" <<CONF
context.properties = {
    default.clock.rate = 48000
    default.clock.allowed-rates = [ 44100 48000 ]
    default.clock.quantum = $quantum
    default.clock.min-quantum = $quantum
    default.clock.max-quantum = $quantum
}
context.objects = [
    { factory = adapter
        args = { factory.name = support.null-audio-sink node.name = camsep-test-webcam-mic
                 node.description = "Webcam mic" media.class = Audio/Source
                 audio.channels = 2 audio.position = "FL,FR" } }
]
CONF
cat >"$XDG_CONFIG_HOME/wireplumber/main.lua.d/51-camsep-test.lua" <<'CONF'
alsa_monitor.enabled = false
v4l2_monitor.enabled = false
libcamera_monitor.enabled = false
CONF
echo 'bluez_monitor.enabled = false' >"$XDG_CONFIG_HOME/wireplumber/bluetooth.lua.d/51-camsep-test.lua"

dbus-daemon --session --fork --address="unix:path=$tmp/run/bus" --print-pid >"$tmp/bus.pid" 2>"$tmp/dbus.log" ||
  skip "a private D-Bus session bus does not start here: $(tail -1 "$tmp/dbus.log")"
bus_pid=$(cat "$tmp/bus.pid")
export DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/run/bus"
pipewire >"$tmp/pipewire.log" 2>&1 &
pw_pid=$!
for _ in $(seq 50); do [ -S "$tmp/run/pipewire-0" ] && break; sleep 0.1; done
[ -S "$tmp/run/pipewire-0" ] || skip "pipewire did not start: $(tail -3 "$tmp/pipewire.log")"
wireplumber >"$tmp/wireplumber.log" 2>&1 &
wp_pid=$!

export LD_LIBRARY_PATH="$pwlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# A sanitized build: PipeWire's libjack keeps what jack_port_register and its
# properties allocate past jack_client_close (0.3.65); not camsep's to report.
printf 'leak:libjack.so\nleak:libpipewire-0.3.so\n' >"$tmp/lsan.supp"
export LSAN_OPTIONS="suppressions=$tmp/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
server=pipewire-0
up=
for _ in $(seq 100); do
  kill -0 "$wp_pid" 2>/dev/null || skip "wireplumber ended: $(tail -3 "$tmp/wireplumber.log")"
  timeout 5 jack_lsp -s "$server" 2>/dev/null | grep -q '^Webcam mic:' && { up=1; break; }
  sleep 0.1
done
[ -n "$up" ] || skip "PipeWire's JACK does not show the test's source (PipeWire or WirePlumber not working here)"
echo "test_pipewire_jack: PipeWire $(pipewire --version | sed -n 's/.*libpipewire //p' | head -1) with WirePlumber, private runtime dir; JACK ports:"
jack_lsp -s "$server" | sed 's/^/  /'

# Named nothing: the webcam's microphone is not taken.
J="$jackdir/camsep-jack"
export JACK_NO_START_SERVER=1
wait_port() { for _ in $(seq 100); do jack_lsp -s "$server" | grep -qx "$1" && return 0; sleep 0.1; done; return 1; }
"$J" --server "$server" --player a=violin --status-interval 0 >"$tmp/unnamed.log" 2>&1 &
camsep_pid=$!
wait_port camsep:a || fail "camsep-jack did not start on PipeWire"
for _ in $(seq 50); do grep -q "input not connected" "$tmp/unnamed.log" && break; sleep 0.1; done
grep -q "input not connected: name its source" "$tmp/unnamed.log" || fail "no message on the unconnected input"
sleep 1 # time for a session manager that would link it
jack_lsp -s "$server" -c camsep:in | grep -q '^ ' && fail "camsep:in was connected though nothing was named: $(jack_lsp -s "$server" -c camsep:in)"
kill -TERM "$camsep_pid"; wait "$camsep_pid" || fail "camsep-jack did not end cleanly"; camsep_pid=
# Named: connected to it, and said so.
"$J" --server "$server" --player a=violin --input-match '^Webcam mic:.*FR$' --status-interval 0 >"$tmp/named.log" 2>&1 &
camsep_pid=$!
wait_port camsep:a || fail "camsep-jack did not start on PipeWire (named)"
for _ in $(seq 50); do grep -q "input from" "$tmp/named.log" && break; sleep 0.1; done
grep "input from" "$tmp/named.log" || fail "no connection printed"
jack_lsp -s "$server" -c camsep:in | grep -q "^ *Webcam mic:.*FR$" || fail "camsep:in is not connected to what --input-match names"
kill -TERM "$camsep_pid"; wait "$camsep_pid" || fail "camsep-jack did not end cleanly"; camsep_pid=

# test_jack.sh's sample-exact comparisons and the rate change, on this PipeWire.
CAMSEP_TEST_JACK_SERVER=$server CAMSEP_TEST_JACK_PERIOD=$quantum \
  CAMSEP_TEST_SET_RATE="pw-metadata -n settings 0 clock.force-rate" bash "$here/test_jack.sh" "$@"
rc=$?
[ "$rc" -eq 0 ] || { echo "test_pipewire_jack: test_jack.sh on PipeWire: status $rc" >&2; exit "$rc"; }
echo "test_pipewire_jack: ok"

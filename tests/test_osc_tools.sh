#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# plugin/osc with the real liblo tools: oscsend (UDP and TCP) drives a fake
# host (test_osc --serve), oscdump receives the state feedback.
# Usage: test_osc_tools.sh TEST_OSC CAMSEP_OSC_DOC   (exit 77: tools missing)
set -u
serve=$1
doc=$2
for t in oscsend oscdump; do
    command -v $t >/dev/null || { echo "skip: $t not installed (liblo-tools)"; exit 77; }
done
export LC_ALL=C
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- server"; cat "$dir/server.out"; echo "--- oscdump"; cat "$dir/dump.out"; exit 1; }

# oscdump on a free port (retry a few)
for try in 1 2 3 4 5; do
    dport=$((20000 + RANDOM % 20000))
    stdbuf -oL oscdump -L "$dport" >"$dir/dump.out" 2>&1 &
    dpid=$!
    sleep 0.3
    kill -0 $dpid 2>/dev/null && break
done
pids+=($dpid)
"$serve" --serve "$dir/port" --target "osc.udp://127.0.0.1:$dport/" --seconds 60 >"$dir/server.out" 2>&1 &
pids+=($!)
for i in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
port=$(cat "$dir/port") || fail "server did not start"

oscsend localhost "$port" /camsep/player/1/mute T || fail "oscsend"
oscsend localhost "$port" /camsep/player/2/gain f -6.5
oscsend localhost "$port" /camsep/player/2/gain/norm i 1
oscsend localhost "$port" /camsep/player/3/box ffff 0.1 0.2 0.3 0.4
oscsend localhost "$port" /camsep/player/1/instrument s cello
oscsend localhost "$port" /camsep/player/4/name s "Anna"
oscsend localhost "$port" /camsep/preset/recall i 3
oscsend localhost "$port" /camsep/mask_power d 1.5
oscsend osc.tcp://localhost:"$port" /camsep/bypass T || fail "oscsend over TCP"
oscsend osc.tcp://localhost:"$port" /camsep/player/2/solo i 1
oscsend localhost "$port" /camsep/players/find if 3 5     # as plugin/osc/README.md shows it
oscsend localhost "$port" /camsep/players/find if 3 0.2   # rejected: under 0.5 s
oscsend localhost "$port" /camsep/player/2/gain f 99     # rejected: out of range
oscsend localhost "$port" /camsep/nothing/here i 1        # rejected: unknown
sleep 0.5

s=$dir/server.out
grep -q "^cmd 2 player 0 .* flag 1 " "$s" || fail "mute"
grep -q "^cmd 1 player 1 value -6.5000 " "$s" || fail "gain"
grep -q "^cmd 1 player 1 value 12.0000 " "$s" || fail "gain/norm"
grep -q "^cmd 4 player 2 .* box 0.100 0.200 0.300 0.400 " "$s" || fail "box"
grep -q "^cmd 5 player 0 .* text 'cello'" "$s" || fail "instrument"
grep -q "^cmd 7 player 3 .* text 'Anna'" "$s" || fail "name"
grep -q "^cmd 12 player -1 .* index 3 " "$s" || fail "preset"
grep -q "^cmd 10 player -1 value 1.5000 " "$s" || fail "mask_power"
grep -q "^cmd 8 player -1 .* flag 1 " "$s" || fail "bypass over TCP"
grep -q "^cmd 3 player 1 .* flag 1 " "$s" || fail "solo over TCP"
grep -q "^cmd 19 player -1 value 5.0000 .* index 3 " "$s" || fail "players/find"
[ "$(grep -c '^cmd ' "$s")" = 11 ] || fail "expected 11 commands"

d=$dir/dump.out
grep -q '/camsep/player/1/mute i 1' "$d" || fail "feedback mute"
grep -q '/camsep/player/2/gain f 12' "$d" || fail "feedback gain"
grep -q '/camsep/player/3/box ffff 0.1' "$d" || fail "feedback box"
grep -q '/camsep/player/1/instrument s "cello"' "$d" || fail "feedback instrument"
grep -q '/camsep/bypass i 1' "$d" || fail "feedback bypass"
grep -q '/camsep/status/camera sf "running"' "$d" || fail "feedback dump"

# the doc tool
"$doc" | grep -q '^/camsep/player/N/gain ' || fail "camsep-osc-doc"
"$doc" --markdown --prefix /stage | grep -q '^| `/stage/player/N/mute` |' || fail "camsep-osc-doc --markdown --prefix"
echo "osc tools: oscsend (UDP, TCP) -> 11 commands, 3 rejected; oscdump got the feedback"
exit 0

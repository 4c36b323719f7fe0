#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-capture --relay: OSC priors (as camsep-capture --osc sends them, here
# through a relay that loses 5 %, delays 0..20 ms and duplicates 3 %) into the
# shared-memory ring an LV2 plugin reads. Checks: the ring carries the sent
# values, held mask and motion in time order; the sender gone -> a "camera lost"
# record (neutral priors) while the relay stays alive; a sender with 3 players
# gets an error reply and nothing goes into the ring; /players/found says
# there is no camera to look in; SIGTERM closes the ring.
# Usage: test_capture_relay.sh CAMSEP_CAPTURE CAPTURE_TEST_HELPER
set -uo pipefail
C="$1" H="$2"
T="$(cd "$(dirname "$0")" && pwd)/remote_priors.py"
tmp=$(mktemp -d)
name="/camsep-relay-test-$$"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; wait 2>/dev/null; rm -f "/dev/shm$name" "/dev/shm$name-preview" "/dev/shm$name-3"; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "test_capture_relay: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -6 "$f" >&2; done; exit 1; }
port=$(( 30000 + ($$ % 20000) ))

"$C" --relay "$port" --players 2 --shm "$name" --status-interval 0.5 >"$tmp/relay.log" 2>&1 &
relay=$!; pids+=($relay)
for _ in $(seq 100); do grep -q "relay: OSC priors on port" "$tmp/relay.log" && break; sleep 0.1; done
grep -q "relay: OSC priors on port $port (UDP and TCP), prefix /camsep, 2 players -> shm $name" "$tmp/relay.log" ||
  fail "no start line"
"$H" shm-read "$name" --timeout 1 --max-seconds 30 --dump "$tmp/ring.txt" >"$tmp/read.log" 2>&1 &
reader=$!; pids+=($reader)
python3 "$T" relay "127.0.0.1:$((port + 1))" "127.0.0.1:$port" --loss 0.05 --jitter 0.02 --dup 0.03 --seed 5 \
  >"$tmp/lossy.log" 2>&1 &
lossy=$!; pids+=($lossy)
sleep 0.3
python3 "$T" send "127.0.0.1:$((port + 1))" --players 2 --values 0.1,0.9 --held 2 --motion 0.25,1.5 --seconds 2 \
  >"$tmp/send.log" 2>&1 ||
  fail "sender"
sleep 0.6
# another player count: refused with a reason, nothing published
python3 "$T" send "127.0.0.1:$port" --players 3 --seconds 0.3 >"$tmp/send3.log" 2>&1
grep -q "reply /camsep/error /camsep/priors priors for 3 players, this host separates 2" "$tmp/send3.log" ||
  fail "no error reply for 3 players"
# no camera here: nobody to look for in a picture
printf '%s\n' 'expect udp /camsep/players/found sfis idle 0 0 "camsep-capture --relay has no camera"' \
  'error tcp /camsep/players/find 2i 1.5f' 'errtext "--relay has no camera"' >"$tmp/found.txt"
python3 "$(dirname "$T")/test_host_osc_client.py" "$port" "$tmp/found.txt" >"$tmp/found.log" 2>&1 ||
  fail "/players/found in the relay: $(cat "$tmp/found.log")"
kill -TERM "$lossy"; wait "$lossy"
kill -TERM "$relay"; rc=0; wait "$relay" || rc=$?
[ "$rc" -eq 0 ] || fail "exit status $rc"
wait "$reader" || fail "the ring reader found bad records: $(cat "$tmp/read.log")"
cat "$tmp/read.log" "$tmp/lossy.log"
tail -1 "$tmp/relay.log"
kv() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$tmp/read.log"; }
[ "$(kv ok)" -ge 40 ] || fail "only $(kv ok) records with priors"
[ "$(kv lost)" -ge 1 ] || fail "no camera-lost record after the sender stopped"
[ "$(kv players)" -eq 2 ] || fail "players=$(kv players)"
[ "$(kv stale)" -eq 1 ] || fail "the ring did not go stale at SIGTERM"
awk '$2 != "0.100000001" || $3 != "0.899999976" || $4 != "held=2" || $5 != "motion0=0.25,1.5" { bad++ }
     END { exit bad ? 1 : 0 }' "$tmp/ring.txt" ||
  fail "the ring's values are not the sent ones: $(head -3 "$tmp/ring.txt")"
grep -q "relay: senders 0 received [0-9]* gaps [1-9][0-9]* late [0-9]* dups [1-9][0-9]* refused [1-9][0-9]* published" \
  "$tmp/relay.log" || fail "the relay's counters: $(tail -1 "$tmp/relay.log")"

# The real sender: camsep-capture --osc with a 2-player stage video into the
# relay (its priors reach the ring), and into a 3-player relay (refused; the
# sender shows the receiver's reason).
"$H" render "$tmp/duo.y4m" 160 120 60 30 >"$tmp/boxes.txt" || fail "render"
name3="$name-3"
"$C" --relay "$((port + 2))" --players 2 --shm "$name3" >"$tmp/relay2.log" 2>&1 &
relay=$!; pids+=($relay)
for _ in $(seq 100); do grep -q "relay: OSC priors on port" "$tmp/relay2.log" && break; sleep 0.1; done
"$H" shm-read "$name3" --timeout 1 --max-seconds 30 --dump "$tmp/ring2.txt" >"$tmp/read2.log" 2>&1 &
reader=$!; pids+=($reader)
"$C" --source "$tmp/duo.y4m" --boxes "$tmp/boxes.txt" --no-shm --osc "127.0.0.1:$((port + 2))" \
  >"$tmp/capture.log" 2>&1 || fail "camsep-capture --osc"
sleep 0.5
kill -TERM "$relay"; wait "$relay"
wait "$reader" || fail "ring reader (real sender): $(cat "$tmp/read2.log")"
[ "$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' "$tmp/read2.log")" -ge 40 ] || fail "real sender: $(cat "$tmp/read2.log")"
# its motion reaches the ring too (the players move in the scene)
awk '{ sub("motion0=", "", $NF); n = split($NF, m, ","); for (i = 1; i <= n; i++) if (m[i] > 0) { moving++; break } }
     END { exit moving >= 10 ? 0 : 1 }' "$tmp/ring2.txt" ||
  fail "no motion from the real sender in the ring: $(sed -n '20,22p' "$tmp/ring2.txt")"
"$C" --relay "$((port + 3))" --players 3 --shm "$name3" >"$tmp/relay3.log" 2>&1 &
relay=$!; pids+=($relay)
for _ in $(seq 100); do grep -q "relay: OSC priors on port" "$tmp/relay3.log" && break; sleep 0.1; done
"$C" --source "$tmp/duo.y4m" --boxes "$tmp/boxes.txt" --no-shm --osc "127.0.0.1:$((port + 3))" \
  --status-interval 0.5 >"$tmp/capture3.log" 2>&1 || fail "camsep-capture --osc (3 players)"
kill -TERM "$relay"; wait "$relay"
grep -q "the receiver refused /camsep/p[a-z]*: .*2 players, this host separates 3" "$tmp/capture3.log" ||
  fail "the sender did not show the refusal"
grep -q "refused [1-9]" "$tmp/relay3.log" || fail "the 3-player relay did not count the refusals"
grep -q "published 0" "$tmp/relay3.log" || fail "the 3-player relay published something"
! grep -q "runtime error\|Sanitizer" "$tmp"/relay*.log "$tmp"/capture*.log || fail "a sanitizer report"
echo "test_capture_relay: ok"

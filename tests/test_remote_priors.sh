#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Priors over the network into camsep-jack (docs/capture-osc.md): a sender in
# one network namespace, camsep-jack in another (a veth pair between them, the
# only traffic on it ours), and a relay beside the sender that loses 5 %,
# delays 0..20 ms, duplicates 3 % and holds 5 % back so that later packets
# overtake them (tests/remote_priors.py). Where namespaces cannot be made
# (no root, no CAP_NET_ADMIN) everything runs on loopback instead.
# Checks: the priors arrive and the engine uses them (its meters show the sent
# values); gaps, late and duplicated packets are counted in the status line;
# the sender killed -> neutral priors within 0.5 s while the audio goes on; a
# sender with 3 players gets an error reply and changes nothing.
# Usage: test_remote_priors.sh CAMSEP_JACK_DIR
set -uo pipefail
J="$1/camsep-jack"
T="$(cd "$(dirname "$0")" && pwd)/remote_priors.py"
command -v jackd >/dev/null || { echo "test_remote_priors: SKIP: no jackd"; exit 77; }
tmp=$(mktemp -d)
server="camsep-remote-$$-$RANDOM"
export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
snd="camsep-snd-$$" rcv="camsep-rcv-$$" vs="csnd$$" vr="crcv$$"
netns=0 pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait "${pids[@]}" 2>/dev/null
  [ -n "${jackd_pid:-}" ] && stop_process 10 "$jackd_pid"
  if [ "$netns" = 1 ]; then ip netns del "$snd" 2>/dev/null; ip netns del "$rcv" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_remote_priors: FAILED: $*" >&2; [ -n "${KEEP_LOGS:-}" ] && cp -r "$tmp" "$KEEP_LOGS"; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -8 "$f" >&2; done; exit 1; }
now() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }

# Two namespaces and a veth pair, or loopback.
o=$(( ($$ % 200) + 20 ))
if ip netns add "$snd" 2>/dev/null; then
  netns=1
  if ip netns add "$rcv" && ip link add "$vs" type veth peer name "$vr" &&
     ip link set "$vs" netns "$snd" && ip link set "$vr" netns "$rcv" &&
     ip -n "$snd" addr add "10.77.$o.1/24" dev "$vs" && ip -n "$rcv" addr add "10.77.$o.2/24" dev "$vr" &&
     ip -n "$snd" link set "$vs" up && ip -n "$rcv" link set "$vr" up &&
     ip -n "$snd" link set lo up && ip -n "$rcv" link set lo up; then
    TX=(ip netns exec "$snd") RX=(ip netns exec "$rcv") RXIP="10.77.$o.2"
    echo "test_remote_priors: sender in $snd, camsep-jack in $rcv (veth $RXIP)"
  else
    fail "could make a namespace but not the veth pair between two"
  fi
else
  TX=() RX=() RXIP=127.0.0.1
  echo "test_remote_priors: network namespaces not allowed here: loopback"
fi

. "$(dirname "$0")/jackd_start.sh"
start_jackd "$tmp/jackd.log" || skip_no_jackd test_remote_priors "$tmp/jackd.log"
port=$(( 20000 + ($$ % 20000) ))
"${RX[@]}" "$J" --name "cremote$$" --player violin --player cello --no-connect --osc-port "$port" \
  --status-interval 0.25 >"$tmp/jack.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do grep -q "running," "$tmp/jack.log" && break; sleep 0.1; done
grep -q "running," "$tmp/jack.log" || fail "camsep-jack did not start"

"${TX[@]}" python3 "$T" relay 127.0.0.1:$((port + 1)) "$RXIP:$port" --loss 0.05 --jitter 0.02 --dup 0.03 \
  --reorder 0.05 --seed 11 >"$tmp/relay.log" 2>&1 &
relay=$!; pids+=($relay)
"${RX[@]}" python3 "$T" watch "127.0.0.1:$port" --seconds 120 >"$tmp/watch.log" 2>&1 &
watch=$!; pids+=($watch)
sleep 0.5
"${TX[@]}" python3 "$T" send "127.0.0.1:$((port + 1))" --players 2 --values 0.1,0.9 >"$tmp/send.log" 2>&1 &
sender=$!; pids+=($sender)
sleep 1
t_from=$(now)
sleep 4
t_kill=$(now) # before the kill: the check's 0.5 s then include the time python takes to start
kill -KILL "$sender"
frames_at_kill=$(sed -n 's/.* frames=\([0-9]*\) .*/\1/p' "$tmp/jack.log" | tail -1)
sleep 3
kill -TERM "$watch"; wait "$watch" 2>/dev/null
kill -TERM "$relay"; wait "$relay" 2>/dev/null
cat "$tmp/relay.log"
python3 "$T" check "$tmp/watch.log" --expect 0.1,0.9 --from "$t_from" --kill "$t_kill" --within 0.5 ||
  fail "the engine's priors did not follow the sender"
line=$(grep "remote_priors=" "$tmp/jack.log" | tail -1)
echo "$line"
val() { echo "$line" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
[ "$(val remote_priors)" -ge 100 ] || fail "only $(val remote_priors) remote priors used"
[ "$(val remote_gaps)" -ge 1 ] || fail "no sequence gap counted"
[ "$(val remote_late)" -ge 1 ] || fail "no late prior counted"
[ "$(val remote_dups)" -ge 1 ] || fail "no duplicate counted"
[ "$(val remote_senders)" -eq 0 ] || fail "the killed sender is still live"
[ "$(val priors_used)" -ge 100 ] || fail "the engine used only $(val priors_used) priors"
[ "$(val frames)" -ge $(( ${frames_at_kill:-0} + 96000 )) ] || fail "the audio did not go on after the kill"
grep -q "remote priors: 1 sender" "$tmp/jack.log" || fail "no line for the sender"
grep -q "remote priors: 0 senders (neutral priors)" "$tmp/jack.log" || fail "no line for the silence"

# A sender with another player count: an error reply, nothing changes.
refused=$(val remote_refused)
"${RX[@]}" python3 "$T" watch "127.0.0.1:$port" --seconds 120 >"$tmp/watch3.log" 2>&1 &
watch=$!; pids+=($watch)
"${TX[@]}" python3 "$T" send "$RXIP:$port" --players 3 --values 0.2,0.2,0.2 --seconds 1 >"$tmp/send3.log" 2>&1
sleep 0.5
kill -TERM "$watch"; wait "$watch" 2>/dev/null
grep -q "reply /camsep/error /camsep/priors priors for 3 players, this host separates 2" "$tmp/send3.log" ||
  fail "no error reply for 3 players"
grep -q "reply /camsep/error /camsep/players players: the sender has 3 players" "$tmp/send3.log" ||
  fail "no error reply for /players"
[ "$(wc -l <"$tmp/watch3.log")" -ge 5 ] || fail "no meters while the wrong sender sent"
awk '{ for (i = 2; i <= NF; i++) if ($i != "1.000") bad++ } END { exit bad ? 1 : 0 }' "$tmp/watch3.log" ||
  fail "a refused sender changed the priors"
sleep 0.6
line=$(grep "remote_priors=" "$tmp/jack.log" | tail -1)
[ "$(val remote_refused)" -ge $(( refused + 20 )) ] || fail "refusals not counted ($(val remote_refused))"
state=$("${RX[@]}" python3 "$T" query "127.0.0.1:$port" /camsep/status/remote_priors) || fail "no /status/remote_priors"
echo "/status/remote_priors: $state"
case "$state" in "waiting 0 "*) ;; *) fail "/status/remote_priors: $state" ;; esac
! grep -q "runtime error\|Sanitizer" "$tmp/jack.log" || fail "a sanitizer report"
echo "test_remote_priors: ok"

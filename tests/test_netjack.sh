#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The audio over netjack2 between two machines, made of two network
# namespaces joined by a veth pair (docs/rig.md):
#   rack  (namespace 1): jackd -d dummy + jack_load netmanager, the feeder
#   stage (namespace 2): jackd -d net (the slave), camsep-jack on it
# The feeder plays a mix into the slave's input over the network and records
# the stems that come back. They must be the stems of camsep-jack run locally
# on the rack's server, sample for sample, only later; the test prints the
# end-to-end latency it measured beside the latencies JACK and camsep report.
# Skips (77) where namespaces, veth or netjack2 cannot run.
# Usage: test_netjack.sh CAMSEP_JACK_DIR TOOLS_DIR FEEDER_DIR
set -uo pipefail
jackdir=$1 tools=$2 feederdir=$3
name=test_netjack
skip() { echo "$name: SKIP: $*"; exit 77; }
for c in jackd jack_load jack_lsp jack_connect ip; do command -v $c >/dev/null || skip "$c is not installed"; done
py=/usr/bin/python3
"$py" -c 'import numpy' 2>/dev/null || skip "numpy missing"

tmp=$(mktemp -d)
id="$$-$RANDOM"
rack=camsep-rack-$id stage=camsep-stage-$id
veth_r=cnjr$$ veth_s=cnjs$$ # interface names: at most 15 characters
rack_ip=10.213.0.1 stage_ip=10.213.0.2
# Short server names: libjack's clients abort (malloc assertion) on a net
# slave server named with 24 characters; 18 work.
srv_r=cnjrack$$ srv_s=cnjstage$$
export JACK_NO_AUDIO_RESERVATION=1 JACK_NO_START_SERVER=1
. "$(dirname "$0")/stop_process.sh"
pids=()
cleanup() {
  local i # newest first: camsep, then the stage's server, then the rack's
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_process 10 "${pids[i]}"; done
  ip netns del "$stage" 2>/dev/null
  ip netns del "$rack" 2>/dev/null # the veth pair goes with it
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "$name: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -15 "$f" >&2; done; exit 1; }

# The two machines. Namespaces isolate the network only: both JACK servers
# stay reachable by name on the file system, the audio between them goes over
# the veth pair.
ip netns add "$rack" 2>"$tmp/netns.err" || skip "cannot create a network namespace: $(cat "$tmp/netns.err")"
ip netns add "$stage" 2>"$tmp/netns.err" || skip "cannot create a network namespace: $(cat "$tmp/netns.err")"
ip link add "$veth_r" type veth peer name "$veth_s" 2>"$tmp/netns.err" || skip "no veth pair: $(cat "$tmp/netns.err")"
ip link set "$veth_r" netns "$rack" && ip link set "$veth_s" netns "$stage" &&
  ip -n "$rack" addr add "$rack_ip/24" dev "$veth_r" && ip -n "$stage" addr add "$stage_ip/24" dev "$veth_s" &&
  ip -n "$rack" link set lo up && ip -n "$stage" link set lo up &&
  ip -n "$rack" link set "$veth_r" up && ip -n "$stage" link set "$veth_s" up || fail "setting up the veth pair"
in_rack() { ip netns exec "$rack" "$@"; }
in_stage() { ip netns exec "$stage" "$@"; }
in_stage true 2>"$tmp/netns.err" || skip "cannot run a process in a network namespace: $(cat "$tmp/netns.err")"

# Material: two synthetic voices at 48 kHz and their mix (as in test_jack.sh).
"$py" "$(dirname "$0")/two_voices.py" "$tmp" 2.0 || fail "material"
"$tools/camsep-train" --quiet -o "$tmp/a.dict" --atoms 8 --iterations 40 "$tmp/a.wav" || fail "train a"
"$tools/camsep-train" --quiet -o "$tmp/b.dict" --atoms 8 --iterations 40 "$tmp/b.wav" || fail "train b"

# The rack: dummy master at 1024-frame periods (test_jack.sh says why not
# 256) with the net manager listening on its veth address. The hop divides
# the period, so a feed that starts on any period boundary lands on camsep's
# frame grid (test_jack.sh).
period=1024
ip netns exec "$rack" jackd -n "$srv_r" -d dummy -r 48000 -p "$period" >"$tmp/rack-jackd.log" 2>&1 &
pids+=($!)
sleep 0.3
up=
for _ in $(seq 100); do jack_lsp -s "$srv_r" 2>/dev/null | grep -q system:capture_1 && { up=1; break; }; sleep 0.1; done
[ -n "$up" ] || skip "the JACK server (jackd -d dummy) did not start here: $(tail -2 "$tmp/rack-jackd.log")"
in_rack jack_load -s "$srv_r" netmanager -i "-a $rack_ip" >"$tmp/netmanager.log" 2>&1 ||
  skip "jack_load netmanager failed: $(tail -2 "$tmp/netmanager.log")"

# The stage: the net slave, one channel from the rack (the mix), two back (the stems).
ip netns exec "$stage" jackd -n "$srv_s" -d net -a "$rack_ip" -n stage -C 1 -P 2 >"$tmp/stage-jackd.log" 2>&1 &
pids+=($!)
up=
for _ in $(seq 150); do jack_lsp -s "$srv_r" 2>/dev/null | grep -qx stage:from_slave_2 && { up=1; break; }; sleep 0.1; done
[ -n "$up" ] || skip "the netjack2 slave did not reach the master here: $(tail -2 "$tmp/stage-jackd.log")"
for _ in $(seq 100); do jack_lsp -s "$srv_s" 2>/dev/null | grep -qx system:playback_2 && break; sleep 0.1; done

J="$jackdir/camsep-jack"
F="$feederdir/jack_feeder"
ARGS=(--hop 256 --no-connect --player a="$tmp/a.dict" --player b="$tmp/b.dict" --status-interval 0)
wait_port() { for _ in $(seq 100); do jack_lsp -s "$1" | grep -qx "$2" && return 0; sleep 0.1; done; return 1; }
camsep_pid=
stop_camsep() {
  kill -TERM "$camsep_pid"; local rc=0; wait "$camsep_pid" || rc=$?; camsep_pid=
  [ "$rc" -eq 0 ] || fail "camsep-jack exited with $rc after SIGTERM"
}

# run_net N: camsep-jack on the stage between the slave's ports, fed and
# recorded on the rack through the net manager's ports.
run_net() {
  "$J" --server "$srv_s" "${ARGS[@]}" >"$tmp/camsep-net.log" 2>&1 &
  camsep_pid=$!; pids+=($camsep_pid)
  wait_port "$srv_s" camsep:b || fail "no port camsep:b on the stage"
  jack_connect -s "$srv_s" system:capture_1 camsep:in && jack_connect -s "$srv_s" camsep:a system:playback_1 &&
    jack_connect -s "$srv_s" camsep:b system:playback_2 || fail "connecting camsep on the stage"
  "$F" -s "$srv_r" --latency stage:to_slave_1 --latency stage:from_slave_1 >"$tmp/net-latency.txt" &&
    "$F" -s "$srv_s" --latency system:capture_1 --latency camsep:a >>"$tmp/net-latency.txt" &&
    "$F" -s "$srv_r" -i "$tmp/mix.wav" -t stage:to_slave_1 -r stage:from_slave_1 -r stage:from_slave_2 \
      --extra 1.0 -o "$tmp/net$1_" || fail "feeder over the network"
  stop_camsep
}
# run_local N: the same camsep-jack on the rack's own server.
run_local() {
  "$J" --server "$srv_r" "${ARGS[@]}" >"$tmp/camsep-local.log" 2>&1 &
  camsep_pid=$!; pids+=($camsep_pid)
  wait_port "$srv_r" camsep:b || fail "no port camsep:b on the rack"
  "$F" -s "$srv_r" -i "$tmp/mix.wav" -t camsep:in -r camsep:a -r camsep:b --extra 1.0 -o "$tmp/local$1_" ||
    fail "feeder, local"
  stop_camsep
}
# compare N: aligns each run on the played mix (the stems sum to it) and
# compares the stems sample for sample.
compare() {
"$py" - "$tmp" "$1" <<'PY'
import sys, wave, numpy as np
d, k = sys.argv[1], sys.argv[2]
def read(path):  # the feeder writes float WAVs, the material is 16-bit
    import struct
    data = open(path, "rb").read(); pos = 12; fmt = None
    while pos + 8 <= len(data):
        cid = data[pos:pos+4]; size = struct.unpack("<I", data[pos+4:pos+8])[0]; body = data[pos+8:pos+8+size]
        if cid == b"fmt ": fmt = struct.unpack("<H", body[:2])[0]
        if cid == b"data":
            x = np.frombuffer(body, "<f4" if fmt in (3, 0xFFFE) else "<i2").astype(np.float64)
            return x / 32768 if fmt == 1 else x
        pos += 8 + size + (size & 1)
mix = read(f"{d}/mix.wav"); n = len(mix)
def lag_of(stems):  # the peak of the cross-correlation, then the error there
    total = stems[0] + stems[1]
    m = 1 << int(np.ceil(np.log2(len(total) + n)))
    xc = np.fft.irfft(np.fft.rfft(total, m) * np.conj(np.fft.rfft(mix, m)), m)[:len(total) - n + 1]
    l = int(np.argmax(xc)); return l, float(np.max(np.abs(total[l:l + n] - mix)))
net = [read(f"{d}/net{k}_{i}.wav") for i in (1, 2)]
loc = [read(f"{d}/local{k}_{i}.wav") for i in (1, 2)]
ln, en = lag_of(net); ll, el = lag_of(loc)
print(f"test_netjack: lag behind the played mix: local {ll} samples ({ll / 48:.1f} ms, stems sum to the mix within {el:.1e}), "
      f"over netjack2 {ln} samples ({ln / 48:.1f} ms, within {en:.1e})")
assert el < 1e-3 and en < 1e-3, "the stems do not sum to the mix"
diff = max(np.max(np.abs(net[i][ln:ln + n] - loc[i][ll:ll + n])) for i in (0, 1))
same = sum(int(np.array_equal(net[i][ln:ln + n], loc[i][ll:ll + n])) for i in (0, 1))
print(f"test_netjack: netjack2 stems vs local stems: {same} of 2 bit-identical, largest difference {diff:.3e}")
with open(f"{d}/lags.txt", "w") as f: f.write(f"{ll} {ln}\n")
assert same == 2, "the stems over netjack2 differ from the local ones"
PY
}
# A run that loses a packet or a period on this busy machine is not a camsep
# failure: run again (up to three times) when camsep-jack counted xruns or
# netjack2 logged missing packets, fail at once otherwise.
trouble() { # what went wrong since line $1 of the rack's and $2 of the stage's server log
  grep -hoE "xruns=[1-9][0-9]*" "$tmp"/camsep-*.log
  { tail -n +"$1" "$tmp/rack-jackd.log"; tail -n +"$2" "$tmp/stage-jackd.log"; } |
    grep -iE "missing|lost|xrun|timeout|timed out" | sort | uniq -c
}
for attempt in 1 2 3; do
  mark_r=$(($(wc -l <"$tmp/rack-jackd.log") + 1)) mark_s=$(($(wc -l <"$tmp/stage-jackd.log") + 1))
  run_net "$attempt"
  run_local "$attempt"
  compare "$attempt" && break
  t=$(trouble "$mark_r" "$mark_s")
  [ -n "$t" ] || fail "stems over netjack2 differ, with no xrun or lost packet"
  [ "$attempt" -lt 3 ] || fail "xruns or lost packets in each of 3 runs: $t"
  echo "$name: attempt $attempt disturbed ($t); running it again"
done

# The latency end to end, against what is reported on the way. The feeder
# both feeds and records, a loop in JACK's graph: one of its directions waits
# a period, locally as over the network (test_jack.sh allows it too).
read -r lag_local lag_net <"$tmp/lags.txt"
camsep_lat=$(sed -n 's/.*running, .* latency \([0-9]*\) samples.*/\1/p' "$tmp/camsep-net.log" | head -1)
[ "$lag_local" = "${camsep_lat:-x}" ] || [ "$lag_local" = "$((camsep_lat + period))" ] ||
  fail "the local lag ($lag_local) is not camsep's reported latency ($camsep_lat), or a period more"
net=$((lag_net - lag_local))
[ $((net % period)) -eq 0 ] || fail "the network adds $net samples, not a whole number of periods"
net_cycles=$(sed -n 's/^Network latency : \([0-9]*\) cycles.*/\1/p' "$tmp/stage-jackd.log" | head -1)
echo "$name: JACK port latencies (PORT capture MIN MAX playback MIN MAX):"; sed 's/^/  /' "$tmp/net-latency.txt"
echo "$name: end to end over netjack2: $lag_net samples = $(awk "BEGIN{printf \"%.1f\", $lag_net / 48}") ms at 48 kHz" \
  "= camsep $camsep_lat (as it reports) + the test's graph loop $((lag_local - camsep_lat))" \
  "+ netjack2 there and back $net ($((net / period)) periods of $period; its latency setting: ${net_cycles:-?} cycles)"
# What JACK reports: the stage's outputs carry the network's way there and
# camsep's latency; the rack's return ports only the way back (netjack2 does
# not pass the stage's latencies on). Their sum is the end-to-end latency.
cap_stage=$(awk '$1 == "camsep:a" {print $3}' "$tmp/net-latency.txt")
cap_back=$(awk '$1 == "stage:from_slave_1" {print $3}' "$tmp/net-latency.txt")
reported=$((cap_stage + cap_back))
echo "$name: reported end to end: camsep:a's capture latency on the stage $cap_stage + stage:from_slave_1's on" \
  "the rack $cap_back = $reported samples; measured without the graph loop: $((lag_net - lag_local + camsep_lat))"
[ "$reported" -eq $((lag_net - lag_local + camsep_lat)) ] || fail "the reported latencies do not add up to the measured one"
echo "$name: ok"

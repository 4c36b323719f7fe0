# Sourced by the tests that need a private JACK server (bash).
#
# start_jackd NAME LOG [PERIOD]: starts `jackd -n NAME -d dummy -r 48000
# -p PERIOD` (default 256), waits until it serves clients and sets jackd_pid;
# returns 1 if it does not come up. A client that polls while the server is
# still setting up JACK's shared registry can abort in libjack (seen once, on a
# fresh /dev/shm, with the server then stuck), so the first poll waits a
# moment and a server that does not come up within 5 s is started once more.
start_jackd() {
  local name=$1 log=$2 period=${3:-256} attempt
  for attempt in 1 2; do
    jackd -n "$name" -d dummy -r 48000 -p "$period" >>"$log" 2>&1 &
    jackd_pid=$!
    sleep 0.3
    for _ in $(seq 50); do
      jack_lsp -s "$name" 2>/dev/null | grep -q system:capture_1 && return 0
      kill -0 "$jackd_pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "start_jackd: attempt $attempt: jackd -n $name did not come up" >>"$log"
    kill -KILL "$jackd_pid" 2>/dev/null
    wait "$jackd_pid" 2>/dev/null
    jackd_pid=
  done
  return 1
}

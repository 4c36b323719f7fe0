# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the tests that need a private JACK server (bash). Brings
# stop_process (stop_process.sh) for their cleanup.
#
# start_jackd LOG [PERIOD]: starts `jackd -n $server -d dummy -r 48000
# -p PERIOD` (default 256), waits until it serves clients and sets jackd_pid;
# returns 1 if it does not come up. A client that polls while the server is
# still setting up JACK's shared registry can abort in libjack (seen on a
# fresh /dev/shm, with the server then unreachable), so the first poll waits
# a moment, and a server that does not come up within 10 s is started once
# more under a new name (the dead one's name stays registered): $server and
# JACK_DEFAULT_SERVER follow. A $server of exactly 24 characters is made one
# longer first: libjack 1.9.21's clients abort on such a name (a malloc
# assertion in jack_lsp), so the first attempt always failed, 10 s late, and
# the killed server kept one of the 8 places of JACK's registry for good; the
# tests' names ("camsep-remote-$$-$RANDOM") were 24 long in about 40 % of runs.
# One JACK server starts at a time: two starting at once on a fresh machine
# race to create JACK's shared registry (jack_lsp then aborts in malloc). The
# tests that start theirs here take turns on a lock, $CAMSEP_JACKD_LOCK
# (default /tmp/camsep-jackd-start.lock; flock(1)), held from the start until
# the server serves clients (ctest's jackd resource lock also keeps them
# apart, tests/CMakeLists.txt).
. "$(dirname "${BASH_SOURCE[0]}")/stop_process.sh"

# jack_lsp with a time limit, for every test that sources this file: a
# client can hang for good in libjack's futexes while it registers (seen once
# under AddressSanitizer: 13 minutes, until killed by hand, and ctest's own
# timeout did not end the test); killed after 5 s, the polls that call it
# simply try again.
jack_lsp() { timeout -k 1 5 jack_lsp "$@"; }

start_jackd() {
  local log=$1 period=${2:-256} attempt lock rc=1 lockfile=${CAMSEP_JACKD_LOCK:-/tmp/camsep-jackd-start.lock}
  # The holder lets go within about 21 s (two attempts), or at once when killed.
  if ! { exec {lock}>>"$lockfile"; } 2>/dev/null; then
    exec {lock}>/dev/null
    echo "start_jackd: cannot open $lockfile; starting without waiting for a turn" >>"$log"
  elif ! flock -w 120 "$lock"; then
    echo "start_jackd: no turn to start a server in 120 s; starting anyway" >>"$log"
  fi
  for attempt in 1 2; do
    if [ ${#server} -eq 24 ]; then # see above
      server="$server-"
      export JACK_DEFAULT_SERVER="$server"
    fi
    jackd -n "$server" -d dummy -r 48000 -p "$period" >>"$log" 2>&1 {lock}>&- &
    jackd_pid=$!
    sleep 0.3
    for _ in $(seq 100); do
      jack_lsp -s "$server" 2>/dev/null {lock}>&- | grep -q system:capture_1 && { rc=0; break 2; }
      kill -0 "$jackd_pid" 2>/dev/null || break
      sleep 0.1
    done
    echo "start_jackd: attempt $attempt: jackd -n $server did not come up" >>"$log"
    stop_process 5 "$jackd_pid" # SIGKILLed at once, it kept its place in JACK's registry
    jackd_pid=
    server="$server-again"
    export JACK_DEFAULT_SERVER="$server"
  done
  flock -u "$lock"
  exec {lock}>&-
  return $rc
}

# The test cannot run here: a machine whose JACK server does not start is
# not a camsep failure. Exits 77 (ctest: skipped) with the server's log.
skip_no_jackd() {
  echo "$1: SKIP: the JACK server (jackd -d dummy) did not start here:" >&2
  tail -5 "$2" >&2
  exit 77
}

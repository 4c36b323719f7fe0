# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the tests that start servers and clients of their own (bash).
#
# stop_process SECONDS PID...: sends SIGTERM to each PID, gives them SECONDS
# (default 5) to exit, then SIGKILLs whatever is left and reaps them all.
# A test's cleanup must end: an unbounded `wait` on a jackd whose clients are
# still closing, or on a GTK host shutting down its UI, has hung a test until
# ctest's timeout although every check had passed. Stop clients before the
# servers they use (a separate call each), so a server is not kept waiting.
stop_process() {
  local seconds=${1:-5} p left
  shift
  [ $# -gt 0 ] || return 0
  for p in "$@"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq $((seconds * 10))); do
    left=0
    for p in "$@"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for p in "$@"; do
    [ -n "$p" ] || continue
    if kill -0 "$p" 2>/dev/null; then
      echo "stop_process: pid $p ($(ps -o comm= -p "$p" 2>/dev/null)) ignored SIGTERM for ${seconds} s: SIGKILL" >&2
      kill -KILL "$p" 2>/dev/null
    fi
    wait "$p" 2>/dev/null
  done
  return 0
}

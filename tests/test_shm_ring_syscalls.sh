#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shared-memory ring reader's poll() makes no system call: runs
# `test_shm_ring --poll-syscalls` (a writer child at 1 kHz, then 300 ms of
# polling between two marker writes) under strace, and fails if any system
# call of the polling process appears between the markers. strace does not
# follow the forked writer (no -f). Exit 77 (skipped) without strace/ptrace.
set -u
bin=$1
if ! command -v strace >/dev/null 2>&1; then
    echo "strace not installed: skipped"
    exit 77
fi
if ! strace -o /dev/null true >/dev/null 2>&1; then
    echo "strace cannot trace here (ptrace not permitted?): skipped"
    exit 77
fi
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
# LeakSanitizer cannot run under ptrace; the allocation checks live elsewhere.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -o "$log" "$bin" --poll-syscalls || {
    echo "test_shm_ring --poll-syscalls failed"
    exit 1
}
begin=$(grep -c 'camsep-poll-begin' "$log")
end=$(grep -c 'camsep-poll-end' "$log")
if [ "$begin" != 1 ] || [ "$end" != 1 ]; then
    echo "markers not found in the trace ($begin, $end)"
    exit 1
fi
inside=$(awk '/camsep-poll-end/ { on = 0 } on { print } /camsep-poll-begin/ { on = 1 }' "$log")
if [ -n "$inside" ]; then
    echo "system calls inside the poll loop:"
    echo "$inside" | head -20
    exit 1
fi
echo "no system call between the markers ($(wc -l <"$log") calls in the whole trace)"

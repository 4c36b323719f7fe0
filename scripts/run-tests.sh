#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole test suite, from a fresh Debian 12 machine: installs what is
# needed, builds, and runs ctest three ways:
#   1. the normal build (RelWithDebInfo);
#   2. AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. ThreadSanitizer on the tests of lock-free hand-overs between threads.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
# Many tests wait on sockets, servers and timers rather than compute (the OSC
# round trips, JACK, the windows): twice as many at once as there are cores
# keeps the cores busy. Tests that need the machine to themselves are
# RUN_SERIAL in tests/CMakeLists.txt.
test_jobs=$((2 * jobs))

"$root/scripts/install-deps.sh"

echo "== build and test: normal"
BUILD_DIR="$root/build" "$root/scripts/build.sh" >/dev/null
(cd "$root/build" && ctest --output-on-failure -j "$test_jobs")

echo "== build and test: address + undefined sanitizers"
# -O1, as the sanitizers' own documentation suggests: the flow and the
# solvers then run in a fraction of -O0's time, and nothing is inlined away
# that the checks need.
BUILD_DIR="$root/build-asan" BUILD_TYPE=Debug "$root/scripts/build.sh" \
  -DCAMSEP_SANITIZE=address,undefined -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
(cd "$root/build-asan" && ctest --output-on-failure -j "$test_jobs")

echo "== build and test: thread sanitizer (lock-free hand-overs)"
tsan_tests=(ring prior_clock capture_runner host_commands host_live shm_preview ui_frame_buffer osc host_remote)
cmake -S "$root" -B "$root/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAMSEP_SANITIZE=thread >/dev/null
cmake --build "$root/build-tsan" -j "$jobs" --target "${tsan_tests[@]/#/test_}" >/dev/null
(cd "$root/build-tsan" && ctest --output-on-failure -j "$test_jobs" -R "^($(IFS='|'; echo "${tsan_tests[*]}"))\$")

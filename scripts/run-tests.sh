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

"$root/scripts/install-deps.sh"

echo "== build and test: normal"
BUILD_DIR="$root/build" "$root/scripts/build.sh" >/dev/null
(cd "$root/build" && ctest --output-on-failure -j "$jobs")

echo "== build and test: address + undefined sanitizers"
BUILD_DIR="$root/build-asan" BUILD_TYPE=Debug "$root/scripts/build.sh" \
  -DCAMSEP_SANITIZE=address,undefined >/dev/null
(cd "$root/build-asan" && ctest --output-on-failure -j "$jobs")

echo "== build and test: thread sanitizer (lock-free hand-overs)"
tsan_tests=(ring prior_clock capture_runner host_commands host_live shm_preview ui_frame_buffer osc host_remote)
cmake -S "$root" -B "$root/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAMSEP_SANITIZE=thread >/dev/null
cmake --build "$root/build-tsan" -j "$jobs" --target "${tsan_tests[@]/#/test_}" >/dev/null
(cd "$root/build-tsan" && ctest --output-on-failure -R "^($(IFS='|'; echo "${tsan_tests[*]}"))\$")

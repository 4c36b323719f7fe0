#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-find-boxes on stages rendered by camsep-scene: every player who
# plays is found, left to right, inside its own box (a calm stage and a busy
# one: sway, gestures, shake, jitter, light, noise and an occluder); a player
# who never moves is not invented; a still picture, a bad file and bad
# options fail with one line.
# Usage: test_find_boxes.sh CAMSEP_FIND_BOXES CAMSEP_SCENE
set -euo pipefail
F=$1 S=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fail() { echo "test_find_boxes: FAILED: $*" >&2; exit 1; }

"$py" - "$tmp" <<'PY'
import math, sys
d = sys.argv[1]
def write(name, curves):
    with open("%s/%s" % (d, name), "w") as f:
        f.write("time," + ",".join("p%d" % (j + 1) for j in range(len(curves))) + "\n")
        for i in range(301):
            t = i * 0.01
            f.write("%.2f," % t + ",".join("%.3f" % c(t) for c in curves) + "\n")
write("three.csv", [lambda t: 0.5 + 0.5 * math.sin(2 * t), lambda t: 0.6 + 0.4 * math.sin(3 * t + 1),
                    lambda t: 0.8 if t % 2 < 1.2 else 0.1])
write("one_still.csv", [lambda t: 0.7, lambda t: 0.0, lambda t: 0.6 + 0.3 * math.sin(4 * t)])
write("still.csv", [lambda t: 0.0, lambda t: 0.0])
write("four.csv", [lambda t: 0.5 + 0.5 * math.sin(2 * t), lambda t: 0.6 + 0.4 * math.sin(3 * t + 1),
                   lambda t: 0.7 + 0.3 * math.sin(5 * t + 2), lambda t: 0.5 + 0.4 * math.sin(4 * t + 3)])
write("four_one_still.csv", [lambda t: 0.7, lambda t: 0.0, lambda t: 0.6 + 0.3 * math.sin(4 * t),
                             lambda t: 0.5 + 0.4 * math.sin(3 * t)])
PY

# check TRUTH FOUND EXPECTED_INDICES: one proposal per expected player, in
# order, each with its centre in that player's box and at least 60 % of its
# area inside it, and no two overlapping.
check() {
    "$py" - "$1" "$2" "$3" <<'PY' || fail "$(cat "$2")"
import sys
truth = [tuple(map(float, l.split(","))) for l in open(sys.argv[1]) if l.strip()]
found = [tuple(map(float, l.split()[1].split(","))) for l in open(sys.argv[2]) if l.startswith("--box")]
want = [int(i) for i in sys.argv[3].split(",")]
assert len(found) == len(want), "found %d boxes, expected %d" % (len(found), len(want))
for (x, y, w, h), j in zip(found, want):
    tx, ty, tw, th = truth[j]
    cx, cy = x + w / 2, y + h / 2
    assert tx <= cx <= tx + tw and ty <= cy <= ty + th, "box %s: centre outside player %d's %s" % ((x, y, w, h), j + 1, truth[j])
    ix = max(0.0, min(x + w, tx + tw) - max(x, tx)); iy = max(0.0, min(y + h, ty + th) - max(y, ty))
    assert ix * iy >= 0.6 * w * h, "box %s: only %.0f %% inside player %d's" % ((x, y, w, h), 100 * ix * iy / (w * h), j + 1)
for a, b in zip(found, found[1:]):
    assert a[0] + a[2] <= b[0] + 1e-3 or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1], "boxes %s and %s overlap" % (a, b)
PY
}

for stage in calm busy; do
    extra=()
    [ "$stage" = busy ] && extra=(--busy)
    "$S" -a "$tmp/three.csv" -p 3 -o "$tmp/$stage.y4m" --size 320x240 --seed 3 "${extra[@]}" > "$tmp/$stage.truth"
    "$F" --players 3 "$tmp/$stage.y4m" > "$tmp/$stage.found" 2> "$tmp/$stage.err" || fail "$stage: $(cat "$tmp/$stage.err")"
    check "$tmp/$stage.truth" "$tmp/$stage.found" 0,1,2
    grep -q "3 players found" "$tmp/$stage.err" || fail "$stage: summary: $(cat "$tmp/$stage.err")"
done

# --players caps the count to the busiest; --seconds reads only the start
"$F" --players 2 --seconds 2 "$tmp/calm.y4m" > "$tmp/two.found" 2> "$tmp/two.err" || fail "two: $(cat "$tmp/two.err")"
[ "$(grep -c -- '^--box' "$tmp/two.found")" -eq 2 ] || fail "--players 2: $(cat "$tmp/two.found")"
grep -q "60 frames (2.0 s)" "$tmp/two.err" || fail "--seconds 2: $(cat "$tmp/two.err")"

# the middle player never moves (no sway, no gestures): two boxes, the outer
# players', and a warning that fewer were found than asked for
"$S" -a "$tmp/one_still.csv" -p 3 -o "$tmp/gap.y4m" --size 320x240 --sway 0 --gesture 0 > "$tmp/gap.truth"
"$F" --players 3 "$tmp/gap.y4m" > "$tmp/gap.found" 2> "$tmp/gap.err" || fail "gap: exit $?"
check "$tmp/gap.truth" "$tmp/gap.found" 0,2
grep -q "warning: 2 of 3 players found" "$tmp/gap.err" || fail "gap: $(cat "$tmp/gap.err")"

# a wide picture (1280x720): the two left players' bow arms come within two
# grid cells of each other and their motion joins; told that there are four,
# the finder splits the joined group at its still column. With a player who
# never moves, the count is not made up by splitting someone else.
"$S" -a "$tmp/four.csv" -p 4 -o "$tmp/wide.y4m" --size 1280x720 --duration 2 --seed 2 > "$tmp/wide.truth"
"$F" --players 4 "$tmp/wide.y4m" > "$tmp/wide.found" 2> "$tmp/wide.err" || fail "wide: $(cat "$tmp/wide.err")"
check "$tmp/wide.truth" "$tmp/wide.found" 0,1,2,3
"$S" -a "$tmp/four_one_still.csv" -p 4 -o "$tmp/wide_gap.y4m" --size 1280x720 --duration 2 --sway 0 --gesture 0 \
    > "$tmp/wide_gap.truth"
"$F" --players 4 "$tmp/wide_gap.y4m" > "$tmp/wide_gap.found" 2> "$tmp/wide_gap.err" || fail "wide gap: exit $?"
check "$tmp/wide_gap.truth" "$tmp/wide_gap.found" 0,2,3
grep -q "warning: 3 of 4 players found" "$tmp/wide_gap.err" || fail "wide gap: $(cat "$tmp/wide_gap.err")"

# nothing moves but the camera and the sensor: an error, no box
for noisy in "--noise 0" "--noise 4 --jitter 2"; do
    # shellcheck disable=SC2086
    "$S" -a "$tmp/still.csv" -p 2 -o "$tmp/still.y4m" --size 320x240 --duration 1.5 --sway 0 --gesture 0 $noisy \
        > /dev/null
    if "$F" "$tmp/still.y4m" > "$tmp/still.found" 2> "$tmp/still.err"; then fail "still ($noisy) gave boxes"; fi
    grep -q "nothing moved" "$tmp/still.err" || fail "still ($noisy): $(cat "$tmp/still.err")"
    [ ! -s "$tmp/still.found" ] || fail "still ($noisy): printed $(cat "$tmp/still.found")"
done

# bad input
printf 'not a video' > "$tmp/bad.y4m"
set +e
"$F" "$tmp/bad.y4m" > /dev/null 2> "$tmp/bad.err"; rc=$?
"$F" > /dev/null 2>&1; rc_none=$?
"$F" --players 0 "$tmp/calm.y4m" > /dev/null 2>&1; rc_zero=$?
set -e
[ "$rc" -eq 1 ] && [ "$(wc -l < "$tmp/bad.err")" -eq 1 ] || fail "bad file: exit $rc: $(cat "$tmp/bad.err")"
[ "$rc_none" -eq 2 ] || fail "no video: exit $rc_none"
[ "$rc_zero" -eq 2 ] || fail "--players 0: exit $rc_zero"
echo "test_find_boxes: ok"

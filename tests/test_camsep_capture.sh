#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-capture end to end: box-file and command-line errors, priors in the
# shared-memory ring (a reader in another process), heartbeats and
# CAMERA_LOST records while a FIFO is silent, the ring going stale at once on
# SIGTERM, SIGINT while the source is still opening, OSC over UDP and TCP
# (count and values, held masks and motion included, against the same
# analysis done here), --duration.
# usage: test_camsep_capture.sh CAMSEP_CAPTURE CAPTURE_TEST_HELPER
set -u
CAP=$1
HELPER=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/camsep-capture-test.XXXXXX")
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
PASSED=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { PASSED=$((PASSED + 1)); echo "ok $PASSED - $*"; }
# field KEY FILE: the value of KEY=... in a helper's output
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$2" | head -n 1; }

# expect STATUS PATTERN COMMAND...: exit status and a line of stderr/stdout
expect() {
    want=$1 pattern=$2
    shift 2
    "$@" >"$T/out" 2>&1
    rc=$?
    [ "$rc" -eq "$want" ] || { cat "$T/out" >&2; fail "exit $rc (not $want): $*"; }
    grep -q -- "$pattern" "$T/out" || { cat "$T/out" >&2; fail "no '$pattern' from: $*"; }
    ok "exit $want, '$pattern'"
}

"$HELPER" render "$T/duo.y4m" 320 240 90 30 >"$T/boxes.txt" || fail "render"
V="--source $T/duo.y4m"

# ---- the command line and box files ----
b() { printf "$1" >"$T/b.txt"; }
b 'p1 10 10 50\n'
expect 2 "b.txt:1: expected 'name x y w h', found 4 fields" "$CAP" $V --boxes "$T/b.txt" --no-shm
b '# two players\n\np1 10 10 50 50\np2 10 10 -5 50\n'
expect 2 "b.txt:4: the width and height must be positive" "$CAP" $V --boxes "$T/b.txt" --no-shm
b 'p1 10 10 50 50  # left\np1 0 0 5 5\n'
expect 2 "b.txt:2: player name 'p1' is used twice" "$CAP" $V --boxes "$T/b.txt" --no-shm
b 'p1 10 1O 50 50\n'
expect 2 "b.txt:1: y '1O' is not a number" "$CAP" $V --boxes "$T/b.txt" --no-shm
b 'p@1 1 2 3 4\n'
expect 2 "b.txt:1: 'p@1' is not a player name" "$CAP" $V --boxes "$T/b.txt" --no-shm
b '# nobody\n\n'
expect 2 "b.txt: no player boxes" "$CAP" $V --boxes "$T/b.txt" --no-shm
b 'a 0 0 9 9\nb 0 0 9 9\nc 0 0 9 9\nd 0 0 9 9\ne 0 0 9 9\nf 0 0 9 9\ng 0 0 9 9\nh 0 0 9 9\ni 0 0 9 9\n'
expect 2 "b.txt:9: more than 8 players" "$CAP" $V --boxes "$T/b.txt" --no-shm
expect 2 "No such file" "$CAP" $V --boxes "$T/none.txt" --no-shm
expect 2 "is not X,Y,W,H" "$CAP" $V --box 1,2,3 --no-shm
expect 2 "a player name may only hold" "$CAP" $V --box "a b=1,2,3,4" --no-shm
expect 2 "choose one" "$CAP" $V --box 1,2,3,4 --boxes "$T/boxes.txt"
expect 2 "no players" "$CAP" $V --no-shm
expect 2 "^camsep-capture: unknown option --bogus" "$CAP" --bogus
expect 2 "--size" "$CAP" $V --size 640by480 --box 1,2,3,4
expect 2 "--shm" "$CAP" $V --shm noslash --box 1,2,3,4
expect 0 "usage: camsep-capture" "$CAP" --help
expect 1 "missing.y4m: cannot open" "$CAP" --source "$T/missing.y4m" --box 1,2,3,4 --no-shm
printf 'not a video\n' >"$T/junk.y4m"
expect 1 "not a Y4M stream" "$CAP" --source "$T/junk.y4m" --box 1,2,3,4 --no-shm
expect 1 "lies outside" "$CAP" $V --box 1000,1000,10,10 --no-shm
expect 1 "--osc" "$CAP" $V --box 1,2,3,4 --no-shm --osc nohost
expect 1 "cannot resolve" "$CAP" $V --box 1,2,3,4 --no-shm --osc no.such.host.invalid:9000
head -c 300000 "$T/duo.y4m" >"$T/cut.y4m"
expect 1 "truncated frame" "$CAP" --source "$T/cut.y4m" --no-pace --boxes "$T/boxes.txt" --no-shm
"$CAP" --list-devices >"$T/out" 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ] || fail "--list-devices exited $rc"
ok "--list-devices exits $rc"

# ---- shared memory: records, a second writer refused, SIGTERM -> stale at once ----
NAME=/camsep-test-$$
"$CAP" $V --loop --pace --boxes "$T/boxes.txt" --shm $NAME --quiet &
CPID=$!
PIDS="$PIDS $CPID"
# the reader's own timeout is 5 s: staleness sooner than that means the writer closed the ring
"$HELPER" shm-read $NAME --timeout 5 --max-seconds 20 >"$T/shm1.txt" &
RPID=$!
PIDS="$PIDS $RPID"
sleep 2
expect 1 "" "$CAP" $V --boxes "$T/boxes.txt" --shm $NAME --quiet
kill -TERM $CPID
wait $CPID || fail "camsep-capture exited $? after SIGTERM"
wait $RPID || { cat "$T/shm1.txt"; fail "shm reader"; }
cat "$T/shm1.txt"
[ "$(field stale "$T/shm1.txt")" = 1 ] || fail "the ring did not go stale"
[ "$(field players "$T/shm1.txt")" = 2 ] || fail "players"
[ "$(field ok "$T/shm1.txt")" -ge 40 ] || fail "too few records"
[ "$(field lost "$T/shm1.txt")" -eq 0 ] || fail "camera lost while playing a file"
after=$(field stale_after_ms "$T/shm1.txt")
[ "$after" -lt 1000 ] || fail "stale ${after} ms after the last record (the writer did not close the ring)"
ok "shm: records from a paced file, 2 players, stale ${after} ms after SIGTERM"

# ---- a FIFO that goes quiet: CAMERA_LOST records and heartbeats keep the ring alive ----
mkfifo "$T/fifo"
"$HELPER" fifo-writer "$T/fifo" 320 240 30 30 2.5 &
WPID=$!
PIDS="$PIDS $WPID"
"$CAP" --source "$T/fifo" --no-pace --boxes "$T/boxes.txt" --shm ${NAME}b 2>"$T/cap2.txt" &
CPID=$!
PIDS="$PIDS $CPID"
"$HELPER" shm-read ${NAME}b --timeout 1 --max-seconds 20 >"$T/shm2.txt" || { cat "$T/shm2.txt"; fail "shm reader (fifo)"; }
wait $CPID || { cat "$T/cap2.txt"; fail "camsep-capture exited $? at the end of the FIFO"; }
wait $WPID
cat "$T/shm2.txt"
grep -q "camera lost: no frame" "$T/cap2.txt" || { cat "$T/cap2.txt"; fail "no 'camera lost' line"; }
[ "$(field ok "$T/shm2.txt")" -ge 20 ] || fail "too few records from the FIFO"
lost=$(field lost "$T/shm2.txt")
[ "$lost" -ge 3 ] || fail "$lost CAMERA_LOST records during 2.5 s of silence"
[ "$(field stale "$T/shm2.txt")" = 1 ] || fail "the ring did not go stale at the end"
ok "shm: silent FIFO -> $lost CAMERA_LOST records, alive until the end, then stale"

# ---- SIGINT while the source is still opening (a FIFO with no writer) ----
mkfifo "$T/fifo2"
"$CAP" --source "$T/fifo2" --box 1,2,3,4 --shm ${NAME}c --quiet &
CPID=$!
sleep 0.3
[ -e /dev/shm${NAME}c ] || fail "no ring while opening"
kill -INT $CPID
wait $CPID || fail "exit $? after SIGINT while opening"
[ -e /dev/shm${NAME}c ] && fail "the ring was left behind"
ok "SIGINT while opening: exit 0, ring removed"

# ---- OSC over UDP and TCP: count and values (with the motion block) ----
# OSC_BOXES, OSC_NAMES, OSC_CHANNELS: the box file, the names and the motion
# channels expected (fewer with more than 5 players: at most 40 arguments)
OSC_BOXES="$T/boxes.txt" OSC_NAMES=p1,p2 OSC_CHANNELS=5
osc_run() { # PROTO URL_PREFIX FRAMES [URL_SUFFIX]
    rm -f "$T/port"
    tcp=""
    [ "$1" = tcp ] && tcp=--tcp
    players=$(echo "$OSC_NAMES" | tr , '\n' | wc -l)
    "$HELPER" osc-recv $tcp --count $(($3 - 1)) --ready "$T/port" --video "$T/duo.y4m" --boxes "$OSC_BOXES" \
        --channels "$OSC_CHANNELS" --timeout 20 >"$T/osc.txt" &
    OPID=$!
    PIDS="$PIDS $OPID"
    i=0
    while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    port=$(cat "$T/port") || fail "no OSC receiver"
    "$CAP" $V --no-pace --frames "$3" --boxes "$OSC_BOXES" --no-shm --osc "$2$port${4:-}" --quiet ||
        fail "camsep-capture --osc exited $?"
    wait $OPID || { cat "$T/osc.txt"; fail "OSC receiver ($1)"; }
    cat "$T/osc.txt"
    grep -q "messages=$(($3 - 1)) players=$players names=$OSC_NAMES" "$T/osc.txt" || fail "OSC messages ($1)"
    grep -q "held_diff=0 channels=$OSC_CHANNELS channels_diff=0 motion_diff=" "$T/osc.txt" ||
        fail "OSC motion block ($1)"
    ok "osc $1: $(($3 - 1)) messages, $players players, values (activities, held masks, $OSC_CHANNELS motion channels) equal to the analysis here"
}
osc_run udp 127.0.0.1: 40
osc_run tcp osc.tcp://127.0.0.1: 25 /
# eight players: 3 motion channels each, 38 arguments
awk 'BEGIN { for (j = 0; j < 8; j++) printf "p%d %d %d 80 120\n", j + 1, (j % 4) * 80, int(j / 4) * 120 }' \
    >"$T/boxes8.txt"
OSC_BOXES="$T/boxes8.txt" OSC_NAMES=p1,p2,p3,p4,p5,p6,p7,p8 OSC_CHANNELS=3
osc_run udp 127.0.0.1: 20

# ---- --duration and status lines ----
start=$(date +%s.%N)
"$CAP" $V --loop --pace --boxes "$T/boxes.txt" --no-shm --duration 1.2 --status-interval 0.4 2>"$T/dur.txt" ||
    fail "--duration exited $?"
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
cat "$T/dur.txt"
[ "$(grep -c 'fps, analysis' "$T/dur.txt")" -ge 3 ] || fail "status lines"
awk -v t="$took" 'BEGIN { exit !(t < 3) }' || fail "--duration 1.2 took $took s"
ok "--duration 1.2 took $took s, status lines"

echo "camsep-capture: $PASSED checks passed"

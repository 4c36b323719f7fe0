#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-process --associate: two players of different timbres who rest at
# different times, on a stage rendered by camsep-scene. Boxes given in the
# wrong order are paired with their dictionaries and give the stems of the
# right order; the right order stays as it is (and the camera read ahead gives
# the very stems of the streaming path); one dictionary twice is nothing to
# decide; a pairing below the confidence asked for is not applied (the boxes as
# given, or no camera with --associate-fallback audio) and says so on stderr;
# --associate-only writes nothing; bad options fail with one line.
# Usage: test_associate_cli.sh CAMSEP_PROCESS CAMSEP_TRAIN CAMSEP_SCENE
set -euo pipefail
P=$1 T=$2 S=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fail() { echo "test_associate_cli: FAILED: $*" >&2; exit 1; }

# 16 kHz, 16 s: a low reed-like player (odd harmonics) and a high flute-like
# one (few harmonics), each resting three times at times of their own (two
# rests would be too little to tell the pairing from a chance alignment); a
# solo of each for its dictionary; their activity curves for the stage.
"$py" - "$tmp" <<'PY'
import math, struct, sys, wave
d = sys.argv[1]; rate = 16000; dur = 16.0; n = int(dur * rate)
def gate(rests):
    return lambda t: min(max(0.0, min(1.0, abs(t - (a + b) / 2) / 0.03 - (b - a) / 2 / 0.03)) for a, b in rests)
def melody(freqs, note_s, n, harmonics, g=lambda t: 1.0):
    out = [0.0] * n
    for i in range(n):
        t = i / rate
        k = int(t / note_s); f0 = freqs[k % len(freqs)]
        ph = (t - k * note_s) / note_s
        env = min(1.0, ph * 20) * min(1.0, (1 - ph) * 20) * g(t) * (0.6 + 0.4 * math.sin(0.9 * t + k))
        if env > 0:
            out[i] = env * 0.12 * sum(a * math.sin(2 * math.pi * h * f0 * t) for h, a in harmonics
                                      if h * f0 < rate / 2)
    return out
def write(name, x):
    with wave.open(f"{d}/{name}", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", max(-32767, min(32767, int(v * 32767)))) for v in x))
reed = [(h, 1.0 / h) for h in (1, 3, 5, 7, 9, 11)]
flute = [(1, 1.0), (2, 0.3), (3, 0.1)]
ga, gb = gate([(2.0, 3.5), (7.2, 8.4), (12.5, 13.6)]), gate([(4.5, 6.0), (9.3, 10.9), (14.2, 15.1)])
write("solo_a.wav", melody([147, 165, 175, 196, 220, 247], 0.23, 3 * rate, reed))
write("solo_b.wav", melody([587, 659, 698, 784, 880, 988], 0.19, 3 * rate, flute))
a = melody([165, 196, 147, 220, 175], 0.3, n, reed, ga)
b = melody([784, 698, 880, 659, 988, 587], 0.25, n, flute, gb)
write("mix.wav", [p + q for p, q in zip(a, b)])
with open(f"{d}/activity.csv", "w") as f:
    f.write("time,p1,p2\n")
    for k in range(int(dur / 0.02) + 1):
        t = k * 0.02
        f.write("%.2f,%.3f,%.3f\n" % (t, ga(t), gb(t)))
PY

"$T" --quiet -o "$tmp/a.dict" --atoms 8 --iterations 60 --fft 512 "$tmp/solo_a.wav"
"$T" --quiet -o "$tmp/b.dict" --atoms 8 --iterations 60 --fft 512 "$tmp/solo_b.wav"
"$S" -a "$tmp/activity.csv" -p 2 -o "$tmp/stage.y4m" --size 192x144 --fps 25 --duration 16 --sway 1 \
  --gesture 3 --noise 1 --seed 5 >"$tmp/boxes.txt"
b1=$(sed -n 1p "$tmp/boxes.txt") b2=$(sed -n 2p "$tmp/boxes.txt")
common=(-i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" --fft 512 --activity-strength 1 --video "$tmp/stage.y4m")
same_stems() { # same_stems DIR1 DIR2 WHAT
  for s in stem1 stem2; do cmp -s "$1/$s.wav" "$2/$s.wav" || fail "$3 ($s differs)"; done
}

"$P" "${common[@]}" --box "$b1" --box "$b2" -o "$tmp/right" --quiet
"$P" "${common[@]}" --box "$b2" --box "$b1" -o "$tmp/wrong" --quiet
"$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" --fft 512 -o "$tmp/audio" --quiet
cmp -s "$tmp/right/stem2.wav" "$tmp/wrong/stem2.wav" && fail "the box order changes nothing: no test"

# Shuffled boxes: paired, applied, the stems of the right order.
"$P" "${common[@]}" --box "$b2" --box "$b1" -o "$tmp/assoc" --associate >"$tmp/out.txt" 2>"$tmp/err.txt"
cat "$tmp/out.txt"
grep -q "^association: pairing 2,1" "$tmp/out.txt" || fail "shuffled boxes not paired 2,1"
grep -q "^association: box 1 -> stem 2 (.*b.dict" "$tmp/out.txt" || fail "no 'box 1 -> stem 2 (b.dict)' line"
grep -q "^association: confident" "$tmp/out.txt" || fail "the pairing is not confident"
grep -q "^association: applied (boxes reordered)" "$tmp/out.txt" || fail "the pairing was not applied"
grep -q "^association: box 2 .*\*" "$tmp/out.txt" || fail "no correlation matrix"
[ ! -s "$tmp/err.txt" ] || fail "a confident run wrote to stderr: $(cat "$tmp/err.txt")"
same_stems "$tmp/right" "$tmp/assoc" "--associate with shuffled boxes does not give the right order's stems"

# The right order: kept, and the stems of the streaming path bit for bit.
"$P" "${common[@]}" --box "$b1" --box "$b2" -o "$tmp/assoc_right" --associate >"$tmp/out.txt"
grep -q "^association: applied (the boxes were in the right order)" "$tmp/out.txt" || fail "right order not kept"
same_stems "$tmp/right" "$tmp/assoc_right" "--associate changes the stems of the right order"

# --associate-only: the same proposal, nothing written, no -o needed.
"$P" "${common[@]}" --box "$b2" --box "$b1" --associate-only >"$tmp/only.txt"
grep -q "^association: pairing 2,1" "$tmp/only.txt" || fail "--associate-only pairs differently"
grep -q "applied" "$tmp/only.txt" && fail "--associate-only says it applied something"

# Not confident enough: not applied, said on stderr; the boxes as given or no camera.
"$P" "${common[@]}" --box "$b2" --box "$b1" -o "$tmp/low" --associate --associate-min-confidence 1000 \
  >"$tmp/out.txt" 2>"$tmp/err.txt"
grep -q "^association: low confidence (ambiguous" "$tmp/out.txt" || fail "no low-confidence line on stdout"
grep -q "low confidence .*not applied, separating with the boxes as given" "$tmp/err.txt" ||
  fail "no warning on stderr: $(cat "$tmp/err.txt")"
same_stems "$tmp/wrong" "$tmp/low" "a low-confidence pairing was applied"
"$P" "${common[@]}" --box "$b2" --box "$b1" -o "$tmp/low_audio" --associate --associate-min-confidence 1000 \
  --associate-fallback audio --quiet 2>"$tmp/err.txt"
grep -q "separating without the camera" "$tmp/err.txt" || fail "no fallback warning: $(cat "$tmp/err.txt")"
same_stems "$tmp/audio" "$tmp/low_audio" "--associate-fallback audio still uses the camera"
# The lower threshold for long evidence: asked for alone, a high confidence is
# needed however long the evidence; with a long threshold of 0 from 1 s on,
# the same pairing is applied.
"$P" "${common[@]}" --box "$b2" --box "$b1" --associate-only --associate-min-confidence 1000 \
  --associate-long-evidence 1 >"$tmp/out.txt"
grep -q "^association: confidence .*; needed 1000.00$" "$tmp/out.txt" || fail "long evidence lowered an explicit threshold"
grep -q "^association: low confidence (ambiguous" "$tmp/out.txt" || fail "an explicit threshold not kept"
"$P" "${common[@]}" --box "$b2" --box "$b1" --associate-only --associate-min-confidence 1000 \
  --associate-long-evidence 1 --associate-long-confidence 0 >"$tmp/out.txt"
grep -q "^association: confidence .*; needed 0.00$" "$tmp/out.txt" || fail "the long threshold not used"
grep -q "^association: confident" "$tmp/out.txt" || fail "not confident at the long threshold"
# Too little music with motion.
"$P" "${common[@]}" --box "$b2" --box "$b1" --associate-only --associate-min-evidence 60 >"$tmp/out.txt"
grep -q "^association: low confidence (too little music with motion)" "$tmp/out.txt" || fail "evidence rule"

# One dictionary twice: nothing to decide, the boxes keep their order.
"$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/a.dict" --fft 512 --video "$tmp/stage.y4m" --box "$b2" \
  --box "$b1" --associate-only >"$tmp/out.txt"
grep -q "^association: pairing 1,2 (the only one possible)" "$tmp/out.txt" || fail "identical dictionaries"

# No boxes given: --find-boxes finds them (left to right: a's, then b's) and,
# with the dictionaries given the other way round, --associate pairs them 2,1;
# the stems are those of the right order within a few hundredths of the
# mixture's energy (the boxes found are not the drawn ones to the pixel).
"$P" -i "$tmp/mix.wav" -d "$tmp/b.dict" -d "$tmp/a.dict" --fft 512 --activity-strength 1 --video "$tmp/stage.y4m" \
  --find-boxes 8 -o "$tmp/found" --associate >"$tmp/out.txt" 2>"$tmp/err.txt"
cat "$tmp/err.txt"
grep -q "players found in the first 8.0 s of .*stage.y4m: --box [0-9,]* --box [0-9,]* (left to right; --associate" \
  "$tmp/err.txt" || fail "--find-boxes did not say what it found"
grep -q "^association: pairing 2,1" "$tmp/out.txt" || fail "found boxes not paired 2,1: $(cat "$tmp/out.txt")"
grep -q "^association: applied (boxes reordered)" "$tmp/out.txt" || fail "the pairing of the found boxes not applied"
"$py" - "$tmp" <<'PY' || fail "the found boxes' stems are not the drawn boxes' (see above)"
import sys
import numpy as np
d = sys.argv[1]
def stem(path):  # camsep-process writes mono 32-bit float WAV
    b = open(path, "rb").read()
    k = b.index(b"data", 12)
    return np.frombuffer(b[k + 8:k + 8 + int.from_bytes(b[k + 4:k + 8], "little")], "<f4").astype(float)
for found, drawn in (("stem1", "stem2"), ("stem2", "stem1")):  # -d b a against -d a b
    x, y = stem(f"{d}/found/{found}.wav"), stem(f"{d}/right/{drawn}.wav")
    diff = 10 * np.log10(np.sum((x - y) ** 2) / np.sum(y ** 2))
    print(f"found boxes' {found} against the drawn boxes' {drawn}: difference {diff:.1f} dB")
    assert diff < -10.0, diff
PY

# Errors: one line, no output directory.
expect_error() { # expect_error PATTERN COMMAND...
  local pattern=$1; shift
  rm -rf "$tmp/x"
  if "$@" >/dev/null 2>"$tmp/err.txt"; then fail "succeeded: $*"; fi
  [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] || fail "not one line of error for: $* ($(cat "$tmp/err.txt"))"
  grep -q -- "$pattern" "$tmp/err.txt" || fail "error for '$*' lacks '$pattern': $(cat "$tmp/err.txt")"
  [ ! -e "$tmp/x" ] || fail "a failed run created the output directory: $*"
}
X=(-i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" --fft 512 -o "$tmp/x")
expect_error "--associate needs --video" "$P" "${X[@]}" --associate
expect_error "--associate needs --video" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" --associate-only
expect_error "--associate-feature: 'loud' is not" "$P" "${X[@]}" --video "$tmp/stage.y4m" --box "$b1" --box "$b2" \
  --associate --associate-feature loud
expect_error "--associate-fallback: 'none' is not" "$P" "${X[@]}" --associate-fallback none
expect_error "--associate-min-confidence" "$P" "${X[@]}" --associate-min-confidence -1
expect_error "--associate-long-confidence" "$P" "${X[@]}" --associate-long-confidence -1
expect_error "--associate-long-evidence" "$P" "${X[@]}" --associate-long-evidence x
expect_error "--associate-motion: 'x' is not" "$P" "${X[@]}" --associate-motion x
expect_error "--find-boxes needs --video with a file" "$P" "${X[@]}" --find-boxes 5
expect_error "--find-boxes needs --video with a file" "$P" "${X[@]}" --video - --find-boxes 5
expect_error "give it or --box, not both" "$P" "${X[@]}" --video "$tmp/stage.y4m" --box "$b1" --box "$b2" \
  --find-boxes 5
"$py" -c "print('time,p1,p2'); print('0,0,0'); print('1,0,0')" >"$tmp/still.csv"
"$S" -a "$tmp/still.csv" -p 2 -o "$tmp/still.y4m" --size 192x144 --fps 25 --duration 1 --sway 0 --gesture 0 \
  >/dev/null
expect_error "0 players found for 2 dictionaries in the first 1.0 s" "$P" "${X[@]}" --video "$tmp/still.y4m" \
  --find-boxes 5
"$P" --help >"$tmp/help.txt"
grep -q -- "--associate  " "$tmp/help.txt" || fail "--help does not describe --associate"
echo "test_associate_cli: ok"

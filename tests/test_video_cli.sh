#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Command-line contract of camsep-process --video: camera priors from a Y4M
# stage rendered by camsep-scene change the stems in the right direction (two
# players of the SAME instrument, one dictionary: audio alone splits the mix
# in half; the camera tells who rests), a video that is late by a whole number
# of frames is realigned by --camera-latency, and bad boxes, bad videos and
# conflicting options fail with one line and write no stems.
# Usage: test_video_cli.sh CAMSEP_PROCESS CAMSEP_TRAIN CAMSEP_SCENE
set -euo pipefail
P=$1 T=$2 S=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fail() { echo "test_video_cli: FAILED: $*" >&2; exit 1; }

# Material (stdlib only), 16 kHz: player A plays throughout, player B (same
# timbre, another register) rests from 1.6 to 3.0 s; a solo of that timbre for
# the dictionary; the activity curves the stage follows (1 = playing hard).
"$py" - "$tmp" <<'PY'
import math, random, struct, sys, wave
d = sys.argv[1]; rate = 16000; n = 4 * rate
REST = (1.6, 3.0)
def melody(freqs, note_s, n, seed, gate=lambda t: 1.0):
    rnd = random.Random(seed)
    out = [0.0] * n
    for i in range(n):
        t = i / rate
        k = int(t / note_s); f0 = freqs[k % len(freqs)]
        ph = (t - k * note_s) / note_s
        env = min(1.0, ph * 20) * min(1.0, (1 - ph) * 20) * gate(t)
        if env <= 0:
            continue
        out[i] = env * 0.15 * sum((0.7 ** h) * math.sin(2 * math.pi * (h + 1) * f0 * t) for h in range(8)
                                  if (h + 1) * f0 < rate / 2)
    return out
def write(name, x):
    with wave.open(f"{d}/{name}", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", max(-32767, min(32767, int(v * 32767)))) for v in x))
def gate_b(t):
    a, b = REST
    return max(0.0, min(1.0, abs(t - (a + b) / 2) / 0.02 - (b - a) / 2 / 0.02))
solo = melody([220, 247, 262, 294, 330, 349, 392, 440, 494, 523], 0.2, 3 * rate, 1)
a = melody([392, 440, 494, 523, 587], 0.25, n, 2)
b = melody([247, 262, 294, 220, 330, 294], 0.3, n, 3, gate_b)
write("solo.wav", solo); write("a.wav", a); write("b.wav", b)
write("mix.wav", [p + q for p, q in zip(a, b)])
with open(f"{d}/activity.csv", "w") as f:
    f.write("time,p1,p2\n")
    for k in range(int(4.0 / 0.02) + 1):
        t = k * 0.02
        f.write("%.2f,1,%.3f\n" % (t, gate_b(t)))
PY

"$T" --quiet -o "$tmp/inst.dict" --atoms 8 --iterations 60 --fft 512 "$tmp/solo.wav"
"$S" -a "$tmp/activity.csv" -p 2 -o "$tmp/stage.y4m" --size 192x144 --fps 25 --duration 4 --sway 1 \
  --gesture 3 --noise 1 --seed 3 >"$tmp/boxes.txt"
[ "$(wc -l <"$tmp/boxes.txt")" -eq 2 ] || fail "camsep-scene printed $(wc -l <"$tmp/boxes.txt") boxes, not 2"
# --busy is every disturbance at once; a value after it overrides one of them
"$S" -a "$tmp/activity.csv" -p 2 -o "$tmp/busy.y4m" --size 96x72 --fps 25 --duration 1 --busy --noise 2 \
  --seed 3 >/dev/null || fail "camsep-scene --busy failed"
"$S" -a "$tmp/activity.csv" -p 2 -o "$tmp/each.y4m" --size 96x72 --fps 25 --duration 1 --sway 6 --gesture 15 \
  --shake 3 --jitter 2 --flicker 0.1 --fade 0.3 --spot 0.15 --noise 2 --occlude --seed 3 >/dev/null ||
  fail "camsep-scene with every disturbance failed"
cmp -s "$tmp/busy.y4m" "$tmp/each.y4m" || fail "camsep-scene --busy differs from its disturbances one by one"
"$S" -a "$tmp/activity.csv" -p 2 -o "$tmp/calm.y4m" --size 96x72 --fps 25 --duration 1 --noise 2 --seed 3 \
  >/dev/null || fail "camsep-scene (calm) failed"
cmp -s "$tmp/busy.y4m" "$tmp/calm.y4m" && fail "camsep-scene --busy renders a calm stage"
boxes=()
while read -r b; do boxes+=(--box "$b"); done <"$tmp/boxes.txt"
common=(-i "$tmp/mix.wav" -d "$tmp/inst.dict" -d "$tmp/inst.dict" --fft 512 --activity-strength 1 --quiet)

# The same video 0.2 s (5 frames) late: its first frame repeated 5 times.
"$py" - "$tmp/stage.y4m" "$tmp/late.y4m" 5 <<'PY'
import sys
data = open(sys.argv[1], "rb").read(); k = int(sys.argv[3])
h = data.index(b"\n") + 1
tags = data[:h].split()
w = int(next(t[1:] for t in tags if t.startswith(b"W"))); hh = int(next(t[1:] for t in tags if t.startswith(b"H")))
assert any(t == b"Cmono" for t in tags), tags
first = data[h:data.index(b"\n", h) + 1 + w * hh]
assert data[h + len(first):].startswith(b"FRAME"), "unexpected frame layout"
open(sys.argv[2], "wb").write(data[:h] + first * k + data[h:])
PY

"$P" "${common[@]}" -o "$tmp/audio"
"$P" "${common[@]}" -o "$tmp/video" --video "$tmp/stage.y4m" "${boxes[@]}"
for lat in 0 0.16 0.2 0.24; do
  "$P" "${common[@]}" -o "$tmp/late$lat" --video "$tmp/late.y4m" "${boxes[@]}" --camera-latency $lat
done
# The same through a pipe ("-" reads stdin) gives the same stems.
"$P" "${common[@]}" -o "$tmp/pipe" --video - "${boxes[@]}" <"$tmp/stage.y4m"
for s in stem1 stem2; do
  cmp -s "$tmp/video/$s.wav" "$tmp/pipe/$s.wav" || fail "--video - (stdin) changes $s"
done
# The motion knee: 0.5 is the default; 2 reads the same motion as weaker priors.
"$P" "${common[@]}" -o "$tmp/knee05" --video "$tmp/stage.y4m" "${boxes[@]}" --motion-knee 0.5
for s in stem1 stem2; do
  cmp -s "$tmp/video/$s.wav" "$tmp/knee05/$s.wav" || fail "--motion-knee 0.5 is not the default ($s differs)"
done
"$P" "${common[@]}" -o "$tmp/knee05" --video "$tmp/stage.y4m" "${boxes[@]}" --report "$tmp/knee05.csv"
"$P" "${common[@]}" -o "$tmp/knee2" --video "$tmp/stage.y4m" "${boxes[@]}" --motion-knee 2 --report "$tmp/knee2.csv"
"$py" - "$tmp/knee05.csv" "$tmp/knee2.csv" <<'PY' || fail "--motion-knee 2"
import csv, sys
def mean_priors(path):  # over frames where the camera says someone plays (the first player, 0.3-1.4 s)
    rows = [r for r in csv.DictReader(open(path)) if 0.3 <= float(r["time_s"]) <= 1.4]
    return sum(float(r["prior_1"]) for r in rows) / len(rows)
p05, p2 = mean_priors(sys.argv[1]), mean_priors(sys.argv[2])
print("test_video_cli: first player's mean prior while playing: %.2f at knee 0.5, %.2f at knee 2" % (p05, p2))
assert p05 > 0.8 and p2 < p05 - 0.15
PY

"$py" - "$tmp" <<'PY'
import math, struct, sys, wave
d = sys.argv[1]; rate = 16000
def read_float_wav(path):
    data = open(path, "rb").read()
    pos, samples = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"data":
            samples = list(struct.unpack(f"<{size // 4}f", data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return samples
def read_pcm(path):
    with wave.open(path) as w:
        raw = w.readframes(w.getnframes())
    return [v / 32768 for v in struct.unpack(f"<{len(raw) // 2}h", raw)]
mix, a, b = (read_pcm(f"{d}/{n}.wav") for n in ("mix", "a", "b"))
def stems(run):
    return [read_float_wav(f"{d}/{run}/stem{j}.wav") for j in (1, 2)]
def energy(x, t0, t1):
    return sum(v * v for v in x[int(t0 * rate):int(t1 * rate)]) + 1e-20
def sdr(ref, est):
    return 10 * math.log10(sum(r * r for r in ref) / (sum((r - e) ** 2 for r, e in zip(ref, est)) + 1e-20))
def rel_diff_db(x, y):  # energy of the difference re the energy of x
    return 10 * math.log10((sum((p - q) ** 2 for p, q in zip(x, y)) + 1e-30) / sum(p * p for p in x))
au, vi = stems("audio"), stems("video")
for s in au + vi:
    assert len(s) == len(mix)
# B rests from 1.6 to 3.0 s; judge 1.9-2.8 s (after the camera's release).
rest = (1.9, 2.8)
leak_a = 10 * math.log10(energy(au[1], *rest) / energy(mix, *rest))
leak_v = 10 * math.log10(energy(vi[1], *rest) / energy(mix, *rest))
sdr_a = [sdr(a, au[0]), sdr(b, au[1])]
sdr_v = [sdr(a, vi[0]), sdr(b, vi[1])]
print("test_video_cli: resting player's stem %.1f dB re the mix audio-only, %.1f dB with the camera; "
      "SDR audio-only %.1f/%.1f, camera %.1f/%.1f dB" % (leak_a, leak_v, *sdr_a, *sdr_v))
assert -8.0 < leak_a < -4.0, "audio-only should split the same-instrument mix about in half"
assert leak_v < leak_a - 6.0, "the camera does not silence the resting player"
assert all(v > a + 0.4 for v, a in zip(sdr_v, sdr_a)), "the camera does not improve the SDR"
assert energy(vi[1], 0.3, 1.4) > 0.25 * energy(au[1], 0.3, 1.4), "the camera silences a playing player"

# Alignment: the late video with the matching latency gives (nearly) the stems of
# the unshifted video; no latency, or one frame off, is clearly worse.
lat = {x: stems("late" + x) for x in ("0", "0.16", "0.2", "0.24")}
diff = {x: max(rel_diff_db(vi[j], lat[x][j]) for j in (0, 1)) for x in lat}
print("test_video_cli: stems of the 0.2 s late video vs the unshifted one (dB re the stem): " +
      ", ".join("latency %s: %.1f" % (x, diff[x]) for x in lat))
assert diff["0.2"] < -30.0, "a matching --camera-latency does not realign a late video"
assert diff["0"] > diff["0.2"] + 10.0, "a late video without --camera-latency changes nothing"
assert diff["0.16"] > diff["0.2"] + 3.0 and diff["0.24"] > diff["0.2"] + 3.0, "alignment is not frame-accurate"
PY

# Errors: one line naming the problem, non-zero exit, no stems written.
expect_error() { # expect_error PATTERN COMMAND...
  local pattern=$1; shift
  rm -rf "$tmp/x"
  if "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"; then fail "succeeded: $*"; fi
  [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] || fail "not one line of error for: $* ($(cat "$tmp/err.txt"))"
  grep -q -- "$pattern" "$tmp/err.txt" || fail "error for '$*' lacks '$pattern': $(cat "$tmp/err.txt")"
  ! ls "$tmp"/x/stem*.wav >/dev/null 2>&1 || fail "a failed run wrote stems: $*"
}
expect_error_early() { # ... and not even the output directory
  expect_error "$@"
  [ ! -e "$tmp/x" ] || fail "a failed run created the output directory: ${*:2}"
}
X=(-i "$tmp/mix.wav" -d "$tmp/inst.dict" -d "$tmp/inst.dict" -o "$tmp/x" --fft 512)
b1=$(sed -n 1p "$tmp/boxes.txt")
expect_error_early "one --box per -d (1 boxes for 2" "$P" "${X[@]}" --video "$tmp/stage.y4m" --box "$b1"
expect_error_early "one --box per -d (3 boxes for 2" "$P" "${X[@]}" --video "$tmp/stage.y4m" "${boxes[@]}" --box "$b1"
expect_error_early "box 2 (500,10,20,20) lies outside the 192x144 frame" \
  "$P" "${X[@]}" --video "$tmp/stage.y4m" --box "$b1" --box 500,10,20,20
expect_error_early "box 1 (-50,10,20,20) lies outside" \
  "$P" "${X[@]}" --video "$tmp/stage.y4m" --box -50,10,20,20 --box "$b1"
for bad in 1,2,3 1,2,3,4,5 a,b,c,d 10,10,0,20 10,10,20,-5 "10;10;20;20" 10,10,20,20x nan,1,2,3; do
  expect_error_early "--box: '$bad' is not X,Y,W,H" "$P" "${X[@]}" --video "$tmp/stage.y4m" --box "$bad" --box "$b1"
done
expect_error_early "--box needs --video" "$P" "${X[@]}" "${boxes[@]}"
expect_error_early "nope.y4m: cannot open" "$P" "${X[@]}" --video "$tmp/nope.y4m" "${boxes[@]}"
printf 'not a video\n' >"$tmp/text.y4m"
expect_error_early "text.y4m: not a Y4M stream" "$P" "${X[@]}" --video "$tmp/text.y4m" "${boxes[@]}"
printf 'YUV4MPEG2 W192 H144 Cmono\n' >"$tmp/norate.y4m"
expect_error_early "no frame rate" "$P" "${X[@]}" --video "$tmp/norate.y4m" "${boxes[@]}"
: >"$tmp/empty.y4m"
expect_error_early "empty.y4m: empty stream" "$P" "${X[@]}" --video "$tmp/empty.y4m" "${boxes[@]}"
expect_error_early "is a directory" "$P" "${X[@]}" --video "$tmp" "${boxes[@]}"
# A stream that breaks off in the middle of a frame fails when it gets there.
hdr=$(head -n 1 "$tmp/stage.y4m" | wc -c)
head -c $((hdr + 40 * (6 + 192 * 144) + 1000)) "$tmp/stage.y4m" >"$tmp/cut.y4m"
expect_error "cut.y4m: truncated frame 40" "$P" "${X[@]}" --video "$tmp/cut.y4m" "${boxes[@]}"
expect_error_early "--video and --priors both give priors" \
  "$P" "${X[@]}" --video "$tmp/stage.y4m" "${boxes[@]}" --priors "$tmp/activity.csv"
expect_error_early "--camera-latency" "$P" "${X[@]}" --video "$tmp/stage.y4m" "${boxes[@]}" --camera-latency 0.1s
expect_error_early "--motion-knee needs --video" "$P" "${X[@]}" --motion-knee 1
expect_error_early "--motion-knee" "$P" "${X[@]}" --video "$tmp/stage.y4m" "${boxes[@]}" --motion-knee 3
echo "test_video_cli: ok"

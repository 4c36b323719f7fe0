#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Command-line contract of camsep-train --video (a sound check): from one
# recording where each of two players plays alone and then both together,
# and a camsep-scene video of that stage, it writes one dictionary per box
# (named, or playerN), reports the seconds alone/together it found, and the
# dictionaries separate a new duet of the two players. Too little material
# names the player and writes nothing; bad boxes and options fail with one line.
# Usage: test_soundcheck_cli.sh CAMSEP_TRAIN CAMSEP_PROCESS CAMSEP_SCENE
set -euo pipefail
T=$1 P=$2 S=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fail() { echo "test_soundcheck_cli: FAILED: $*" >&2; exit 1; }

# 16 kHz material (stdlib only). Player A: bright, every harmonic; player B:
# dark, odd harmonics. Sound check: A alone 0-3 s, B alone 3.4-6.4 s, both
# 6.8-9.8 s. Test duet: other notes, both at once, 3 s.
"$py" - "$tmp" <<'PY'
import math, struct, sys, wave
d = sys.argv[1]; rate = 16000
def voice(kind, f0, t):
    hs = range(1, 12) if kind == "A" else range(1, 12, 2)
    return sum((1.0 / h if kind == "A" else 1.0 / (h * h)) * math.sin(2 * math.pi * h * f0 * t)
               for h in hs if h * f0 < rate / 2)
def melody(kind, freqs, note_s, start, end, n):
    out = [0.0] * n
    for i in range(int(start * rate), min(n, int(end * rate))):
        t = i / rate - start
        k = int(t / note_s); ph = (t - k * note_s) / note_s
        out[i] = 0.12 * min(1.0, ph * 20) * min(1.0, (1 - ph) * 20) * voice(kind, freqs[k % len(freqs)], t)
    return out
def write(name, x):
    with wave.open(f"{d}/{name}", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", max(-32767, min(32767, int(v * 32767)))) for v in x))
n = 10 * rate
FA = [330, 370, 392, 440, 494, 523]; FB = [196, 220, 247, 262, 294]
a = [p + q for p, q in zip(melody("A", FA, 0.25, 0.0, 3.0, n), melody("A", FA[::-1], 0.3, 6.8, 9.8, n))]
b = [p + q for p, q in zip(melody("B", FB, 0.3, 3.4, 6.4, n), melody("B", FB[::-1], 0.25, 6.8, 9.8, n))]
write("soundcheck.wav", [p + q for p, q in zip(a, b)])
m = 3 * rate
ta = melody("A", [392, 330, 494, 440], 0.35, 0.0, 3.0, m); tb = melody("B", [262, 220, 294, 196], 0.4, 0.0, 3.0, m)
write("duet_a.wav", ta); write("duet_b.wav", tb); write("duet.wav", [p + q for p, q in zip(ta, tb)])
def on(t, spans):
    return 1.0 if any(s <= t <= e for s, e in spans) else 0.0
with open(f"{d}/activity.csv", "w") as f:
    f.write("time,p1,p2\n")
    for k in range(0, 501):
        t = k * 0.02
        f.write("%.2f,%.1f,%.1f\n" % (t, on(t, [(0, 3), (6.8, 9.8)]), on(t, [(3.4, 6.4), (6.8, 9.8)])))
PY

"$S" -a "$tmp/activity.csv" -p 2 -o "$tmp/stage.y4m" --size 192x144 --fps 25 --duration 10 --sway 1 \
  --gesture 3 --noise 1 --seed 5 >"$tmp/boxes.txt"
mapfile -t box <"$tmp/boxes.txt"
[ "${#box[@]}" -eq 2 ] || fail "camsep-scene printed ${#box[@]} boxes"
train=(--atoms 8 --iterations 80 --fft 512 --min-alone 1.5 --video "$tmp/stage.y4m")

# Named boxes; the report of what the camera found.
"$T" "${train[@]}" --box "A=${box[0]}" --box "B=${box[1]}" -o "$tmp/named" "$tmp/soundcheck.wav" \
  2>"$tmp/named.log" || { cat "$tmp/named.log" >&2; fail "camsep-train --video failed"; }
for n in A B; do
  [ -s "$tmp/named/$n.dict" ] || fail "no $n.dict"
  grep -Eq "^  $n +[0-9.]+ s alone +[0-9.]+ s together" "$tmp/named.log" || fail "no material line for $n"
  # the transposition chosen by the together part (the default), one of its candidates
  grep -Eq "wrote .*/$n\.dict \(alone part moved up to [12] semitones, chosen by the together part\)" "$tmp/named.log" ||
    { cat "$tmp/named.log" >&2; fail "no transposition reported for $n"; }
done
"$py" - "$tmp/named.log" <<'PY' || fail "material report"
import re, sys
rows = {m.group(1): (float(m.group(2)), float(m.group(3)))
        for m in re.finditer(r"^  (\w+) +([0-9.]+) s alone +([0-9.]+) s together", open(sys.argv[1]).read(), re.M)}
print("test_soundcheck_cli: material", rows)
for n in "AB":
    alone, together = rows[n]
    assert 1.8 <= alone <= 3.1 and 1.8 <= together <= 3.1, (n, alone, together)
PY
ls -A "$tmp/named" | grep -q partial && fail "a partial file was left behind"

# Unnamed boxes: player1, player2 in box order; same seed, same atoms.
"$T" "${train[@]}" --quiet --box "${box[0]}" --box "${box[1]}" -o "$tmp/plain" "$tmp/soundcheck.wav"
[ -s "$tmp/plain/player1.dict" ] && [ -s "$tmp/plain/player2.dict" ] || fail "no playerN.dict"

# The learned dictionaries separate a new duet.
"$P" -i "$tmp/duet.wav" -d "$tmp/named/A.dict" -d "$tmp/named/B.dict" --fft 512 --quiet -o "$tmp/sep"
"$py" - "$tmp" <<'PY' || fail "the learned dictionaries do not separate the duet"
import math, struct, sys, wave
d = sys.argv[1]
def read_float_wav(path):
    data = open(path, "rb").read(); pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"data":
            return list(struct.unpack(f"<{size // 4}f", data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
def read_pcm(path):
    with wave.open(path) as w:
        raw = w.readframes(w.getnframes())
    return [v / 32768 for v in struct.unpack(f"<{len(raw) // 2}h", raw)]
def sdr(ref, est):
    return 10 * math.log10(sum(r * r for r in ref) / (sum((r - e) ** 2 for r, e in zip(ref, est)) + 1e-20))
a, b = read_pcm(f"{d}/duet_a.wav"), read_pcm(f"{d}/duet_b.wav")
s1, s2 = read_float_wav(f"{d}/sep/stem1.wav"), read_float_wav(f"{d}/sep/stem2.wav")
right, swapped = (sdr(a, s1) + sdr(b, s2)) / 2, (sdr(a, s2) + sdr(b, s1)) / 2
print("test_soundcheck_cli: duet SDR %.1f dB (the stems swapped: %.1f dB)" % (right, swapped))
assert right > 8.0 and right > swapped + 10.0
PY

# Too little alone material: the player is named, nothing is written.
if "$T" "${train[@]}" --box "A=${box[0]}" --box "B=${box[1]}" --min-alone 5 -o "$tmp/short" \
  "$tmp/soundcheck.wav" 2>"$tmp/short.log"; then
  fail "--min-alone 5 accepted 3 s alone"
fi
grep -q "camsep-train: A: only .* s alone" "$tmp/short.log" || { cat "$tmp/short.log" >&2; fail "no message naming A"; }
grep -q "nothing written" "$tmp/short.log" || fail "the message does not say nothing was written"
[ -z "$(ls -A "$tmp/short" 2>/dev/null)" ] || fail "files left in the output directory: $(ls -A "$tmp/short")"

# Bad invocations: one line, exit 2 (usage) or 1, nothing written.
expect_fail() {
  local what=$1; shift
  if "$T" "$@" >"$tmp/out.log" 2>&1; then fail "$what: accepted"; fi
  [ "$(wc -l <"$tmp/out.log")" -eq 1 ] || { cat "$tmp/out.log" >&2; fail "$what: not one line"; }
  grep -q "^camsep-train: " "$tmp/out.log" || fail "$what: no program prefix"
}
expect_fail "box without video" --box "${box[0]}" -o "$tmp/x.dict" "$tmp/soundcheck.wav"
expect_fail "automatic transposition without video" --transpose auto -o "$tmp/x.dict" "$tmp/soundcheck.wav"
expect_fail "a transposition that is no number" "${train[@]}" --box "${box[0]}" --transpose autumn -o "$tmp/x" \
  "$tmp/soundcheck.wav"
expect_fail "video without box" --video "$tmp/stage.y4m" -o "$tmp/x" "$tmp/soundcheck.wav"
expect_fail "a box name with a slash" "${train[@]}" --box "../A=${box[0]}" -o "$tmp/x" "$tmp/soundcheck.wav"
expect_fail "two boxes of one name" "${train[@]}" --box "A=${box[0]}" --box "A=${box[1]}" -o "$tmp/x" \
  "$tmp/soundcheck.wav"
expect_fail "a malformed box" "${train[@]}" --box "A=1,2,3" -o "$tmp/x" "$tmp/soundcheck.wav"
expect_fail "two recordings" "${train[@]}" --box "${box[0]}" -o "$tmp/x" "$tmp/soundcheck.wav" "$tmp/duet.wav"
expect_fail "resting above playing" "${train[@]}" --box "${box[0]}" --playing 0.3 --resting 0.5 -o "$tmp/x" \
  "$tmp/soundcheck.wav"
printf 'not a video\n' >"$tmp/bad.y4m"
expect_fail "a bad video" --atoms 8 --fft 512 --video "$tmp/bad.y4m" --box "${box[0]}" -o "$tmp/x" \
  "$tmp/soundcheck.wav"
[ ! -e "$tmp/x" ] || [ -z "$(ls -A "$tmp/x")" ] || fail "a failed run left files in $tmp/x"
echo "test_soundcheck_cli: ok"

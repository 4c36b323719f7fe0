#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Command-line contract of camsep-train and camsep-process: determinism,
# block-size independence of the written stems, stems that add up to the mix,
# priors from CSV, and one-line errors with a non-zero exit on bad input.
# Usage: test_tools.sh TOOLS_DIR
set -euo pipefail
tools=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fail() { echo "test_tools: FAILED: $*" >&2; exit 1; }

# Material: two synthetic instruments (stdlib only), 16-bit WAVs at 22050 Hz.
"$py" - "$tmp" <<'PY'
import math, struct, sys, wave
d = sys.argv[1]; rate = 22050
def tone(f0, odd, start, end, n):
    out = [0.0] * n
    for i in range(int(start * rate), min(n, int(end * rate))):
        t = i / rate
        out[i] = sum((1.0 / h) * math.sin(2 * math.pi * h * f0 * t)
                     for h in range(1, 12) if (h % 2 == 1 or not odd) and h * f0 < rate / 2) * 0.2
    return out
def write(name, x):
    with wave.open(f"{d}/{name}", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", max(-32767, min(32767, int(v * 32767)))) for v in x))
n = int(1.5 * rate)
a = [0.0] * n; b = [0.0] * n
for k, f in enumerate([330, 392, 440, 494, 523, 587]):
    a = [p + q for p, q in zip(a, tone(f, True, k * 0.25, k * 0.25 + 0.24, n))]
for k, f in enumerate([110, 131, 147, 165, 98, 123]):
    b = [p + q for p, q in zip(b, tone(f, False, k * 0.25, k * 0.25 + 0.24, n))]
write("a.wav", a); write("b.wav", b)
write("mix.wav", [p + q for p, q in zip(a, b)])
with open(f"{d}/priors.csv", "w") as f:
    f.write("time,p1,p2\n")
    for k in range(40):
        f.write(f"{k * 0.04:.2f},0.9,0.4\n")
PY

# Training is deterministic for a seed.
"$tools/camsep-train" --quiet -o "$tmp/a.dict" --atoms 8 --iterations 40 --fft 512 "$tmp/a.wav"
"$tools/camsep-train" --quiet -o "$tmp/a2.dict" --atoms 8 --iterations 40 --fft 512 "$tmp/a.wav"
"$tools/camsep-train" --quiet -o "$tmp/b.dict" --atoms 8 --iterations 40 --fft 512 --name "bass" "$tmp/b.wav"
cmp -s "$tmp/a.dict" "$tmp/a2.dict" || fail "training is not deterministic"
"$tools/camsep-train" --quiet -o "$tmp/a3.dict" --atoms 8 --iterations 40 --fft 512 --seed 9 "$tmp/a.wav"
cmp -s "$tmp/a.dict" "$tmp/a3.dict" && fail "the seed changes nothing"
"$tools/camsep-train" --quiet -o "$tmp/a4.dict" --atoms 8 --iterations 40 --fft 512 --transpose 1 "$tmp/a.wav"
cmp -s "$tmp/a.dict" "$tmp/a4.dict" && fail "--transpose changes nothing"

# Separation through different host block sizes writes identical files.
for block in 1 64 1000 4096; do
  "$tools/camsep-process" --quiet -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" -o "$tmp/out$block" \
    --fft 512 --block $block --priors "$tmp/priors.csv" --activity-strength 1
done
for block in 64 1000 4096; do
  for s in stem1 stem2; do
    cmp -s "$tmp/out1/$s.wav" "$tmp/out$block/$s.wav" || fail "--block $block changes $s"
  done
done

# Stems are aligned with the mix, as long as it, and add up to it; each stem is
# mostly its own instrument.
"$py" - "$tmp" <<'PY'
import math, struct, sys, wave
d = sys.argv[1]
def read_float_wav(path):
    data = open(path, "rb").read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    pos, fmt, samples = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ": fmt = struct.unpack("<HHIIHH", body[:16])
        if cid == b"data": samples = list(struct.unpack(f"<{size // 4}f", body))
        pos += 8 + size + (size & 1)
    assert fmt and fmt[0] in (3, 0xFFFE) and fmt[1] == 1 and fmt[5] == 32, f"{path}: not mono float: {fmt}"
    return samples
def read_pcm(path):
    with wave.open(path) as w:
        raw = w.readframes(w.getnframes())
    return [v / 32768 for v in struct.unpack(f"<{len(raw) // 2}h", raw)]
mix, a, b = (read_pcm(f"{d}/{n}.wav") for n in ("mix", "a", "b"))
s1, s2 = read_float_wav(f"{d}/out64/stem1.wav"), read_float_wav(f"{d}/out64/stem2.wav")
assert len(s1) == len(s2) == len(mix), (len(s1), len(mix))
err = max(abs(x + y - m) for x, y, m in zip(s1, s2, mix))
assert err < 1e-4, f"stems do not add up to the mix: {err}"
def sdr(ref, est):
    num = sum(r * r for r in ref); den = sum((r - e) ** 2 for r, e in zip(ref, est))
    return 10 * math.log10(num / den)
print(f"test_tools: stems add up to the mix (max error {err:.2e}); SDR {sdr(a, s1):.1f} / {sdr(b, s2):.1f} dB")
assert sdr(a, s1) > 5 and sdr(b, s2) > 5
PY

# Errors: one line naming the problem, non-zero exit, nothing half-written.
expect_error() { # expect_error PATTERN COMMAND...
  local pattern=$1; shift
  if "$@" >"$tmp/out.txt" 2>"$tmp/err.txt"; then fail "succeeded: $*"; fi
  [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] || fail "not one line of error for: $* ($(cat "$tmp/err.txt"))"
  grep -q -- "$pattern" "$tmp/err.txt" || fail "error for '$*' lacks '$pattern': $(cat "$tmp/err.txt")"
}
P="$tools/camsep-process"; T="$tools/camsep-train"
expect_error "no dictionary" "$P" -i "$tmp/mix.wav" -o "$tmp/x"
expect_error "nope.wav" "$P" -i "$tmp/nope.wav" -d "$tmp/a.dict" -o "$tmp/x"
head -c 300 "$tmp/a.dict" >"$tmp/short.dict"
expect_error "short.dict" "$P" -i "$tmp/mix.wav" -d "$tmp/short.dict" -o "$tmp/x"
expect_error "even" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -o "$tmp/x" --fft 511
# A dictionary is used only with the window it was learned for (a.dict: 512, symmetric).
expect_error "learn it for this latency (camsep-train --fft 2048 --latency 1024)" "$P" -i "$tmp/mix.wav" \
  -d "$tmp/a.dict" -o "$tmp/x"
expect_error "latency 1024 must be even and within 2..512" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -o "$tmp/x" \
  --fft 512 --latency 1024
expect_error "half the latency" "$T" -o "$tmp/x.dict" --latency 256 --hop 200 "$tmp/a.wav"
expect_error "unknown option --bogus" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -o "$tmp/x" --bogus
expect_error "within" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -o "$tmp/x" --mask-power nan
printf 'time,p1,p2\n0.0,0.5\n' >"$tmp/cols.csv"
expect_error "cols.csv:2: 2 columns" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" -o "$tmp/x" --fft 512 --priors "$tmp/cols.csv"
printf '0.0,0.5,1.5\n' >"$tmp/range.csv"
expect_error "range.csv:1: value 1.5" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" -o "$tmp/x" --fft 512 --priors "$tmp/range.csv"
printf '0.5,0.5,0.5\n0.1,0.5,0.5\n' >"$tmp/order.csv"
expect_error "order.csv:2: time" "$P" -i "$tmp/mix.wav" -d "$tmp/a.dict" -d "$tmp/b.dict" -o "$tmp/x" --fft 512 --priors "$tmp/order.csv"
expect_error "no solo" "$T" -o "$tmp/x.dict"
expect_error "non-silent frames" "$T" --quiet -o "$tmp/x.dict" --atoms 1000 "$tmp/a.wav"
printf 'not audio' >"$tmp/bad.wav"
expect_error "bad.wav" "$T" -o "$tmp/x.dict" "$tmp/bad.wav"
[ ! -e "$tmp/x.dict" ] || fail "a failed training left a file behind"
echo "test_tools: ok"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Test of camsep-plot: draws a synthetic two-stem separation and checks the
# picture's size and real pixels (via the --layout geometry), plus error exits.
# Usage: test_plot.sh PATH/TO/camsep-plot
set -euo pipefail

BIN=${1:?usage: test_plot.sh PATH/TO/camsep-plot}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# --- test material: 440 Hz in the first second, 1500 Hz in the second -------
"$PY" - "$WORK" <<'PYEOF'
import math, struct, sys, wave
work = sys.argv[1]
rate, half = 16000, 16000

def tone(freq, n, amp=0.5):
    return [amp * math.sin(2 * math.pi * freq * i / rate) for i in range(n)]

def write(name, samples, sr=rate):
    with wave.open(f"{work}/{name}", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(sr)
        w.writeframes(b"".join(struct.pack("<h", int(round(s * 32767))) for s in samples))

low, high, silence = tone(440, half), tone(1500, half), [0.0] * half
write("mix.wav", low + high)
write("low.wav", low + silence)
write("high.wav", silence + high)
write("low_22k.wav", tone(440, 2 * 11025), sr=22050)

hop = 512
with open(f"{work}/report.csv", "w") as f:
    f.write("frame,time_s,input_level,objective,act_1,act_2,mask_1,mask_2,prior_1,prior_2\n")
    for n in range(2 * half // hop):
        t = (n + 1) * hop / rate
        first = t < 1.0
        a1, a2 = (3.0, 0.1) if first else (0.1, 2.0)
        p1, p2 = (0.9, 1.0) if first else (0.2, 1.0)
        f.write(f"{n},{t:.6f},0.25,1.5,{a1},{a2},{a1/(a1+a2):.4f},{a2/(a1+a2):.4f},{p1},{p2}\n")
with open(f"{work}/bad.csv", "w") as f:
    f.write("frame,time_s,act_1,act_2\n0,0.0,1,oops\n")
PYEOF

# --- a normal run ------------------------------------------------------------
W=800
if ! "$BIN" -i "$WORK/mix.wav" -s "$WORK/low.wav" -s "$WORK/high.wav" \
        --report "$WORK/report.csv" --names "low,high" --title "test_plot" \
        --width $W -o "$WORK/out.png" --layout "$WORK/layout.txt"; then
    fail "camsep-plot failed on valid input"
fi

# --- the picture: size and pixels --------------------------------------------
"$PY" - "$WORK/out.png" "$WORK/layout.txt" "$W" <<'PYEOF' || fail "picture checks"
import math, struct, sys, zlib

png_path, layout_path, want_width = sys.argv[1], sys.argv[2], int(sys.argv[3])

def read_png(path):
    """Decodes an 8-bit, non-interlaced RGB or RGBA PNG into rows of (r, g, b)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = ihdr
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {ihdr}"
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1: line[i] = (line[i] + a) & 255
            elif ftype == 2: line[i] = (line[i] + b) & 255
            elif ftype == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows

layout = {}
for line in open(layout_path):
    if line.strip() and not line.startswith("#"):
        key, _, value = line.strip().partition("=")
        layout[key] = value

width, height, rows = read_png(png_path)
assert width == want_width, f"width {width}, wanted {want_width}"
assert height == int(layout["image_height"]), "height differs from the layout"
assert int(layout["image_width"]) == width

def rect(name):
    return [int(layout[f"{name}_{k}"]) for k in "xywh"]

def time_x(r, t):
    return r[0] + t / float(layout["time_max_s"]) * r[2]

def freq_y(r, f):
    lo, hi = math.log(float(layout["freq_min_hz"])), math.log(float(layout["freq_max_hz"]))
    return r[1] + r[3] * (1 - (math.log(f) - lo) / (hi - lo))

def brightness(r, t, f):
    """Brightest of the rows within 2 px of frequency f in panel r, each row's
    luma averaged over 9 columns around time t (a tone may be 1 px thin)."""
    xc, yc = int(time_x(r, t)), int(freq_y(r, f))
    best = 0.0
    for y in range(yc - 2, yc + 3):
        total = 0.0
        for x in range(xc - 4, xc + 5):
            assert r[0] <= x < r[0] + r[2] and r[1] <= y < r[1] + r[3]
            red, green, blue = rows[y][x]
            total += 0.2126 * red + 0.7152 * green + 0.0722 * blue
        best = max(best, total / 9)
    return best

checks = [
    ("mask_1", 440, 0.5, "bright"), ("mask_1", 440, 1.5, "dark"),
    ("mask_2", 1500, 1.5, "bright"), ("mask_2", 1500, 0.5, "dark"),
    ("spectrogram", 440, 0.5, "bright"), ("spectrogram", 440, 1.5, "dark"),
]
bad = 0
for panel, f, t, want in checks:
    b = brightness(rect(panel), t, f)
    ok = b > 150 if want == "bright" else b < 80
    print(f"  {panel:12s} {f:5d} Hz at {t:.1f} s: luma {b:6.1f} (want {want}) {'ok' if ok else 'WRONG'}")
    bad += not ok
assert layout["mask_1_name"] == "low" and layout["mask_2_name"] == "high"
assert layout["has_activations"] == "1"
sys.exit(1 if bad else 0)
PYEOF

# --- error exits -------------------------------------------------------------
expect_error() {  # exit status, description, then the command line
    local want=$1 what=$2; shift 2
    local err="$WORK/stderr.txt" rc=0
    "$BIN" "$@" 2>"$err" >/dev/null || rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$what: exited $rc, not $want"
    elif [ "$(wc -l <"$err")" -ne 1 ] || ! grep -q "^camsep-plot: " "$err"; then
        fail "$what: expected a one-line error, got: $(cat "$err")"
    else
        echo "  $what: $(cat "$err")"
    fi
}
expect_error 1 "missing mix" -i "$WORK/nope.wav" -s "$WORK/low.wav" -o "$WORK/x.png"
expect_error 1 "missing stem" -i "$WORK/mix.wav" -s "$WORK/nope.wav" -o "$WORK/x.png"
expect_error 1 "missing report" -i "$WORK/mix.wav" -s "$WORK/low.wav" -s "$WORK/high.wav" \
    --report "$WORK/nope.csv" -o "$WORK/x.png"
expect_error 2 "no stems" -i "$WORK/mix.wav" -o "$WORK/x.png"
expect_error 1 "sample rates differ" -i "$WORK/mix.wav" -s "$WORK/low_22k.wav" -o "$WORK/x.png"
expect_error 1 "unreadable CSV" -i "$WORK/mix.wav" -s "$WORK/low.wav" -s "$WORK/high.wav" \
    --report "$WORK/bad.csv" -o "$WORK/x.png"
expect_error 1 "report/stem count" -i "$WORK/mix.wav" -s "$WORK/low.wav" \
    --report "$WORK/report.csv" -o "$WORK/x.png"
expect_error 1 "names/stem count" -i "$WORK/mix.wav" -s "$WORK/low.wav" --names "a,b" \
    -o "$WORK/x.png"
expect_error 2 "bad --fft" -i "$WORK/mix.wav" -s "$WORK/low.wav" --fft=7 -o "$WORK/x.png"
[ ! -e "$WORK/x.png" ] || fail "a PNG was written despite an error"
"$BIN" --help | grep -q "^usage: camsep-plot" || fail "--help prints no usage"

if [ "$failures" -ne 0 ]; then
    echo "test_plot: $failures failure(s)" >&2
    exit 1
fi
echo "test_plot: ok"

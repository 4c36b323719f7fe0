#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep.lv2's UI in jalv.gtk3 (suil embeds the X11 UI in GTK 3) under a
# private Xvfb and a private jackd -d dummy: the 2-player variant is loaded
# with its UI, a test tone plays into its input (jack_feeder --loop), and two
# screenshots a second apart must differ (the meters move) and show the UI's
# colours. Also checks that jalv selected camsep's UI.
# Usage: test_lv2_ui.sh BUNDLE_DIR GRAB_PROGRAM JACK_FEEDER BUILD_DIR
# Exit 77 when Xvfb, jackd, jalv.gtk3 or suil's X11-in-GTK3 wrapper are missing.
set -euo pipefail
bundle=$(cd "$1" && pwd) grab=$2 feeder=$3
for tool in Xvfb jackd jalv.gtk3 jack_wait jack_connect; do
  command -v "$tool" > /dev/null || { echo "test_lv2_ui: SKIP: $tool not found"; exit 77; }
done
ls /usr/lib/*/suil-0/libsuil_x11_in_gtk3.so > /dev/null 2>&1 || { echo "test_lv2_ui: SKIP: libsuil x11-in-gtk3 missing"; exit 77; }
[ -f "$bundle/camsep_ui.so" ] || { echo "test_lv2_ui: FAILED: no $bundle/camsep_ui.so"; exit 1; }
preload=$(ldd "$bundle/camsep.so" | awk '/lib(asan|ubsan|tsan)/ {print $3}' | paste -sd: -)
if [ -n "$preload" ]; then
  echo "test_lv2_ui: SKIP: sanitized build (jalv and GTK are not; see test_lv2_jalv.sh)"; exit 77
fi
tmp=$(mktemp -d)
export JACK_DEFAULT_SERVER="camsep-lv2ui-test-$$"
export LV2_PATH=$(dirname "$bundle")
. "$(dirname "$0")/stop_process.sh"
xvfb_pid= jackd_pid= jalv_pid= feeder_pid=
cleanup() {
  stop_process 5 $feeder_pid $jalv_pid
  stop_process 10 $jackd_pid
  stop_process 5 $xvfb_pid
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_lv2_ui: FAILED: $*" >&2; for f in "$tmp"/*.log; do echo "== $f" >&2; tail -20 "$f" >&2; done; exit 1; }

exec 3> "$tmp/displayfd"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp > "$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 3>&-
for _ in $(seq 100); do [ -s "$tmp/displayfd" ] && break; sleep 0.1; done
[ -s "$tmp/displayfd" ] || fail "Xvfb did not start"
export DISPLAY=":$(head -1 "$tmp/displayfd")"

jackd --no-realtime -d dummy -r 48000 -p 256 > "$tmp/jackd.log" 2>&1 &
jackd_pid=$!
jack_wait -w -t 10 > /dev/null 2>&1 || { echo "test_lv2_ui: SKIP: jackd did not start"; exit 77; }

# A 440 Hz tone whose loudness steps every 0.25 s (so the meters keep moving).
python3 - "$tmp/tone.wav" <<'PY' || fail "cannot write the test tone"
import math, struct, sys, wave
rate = 48000
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    frames = bytearray()
    for i in range(rate * 2):
        amp = [0.8, 0.05, 0.4, 0.01][(i // (rate // 4)) % 4]
        frames += struct.pack("<h", int(32767 * amp * math.sin(2 * math.pi * 440 * i / rate)))
    w.writeframes(bytes(frames))
PY

name="camsep-ui-$$"
jalv.gtk3 -n "$name" urn:camsep:lv2:camsep-2p > "$tmp/jalv.log" 2>&1 &
jalv_pid=$!
for _ in $(seq 100); do jack_lsp 2> /dev/null | grep -q "^$name:in$" && break; sleep 0.1; done
jack_lsp 2> /dev/null | grep -q "^$name:in$" || fail "jalv did not register $name:in"
"$feeder" -i "$tmp/tone.wav" -t "$name:in" --loop 1 > "$tmp/feeder.log" 2>&1 &
feeder_pid=$!
sleep 3
grep -q "urn:camsep:lv2:ui" "$tmp/jalv.log" || fail "jalv did not select camsep's UI"
grep -qi "not a camsep\|camsep UI:" "$tmp/jalv.log" && fail "the UI reported an error"
"$grab" "$tmp/a.png" || fail "screenshot"
sleep 1.1
"$grab" "$tmp/b.png" || fail "screenshot"
changed=$("$grab" --diff "$tmp/a.png" "$tmp/b.png")
echo "jalv.gtk3 with camsep's X11 UI: $changed pixels changed between two screenshots 1.1 s apart"
[ "$changed" -gt 50 ] || fail "the UI did not change ($changed pixels)"
# the UI's player colours are on the screen (player 1's header, 0xf25a4d)
python3 - "$tmp/b.png" <<'PY' || fail "camsep's UI is not on the screen"
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
# decode the PNG (8-bit RGB/RGBA, no interlace) just enough to look for a colour
pos, idat, w, h, ctype = 8, b"", 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b"IHDR": w, h, _, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT": idat += body
raw = zlib.decompress(idat); bpp = 4 if ctype == 6 else 3; stride = w * bpp
prev = bytearray(stride); found = 0; i = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(w):
        r, g, bl = line[x * bpp:x * bpp + 3]
        if abs(r - 0xf2) <= 2 and abs(g - 0x59) <= 3 and abs(bl - 0x4d) <= 3: found += 1
    prev = line
print("player-1 colour pixels:", found)
sys.exit(0 if found > 200 else 1)
PY
cp "$tmp/b.png" "${4:-.}/lv2_ui_jalv.png" 2> /dev/null || true
echo "test_lv2_ui: ok"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep.lv2 in Ardour, headless: Ardour's Lua session tool (ardour7-lua,
# Debian package "ardour") creates a session on the "None (Dummy)" backend,
# lists the plugin, inserts camsep-2p on a mono track holding a two-voice
# region, sets its instrument controls, checks the latency Ardour sees and
# bounces the track through the plugin (tests/ardour_session.lua). The three
# bounced channels must equal camsep-process on the same region with the same
# dictionaries, sample for sample (Ardour compensates the 1024-sample latency).
# Not Session export: SimpleExport in Ardour 7.3's luasession corrupts the heap
# in a fraction of runs, with or without camsep loaded (see tests/CMakeLists.txt).
# Usage: test_ardour.sh BUNDLE_DIR CAMSEP_PROCESS DICT_DIR
# Exit 77 (skip) when Ardour's Lua tool or python3 is missing. ARDOUR_LUA
# overrides the tool.
set -euo pipefail
bundle=$1 process=$2 dicts=$3
here=$(cd "$(dirname "$0")" && pwd)
lua=${ARDOUR_LUA:-}
if [ -z "$lua" ]; then
  for c in ardour7-lua ardour8-lua; do command -v "$c" > /dev/null && { lua=$c; break; }; done
fi
[ -n "$lua" ] && command -v "$lua" > /dev/null || { echo "test_ardour: SKIP: Ardour's Lua session tool (ardour7-lua, package ardour) not found"; exit 77; }
command -v /usr/bin/python3 > /dev/null || { echo "test_ardour: SKIP: python3 not found"; exit 77; }
fail() { echo "test_ardour: FAILED: $*" >&2; exit 1; }
if [ -e /dev/shm/camsep ]; then
  echo "test_ardour: SKIP: a prior ring /camsep exists; the plugin's priors would differ from camsep-process"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A private Ardour configuration and cache: the test source script, no user
# settings, no plugin cache shared with a real Ardour.
mkdir -p "$tmp/config/ardour7/scripts" "$tmp/config/ardour8/scripts" "$tmp/cache"
cp "$here/ardour_mix.lua" "$tmp/config/ardour7/scripts/"
cp "$here/ardour_mix.lua" "$tmp/config/ardour8/scripts/"
# A sanitized plugin needs its sanitizer runtime loaded first in the host.
preload=$(ldd "$bundle/camsep.so" | awk '/lib(asan|ubsan|tsan)/ {print $3}' | paste -sd: -)

# Viola (2) and double bass (4): not the 2p defaults (violin, cello).
i1=2 i2=4
set +e
HOME=$tmp XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache LV2_PATH=$(dirname "$bundle") \
  LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0 \
  timeout 50 "$lua" "$here/ardour_session.lua" "$tmp/session" "$tmp/in.f32" "$tmp/out.f32" $i1 $i2 \
  > "$tmp/log" 2>&1 < /dev/null
rc=$?
set -e
grep -v -e '^\[WARNING\]: No synth for midi-audition' -e '^Butler drops pool trash' "$tmp/log" | sed 's/^/  /'
[ $rc = 0 ] || fail "$lua exited with $rc"
grep -q '^ardour_session: ok' "$tmp/log" || fail "the session script did not finish"
grep -q 'unique-id="urn:camsep:lv2:camsep-2p"' "$tmp/session/camsep.ardour" || fail "saved session lacks the plugin"

names=(none violin viola cello double_bass flute clarinet oboe bassoon tenor_sax trumpet trombone french_horn piano
       nylon_guitar steel_guitar electric_bass voice drums)
/usr/bin/python3 - "$tmp/in.f32" "$tmp/in.wav" <<'PY'
import sys
data = open(sys.argv[1], "rb").read(); rate = 48000
import struct
hdr = (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
       struct.pack("<IHHIIHH", 16, 3, 1, rate, rate * 4, 4, 32) + b"data" + struct.pack("<I", len(data)))
open(sys.argv[2], "wb").write(hdr + data)
PY
"$process" --quiet -i "$tmp/in.wav" -d "$dicts/${names[$i1]}.dict" -d "$dicts/${names[$i2]}.dict" \
  --other "$dicts/other.dict" -o "$tmp/ref"
/usr/bin/python3 - "$tmp/in.f32" "$tmp/out.f32" "$tmp"/ref/stem1.wav "$tmp"/ref/stem2.wav "$tmp"/ref/other.wav <<'PY' \
  || fail "Ardour's bounce through camsep differs from camsep-process"
import array, struct, sys
def raw(path):
    a = array.array("f"); a.frombytes(open(path, "rb").read()); return a
def wav(path):
    b = open(path, "rb").read(); i = 12
    while i < len(b):
        cid = b[i:i + 4]; size = struct.unpack("<I", b[i + 4:i + 8])[0]
        if cid == b"fmt ":
            fmt, ch = struct.unpack("<HH", b[i + 8:i + 12]); bits = struct.unpack("<H", b[i + 22:i + 24])[0]
        if cid == b"data":
            a = array.array("f"); a.frombytes(b[i + 8:i + 8 + size]); break
        i += 8 + size + (size & 1)
    assert fmt == 3 and bits == 32 and ch == 1, path
    return a
x = raw(sys.argv[1]); out = raw(sys.argv[2]); n = len(x); refs = [wav(p) for p in sys.argv[3:]]
ok = True
ex = sum(v * v for v in x)
print("  input region: %d samples, energy %.1f, peak %.3f" % (n, ex, max(abs(v) for v in x)))
ok &= n == 72000 and ex > 100.0
ok &= len(out) == 3 * n
stems = [out[c * n:(c + 1) * n] for c in range(3)]
worst = 0.0
for c, name in enumerate(("out_1", "out_2", "out_other")):
    e = sum(v * v for v in stems[c]); ref = refs[c]
    d = max(abs(stems[c][i] - ref[i]) for i in range(min(n, len(ref))))
    print("  %-9s energy %7.1f  max |ardour - camsep-process| = %.3g" % (name, e, d))
    worst = max(worst, d); ok &= len(ref) == n and e > 1.0
# The plugin did something: each player stem differs from the input.
for c in range(2):
    diff = sum((stems[c][i] - x[i]) ** 2 for i in range(n))
    ok &= diff > 0.05 * ex
# Latency compensated by Ardour: the stems sum to the input, not delayed.
s = max(abs(stems[0][i] + stems[1][i] + stems[2][i] - x[i]) for i in range(n))
print("  max |out_1 + out_2 + out_other - input| = %.3g; ardour vs camsep-process worst %.3g (tolerance 1e-6)" % (s, worst))
ok &= worst <= 1e-6 and s <= 1e-5
sys.exit(0 if ok else 1)
PY
echo "test_ardour: ok"

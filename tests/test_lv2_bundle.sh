#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep.lv2 bundle: lv2_validate and sordi clean; lv2ls/lv2info list the four
# variants and the presets; lv2apply through the plugin (instrument controls
# set with -c) matches camsep-process with the same dictionaries, after
# removing the plugin's latency; cmake --install into a temporary prefix.
# Usage: test_lv2_bundle.sh BUNDLE_DIR CAMSEP_PROCESS DICT_DIR BUILD_DIR
# Exit 77 (skip) when a needed tool is missing.
set -euo pipefail
bundle=$1 process=$2 dicts=$3 build=$4
for tool in lv2_validate sordi lv2ls lv2info lv2apply /usr/bin/python3; do
  command -v "$tool" > /dev/null || { echo "test_lv2_bundle: SKIP: $tool not found"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A sanitized plugin needs its sanitizer runtime loaded first in the host.
preload=$(ldd "$bundle/camsep.so" | awk '/lib(asan|ubsan|tsan)/ {print $3}' | paste -sd: -)
host() { LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0 "$@"; }
fail() { echo "test_lv2_bundle: FAILED: $*" >&2; exit 1; }

# Turtle: validated against the installed LV2 specifications, and parsed.
out=$(lv2_validate "$bundle"/manifest.ttl "$bundle"/camsep.ttl "$bundle"/presets.ttl 2>&1)
echo "$out" | tail -1
echo "$out" | grep -q "Found 0 errors" || fail "lv2_validate: $out"
echo "$out" | grep -qi "warning" && fail "lv2_validate warnings: $out"
for f in "$bundle"/*.ttl; do
  sordi "$f" "file://$f" > /dev/null 2> "$tmp/sordi.err" || fail "sordi $f: $(cat "$tmp/sordi.err")"
  [ -s "$tmp/sordi.err" ] && fail "sordi $f: $(cat "$tmp/sordi.err")"
done
echo "sordi: manifest.ttl camsep.ttl presets.ttl parse cleanly"

# Discovery.
export LV2_PATH=$(dirname "$bundle")
list=$(lv2ls)
for v in 2p 3p 4p 6p; do
  echo "$list" | grep -qx "urn:camsep:lv2:camsep-$v" || fail "lv2ls does not list camsep-$v: $list"
done
lv2info urn:camsep:lv2:camsep-4p > "$tmp/info4"
for p in "String quartet" "Rock band"; do grep -q "$p" "$tmp/info4" || fail "lv2info: no preset '$p'"; done
grep -q "Has latency:       yes, reported by port 7" "$tmp/info4" || fail "lv2info: latency port"
lv2info urn:camsep:lv2:camsep-6p > "$tmp/info6"; grep -q "Wind quintet" "$tmp/info6" || fail "lv2info: no wind quintet preset"
lv2info urn:camsep:lv2:camsep-3p > "$tmp/info3"; grep -q "Jazz trio" "$tmp/info3" || fail "lv2info: no jazz trio preset"
echo "lv2ls/lv2info: 4 variants, presets listed"

# Port groups (pg:): the input in "mix", each player's stem and controls in
# playerN, the other stem's in "other", the stems as the mono groups' centre.
/usr/bin/python3 - "$tmp/info4" <<'PY' || fail "port groups"
import re, sys
ports = re.split(r"\n\tPort \d+:\n", open(sys.argv[1]).read())[1:]
seen = 0
for p in ports:
    sym = re.search(r"Symbol:\s+(\S+)", p).group(1)
    g = re.search(r"Group:\s+urn:camsep:lv2:group:(\S+)", p)
    m = re.match(r"(out|instrument|gain|mute|level|motion|dict)_(\w+)$", sym)
    want = "mix" if sym == "in" else (None if not m else ("other" if m.group(2) == "other" else "player" + m.group(2)))
    got = g.group(1) if g else None
    assert got == want, (sym, got, want)
    if sym.startswith("out_") or sym == "in":
        assert "port-groups#center" in p, sym
    seen += got is not None
print(f"port groups: {seen} ports of camsep-4p in mix, player1..4 and other")
PY
# A release version by LV2's rule: minor > 0, minor and micro even.
vers=$(sordi "$bundle/camsep.ttl" "file://$bundle/camsep.ttl" | sed -n 's/.*lv2core#\(minor\|micro\)Version> "\([0-9]*\)".*/\1 \2/p' | sort -u)
[ "$(echo "$vers" | wc -l)" -eq 2 ] || fail "the variants' versions differ: $vers"
while read -r what n; do
  [ $((n % 2)) -eq 0 ] || fail "lv2:${what}Version $n is odd (a development version)"
  [ "$what" != minor ] || [ "$n" -gt 0 ] || fail "lv2:minorVersion 0 (a development version)"
done <<<"$vers"
echo "version: $(echo "$vers" | paste -sd' ') (a release)"

# A 1.5 s float WAV at 48 kHz: three harmonic voices coming and going.
/usr/bin/python3 - "$tmp/mix.wav" <<'PY'
import math, struct, sys
rate = 48000; n = int(1.5 * rate); x = []
for i in range(n):
    t = i / rate
    v = sum(0.5 / h * math.sin(2 * math.pi * h * 440 * t) for h in range(1, 8))
    v *= 0.4 if 0.2 < t < 1.1 else 0.0
    v += sum(0.5 / h * math.sin(2 * math.pi * h * 146.8 * t) for h in range(1, 10)) * (0.3 if t > 0.5 else 0.0)
    v += 0.05 * math.sin(2 * math.pi * 3000 * t) * (1.0 if int(t * 8) % 2 else 0.0)
    x.append(v)
data = struct.pack("<%df" % n, *x)
hdr = (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " +
       struct.pack("<IHHIIHH", 16, 3, 1, rate, rate * 4, 4, 32) + b"data" + struct.pack("<I", len(data)))
open(sys.argv[1], "wb").write(hdr + data)
PY

# The same line-up both ways: flute, viola, cello, drums, plus "other".
# lv2apply runs one frame per run() with no worker feature: the plugin loads
# the line-up in its first run(). Its output is delayed by the latency (1024).
if [ -e /dev/shm/camsep ]; then
  echo "test_lv2_bundle: note: a prior ring /camsep exists; priors would differ, comparison skipped"
else
  host lv2apply -i "$tmp/mix.wav" -o "$tmp/plugin.wav" -c instrument_1 5 -c instrument_2 2 -c instrument_3 3 \
    -c instrument_4 18 urn:camsep:lv2:camsep-4p
  "$process" --quiet -i "$tmp/mix.wav" -d "$dicts/flute.dict" -d "$dicts/viola.dict" -d "$dicts/cello.dict" \
    -d "$dicts/drums.dict" --other "$dicts/other.dict" -o "$tmp/ref"
  /usr/bin/python3 - "$tmp/plugin.wav" 1024 "$tmp"/ref/stem1.wav "$tmp"/ref/stem2.wav "$tmp"/ref/stem3.wav \
    "$tmp"/ref/stem4.wav "$tmp"/ref/other.wav <<'PY' || fail "lv2apply output differs from camsep-process"
import array, struct, sys
def read(path):
    b = open(path, "rb").read(); i = 12
    while i < len(b):
        cid = b[i:i + 4]; size = struct.unpack("<I", b[i + 4:i + 8])[0]
        if cid == b"fmt ":
            fmt, ch = struct.unpack("<HH", b[i + 8:i + 12]); bits = struct.unpack("<H", b[i + 22:i + 24])[0]
        if cid == b"data":
            data = b[i + 8:i + 8 + size]; break
        i += 8 + size + (size & 1)
    assert fmt == 3 and bits == 32, path
    a = array.array("f"); a.frombytes(data); return a, ch
out, ch = read(sys.argv[1]); lat = int(sys.argv[2]); refs = sys.argv[3:]
assert ch == len(refs), (ch, len(refs))
worst = 0.0; energy = 0.0
for k, path in enumerate(refs):
    ref, _ = read(path); n = len(ref) - lat
    d = max(abs(out[(lat + i) * ch + k] - ref[i]) for i in range(n))
    energy += sum(v * v for v in ref[:n])
    worst = max(worst, d)
    print("  %-10s max |plugin - camsep-process| = %.3g" % (path.split("/")[-1], d))
print("lv2apply vs camsep-process: worst %.3g (tolerance 1e-6), stems carry energy %.3g" % (worst, energy))
sys.exit(0 if worst <= 1e-6 and energy > 1.0 else 1)
PY
fi

# cmake --install (component lv2) into a temporary prefix: a complete bundle at the LV2 path.
cmake --install "$build" --component lv2 --prefix "$tmp/prefix" > "$tmp/install.log" || fail "cmake --install: $(tail -3 "$tmp/install.log")"
inst=$(find "$tmp/prefix" -type d -name camsep.lv2 | head -1)
[ -n "$inst" ] || fail "no camsep.lv2 installed under $tmp/prefix"
case "$inst" in */lv2/camsep.lv2) ;; *) fail "installed at $inst, not .../lv2/camsep.lv2" ;; esac
for f in camsep.so manifest.ttl camsep.ttl presets.ttl dictionaries/violin.dict dictionaries/other.dict; do
  [ -f "$inst/$f" ] || fail "installed bundle lacks $f"
done
n=$(LV2_PATH=$(dirname "$inst") lv2ls | grep -c '^urn:camsep:lv2:camsep-')
[ "$n" = 4 ] || fail "installed bundle: lv2ls lists $n variants"
LV2_PATH=$(dirname "$inst") host lv2apply -i "$tmp/mix.wav" -o "$tmp/installed.wav" urn:camsep:lv2:camsep-2p \
  || fail "lv2apply with the installed bundle"
echo "cmake --install: ${inst#$tmp/prefix/} complete, usable by lv2apply"
echo "test_lv2_bundle: ok"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# camsep-process streams: its stems are those of the whole-file run (the
# mix read whole, the stems written at the end: process_whole, camsep-process
# before it streamed) bit for bit, for any block size, with priors, from a
# stereo file and from a pipe; RF64 and W64 hold the same samples as WAV (and
# the same samples give the same file); the
# stems are named by index, dictionary or list; a progress bar shows on a
# terminal only; a run that fails midway leaves no stem behind and keeps the
# earlier run's, nor does an interrupted one; --associate's spool goes to
# TMPDIR; peak memory does not grow
# with the length of the mix.
# Usage: test_process_stream.sh CAMSEP_PROCESS CAMSEP_TRAIN PROCESS_WHOLE CAMSEP_SCENE
set -euo pipefail
P=$1 T=$2 W=$3 S=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
fail() { echo "test_process_stream: FAILED: $*" >&2; exit 1; }

# Two synthetic players at 22050 Hz (stdlib only): solos for their dictionaries,
# a 3 s stereo mix (different left and right), a 60 s mono one, priors.
"$py" - "$tmp" <<'PY'
import math, struct, sys, wave
d = sys.argv[1]; rate = 22050
def player(freqs, odd, seconds, note):
    n = int(seconds * rate); out = [0.0] * n
    for i in range(n):
        t = i / rate; k = int(t / note); f0 = freqs[k % len(freqs)]
        ph = (t - k * note) / note
        env = min(1.0, ph * 30) * min(1.0, (1 - ph) * 30)
        out[i] = env * 0.15 * sum(math.sin(2 * math.pi * h * f0 * t) / h for h in range(1, 10)
                                   if (h % 2 or not odd) and h * f0 < rate / 2)
    return out
def write(name, chans):
    with wave.open(f"{d}/{name}", "wb") as w:
        w.setnchannels(len(chans)); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", max(-32767, min(32767, int(v * 32767))))
                               for frame in zip(*chans) for v in frame))
hi = player([523, 587, 659, 698, 784], True, 3.0, 0.21)
lo = player([110, 131, 147, 165, 98], False, 3.0, 0.27)
write("a.wav", [hi]); write("b.wav", [lo])
write("stereo.wav", [[p + 0.5 * q for p, q in zip(hi, lo)], [0.5 * p + q for p, q in zip(hi, lo)]])
mix = [p + q for p, q in zip(hi, lo)]
write("mix.wav", [mix])
write("long.wav", [mix * 20])
with open(f"{d}/priors.csv", "w") as f:
    f.write("time,p1,p2\n")
    for k in range(150):
        f.write("%.2f,%.2f,%.2f\n" % (k * 0.02, 0.5 + 0.5 * math.sin(k / 7), 0.5 + 0.5 * math.cos(k / 5)))
PY
"$T" --quiet -o "$tmp/a.dict" --atoms 8 --iterations 40 --fft 512 "$tmp/a.wav"
"$T" --quiet -o "$tmp/b.dict" --atoms 8 --iterations 40 --fft 512 --name "low voice" "$tmp/b.wav"
D=(-d "$tmp/a.dict" -d "$tmp/b.dict")

same_stems() { # same_stems DIR1 DIR2 WHAT
  for s in stem1 stem2; do cmp -s "$1/$s.wav" "$2/$s.wav" || fail "$3 ($s differs)"; done
}

# Streaming against the whole-file run, bit for bit.
for input in mix stereo; do
  for block in 1 256 5000; do
    mkdir -p "$tmp/whole_${input}_$block"
    "$W" "$tmp/$input.wav" "$tmp/whole_${input}_$block" $block 512 "$tmp/priors.csv" "$tmp/a.dict" "$tmp/b.dict"
    "$P" --quiet -i "$tmp/$input.wav" "${D[@]}" --fft 512 --block $block --priors "$tmp/priors.csv" \
      --activity-strength 1 -o "$tmp/stream_${input}_$block"
    same_stems "$tmp/whole_${input}_$block" "$tmp/stream_${input}_$block" "$input.wav, --block $block"
  done
done
ls -A "$tmp/stream_mix_256" | tr '\n' ' ' | grep -qx "stem1.wav stem2.wav " || fail "stray files: $(ls -A "$tmp/stream_mix_256")"
# From a pipe: the same samples (in a WAV, or RF64 turned WAV when the length is unknown).
"$P" --quiet -i - "${D[@]}" --fft 512 --priors "$tmp/priors.csv" --activity-strength 1 -o "$tmp/pipe" <"$tmp/mix.wav"
same_stems "$tmp/whole_mix_256" "$tmp/pipe" "a mix from a pipe"

# Containers: the samples of the WAV in RF64 and W64; auto is WAV for a short mix.
"$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 --stem-format rf64 -o "$tmp/rf64"
"$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 --stem-format w64 -o "$tmp/w64"
"$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 --stem-format wav -o "$tmp/wav"
sleep 1.1 # the PEAK chunk's timestamp has a resolution of a second
"$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 --stem-format rf64 -o "$tmp/rf64b"
same_stems "$tmp/rf64" "$tmp/rf64b" "RF64: the same samples do not give the same file"
"$py" - "$tmp" <<'PY'
import struct, sys
d = sys.argv[1]
def riff(path, magic):
    data = open(path, "rb").read()
    assert data[:4] == magic and data[8:12] == b"WAVE", (path, data[:12])
    pos, size64, fmt = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"ds64":
            size64 = struct.unpack("<Q", data[pos + 16:pos + 24])[0]  # riff size, then data size
        if cid == b"fmt ":
            fmt = struct.unpack("<HH", data[pos + 8:pos + 12])
        if cid == b"data":
            if size == 0xFFFFFFFF:
                size = size64
            assert fmt and fmt[0] in (3, 0xFFFE) and fmt[1] == 1, (path, fmt)
            return data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    raise AssertionError(path + ": no data chunk")
def w64(path):
    data = open(path, "rb").read()
    assert data[:4] == b"riff" and data[24:28] == b"wave", path
    pos = 40
    while pos + 24 <= len(data):
        guid, size = data[pos:pos + 16], struct.unpack("<Q", data[pos + 16:pos + 24])[0]
        if guid[:4] == b"data":
            return data[pos + 24:pos + size]
        pos += (size + 7) // 8 * 8
    raise AssertionError(path + ": no data chunk")
for s in ("stem1", "stem2"):
    ref = riff(f"{d}/wav/{s}.wav", b"RIFF")
    assert len(ref) > 0
    assert riff(f"{d}/rf64/{s}.wav", b"RF64") == ref, "rf64 " + s
    assert w64(f"{d}/w64/{s}.w64") == ref, "w64 " + s
print("test_process_stream: RF64 and W64 hold the WAV's samples")
PY

# Names: by dictionary (its stored name, else its file name), by list, twice the same.
"$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 --stem-names dict -o "$tmp/by_dict" --other "$tmp/b.dict"
[ "$(ls "$tmp/by_dict" | tr '\n' ' ')" = "a.wav low_voice.wav other.wav " ] || fail "dict names: $(ls "$tmp/by_dict")"
"$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 --stem-names violin,cello -o "$tmp/by_list"
cmp -s "$tmp/by_list/violin.wav" "$tmp/wav/stem1.wav" && cmp -s "$tmp/by_list/cello.wav" "$tmp/wav/stem2.wav" ||
  fail "listed names: $(ls "$tmp/by_list")"
"$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 --stem-names "x,x" -o "$tmp/twice"
[ "$(ls "$tmp/twice" | tr '\n' ' ')" = "x-2.wav x.wav " ] || fail "a name twice: $(ls "$tmp/twice")"

# Progress: a bar on a terminal, nothing otherwise (nor with --quiet).
"$P" -i "$tmp/long.wav" "${D[@]}" --fft 512 -o "$tmp/plain" >/dev/null 2>"$tmp/err.txt"
[ ! -s "$tmp/err.txt" ] || fail "progress written to a file: $(head -c 200 "$tmp/err.txt")"
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
  script -qec "'$P' -i '$tmp/long.wav' -d '$tmp/a.dict' -d '$tmp/b.dict' --fft 512 -o '$tmp/tty' >/dev/null" \
    /dev/null >"$tmp/tty.txt" </dev/null
  grep -q "camsep-process: separating \[[#.]*\] *[0-9]*%" "$tmp/tty.txt" || fail "no progress bar on a terminal: $(head -c 300 "$tmp/tty.txt")"
  script -qec "'$P' --quiet -i '$tmp/mix.wav' -d '$tmp/a.dict' -d '$tmp/b.dict' --fft 512 -o '$tmp/tty'" \
    /dev/null >"$tmp/tty.txt" </dev/null
  [ ! -s "$tmp/tty.txt" ] || fail "--quiet still shows progress"
else
  echo "test_process_stream: no script(1) pseudo-terminal: progress bar not checked"
fi

# A run that fails midway (the video ends inside a frame): one line of error,
# no stem and no temporary file left, the earlier run's stems untouched.
if "$S" --help >/dev/null 2>&1; then
  printf 'time,p1,p2\n0,1,0\n3,0,1\n' >"$tmp/act.csv"
  "$S" -a "$tmp/act.csv" -p 2 -o "$tmp/stage.y4m" --size 96x72 --fps 25 --duration 3 >"$tmp/boxes.txt"
  b1=$(sed -n 1p "$tmp/boxes.txt") b2=$(sed -n 2p "$tmp/boxes.txt")
  head -c $(( $(stat -c %s "$tmp/stage.y4m") - 5000 )) "$tmp/stage.y4m" >"$tmp/cut.y4m"
  mkdir -p "$tmp/keep" && cp "$tmp/wav/stem1.wav" "$tmp/keep/stem1.wav"
  if "$P" --quiet -i "$tmp/long.wav" "${D[@]}" --fft 512 --video "$tmp/cut.y4m" --box "$b1" --box "$b2" \
     -o "$tmp/keep" 2>"$tmp/err.txt"; then fail "a cut video went unnoticed"; fi
  [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] || fail "not one line of error: $(cat "$tmp/err.txt")"
  [ "$(ls -A "$tmp/keep")" = "stem1.wav" ] || fail "a failed run left: $(ls -A "$tmp/keep")"
  cmp -s "$tmp/keep/stem1.wav" "$tmp/wav/stem1.wav" || fail "a failed run changed the earlier stem"
  # --associate spools the camera's priors in $TMPDIR: none there, a clear error.
  if TMPDIR="$tmp/none" "$P" -i "$tmp/mix.wav" "${D[@]}" --fft 512 --video "$tmp/stage.y4m" --box "$b1" \
     --box "$b2" --associate-only 2>"$tmp/err.txt" >/dev/null; then fail "no temporary directory went unnoticed"; fi
  grep -q "temporary file for the camera's priors in $tmp/none" "$tmp/err.txt" || fail "TMPDIR: $(cat "$tmp/err.txt")"
  TMPDIR="$tmp" "$P" -i "$tmp/mix.wav" "${D[@]}" --fft 512 --video "$tmp/stage.y4m" --box "$b1" --box "$b2" \
    --associate-only >/dev/null
  [ -z "$(ls "$tmp" | grep camsep-priors)" ] || fail "the camera's spool was left in TMPDIR"
fi

# Interrupted (the mix comes slowly through a pipe): no temporary file left.
mkdir -p "$tmp/int" && mkfifo "$tmp/slow.fifo"
"$py" -c 'import sys, time
d = open(sys.argv[1], "rb").read(); o = open(sys.argv[2], "wb"); o.write(d[:len(d) // 2]); o.flush(); time.sleep(30)' \
  "$tmp/mix.wav" "$tmp/slow.fifo" &
writer=$!
"$P" --quiet -i - "${D[@]}" --fft 512 -o "$tmp/int" <"$tmp/slow.fifo" &
proc=$!
for i in $(seq 100); do [ -n "$(ls -A "$tmp/int")" ] && break; sleep 0.1; done
[ -n "$(ls -A "$tmp/int")" ] || fail "no temporary stem while running"
sleep 0.3
kill -TERM $proc
status=0; wait $proc || status=$?
kill $writer 2>/dev/null || true; wait $writer 2>/dev/null || true
[ $status -eq 143 ] || fail "an interrupted run ended with status $status"
[ -z "$(ls -A "$tmp/int")" ] || fail "an interrupted run left: $(ls -A "$tmp/int")"

# Errors of the new options: one line, nothing written.
for bad in "--stem-format flac" "--stem-names a,b,c" "--stem-names a"; do
  if "$P" -i "$tmp/mix.wav" "${D[@]}" --fft 512 $bad -o "$tmp/x" 2>"$tmp/err.txt"; then fail "succeeded: $bad"; fi
  [ "$(wc -l <"$tmp/err.txt")" -eq 1 ] || fail "not one line of error for $bad: $(cat "$tmp/err.txt")"
  [ ! -e "$tmp/x" ] || fail "$bad created the output directory"
done

# Memory: 60 s needs no more than 3 s (the whole-file run needs 16 MB more).
if [ -x /usr/bin/time ]; then
  rss() { /usr/bin/time -f %M -o "$tmp/rss.txt" "$@" >/dev/null && cat "$tmp/rss.txt"; }
  short=$(rss "$P" --quiet -i "$tmp/mix.wav" "${D[@]}" --fft 512 -o "$tmp/m1")
  long=$(rss "$P" --quiet -i "$tmp/long.wav" "${D[@]}" --fft 512 -o "$tmp/m2")
  mkdir -p "$tmp/m3" && whole=$(rss "$W" "$tmp/long.wav" "$tmp/m3" 256 512 - "$tmp/a.dict" "$tmp/b.dict")
  echo "test_process_stream: peak RSS 3 s $short KiB, 60 s $long KiB (whole-file 60 s: $whole KiB)"
  [ "$long" -le $((short + 2048)) ] || fail "peak memory grows with the mix: $short KiB for 3 s, $long KiB for 60 s"
  [ "$whole" -ge $((long + 8192)) ] || fail "the whole-file run does not need more memory: no test"
  same_stems "$tmp/m2" "$tmp/m3" "the 60 s mix"
else
  echo "test_process_stream: no /usr/bin/time: peak memory not checked"
fi
echo "test_process_stream: ok"

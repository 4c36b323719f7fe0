#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peak memory and speed of camsep-process on a long 4-player recording.

Writes a mono 16-bit WAV mixture at 48 kHz of --minutes minutes (default 60)
in one-minute pieces (the four synthetic players of bench/process_speed.py,
a fixed seed per piece), learns one 32-atom dictionary per player from the
first minute of its part, then runs camsep-process with the default settings
on the long mixture and, as the baseline in the same script, on its first
minute. Each run's wall time and peak resident memory (the child's own
rusage, as /usr/bin/time -v reports it; Debian's `time` package) are printed with the real-time factor
and the long run's ratios to the baseline: a streaming camsep-process keeps
the same peak memory whatever the length. --baseline-build DIR also runs the
camsep-process of another build (e.g. an older commit) on the long file and
prints the ratios to it. The stems go to a temporary directory (removed).

Usage: bench/process_long.py [--build DIR] [--minutes M] [--baseline-build DIR]
                             [--keep DIR] [-- camsep-process options]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_speed import RATE, player  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYERS = ((67, 91, 12, 1), (55, 79, 16, 2), (43, 67, 20, 3), (31, 55, 24, 4))


def pcm(x):
    return np.clip(x * 32767.0, -32768, 32767).astype("<i2").tobytes()


def write_material(tmp, minutes):
    """The long mixture, and each player's first minute for training."""
    mix_path = os.path.join(tmp, "mix.wav")
    with wave.open(mix_path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        for m in range(minutes):
            parts = [player(60.0, lo, hi, p, 1000 * m + s) for (lo, hi, p, s) in PLAYERS]
            mix = sum(parts) + 1e-3 * np.random.default_rng(9 + m).standard_normal(len(parts[0]))
            w.writeframes(pcm(mix))
            if m == 0:
                for j, x in enumerate(parts):
                    with wave.open(os.path.join(tmp, "p%d.wav" % j), "wb") as pw:
                        pw.setnchannels(1)
                        pw.setsampwidth(2)
                        pw.setframerate(RATE)
                        pw.writeframes(pcm(x))
                with wave.open(os.path.join(tmp, "short.wav"), "wb") as sw:
                    sw.setnchannels(1)
                    sw.setsampwidth(2)
                    sw.setframerate(RATE)
                    sw.writeframes(pcm(mix))
    return mix_path


def run(cmd, tmp):
    """Wall seconds and peak RSS (MiB) of one run, as /usr/bin/time -v reports them (a child of
    this script would inherit the script's own peak through exec)."""
    log = os.path.join(tmp, "time.txt")
    t0 = time.monotonic()
    subprocess.run(["/usr/bin/time", "-v", "-o", log] + cmd, check=True)
    wall = time.monotonic() - t0
    rss = None
    with open(log) as f:
        for line in f:
            if "Maximum resident set size (kbytes)" in line:
                rss = int(line.rsplit(":", 1)[1]) / 1024.0
    return wall, rss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--minutes", type=int, default=60)
    ap.add_argument("--baseline-build", help="another build whose camsep-process runs the long file too")
    ap.add_argument("--keep", help="keep the material (mixture, dictionaries) in this directory")
    ap.add_argument("extra", nargs="*", help="options passed to camsep-process")
    args = ap.parse_args()
    train = os.path.join(args.build, "tools", "camsep-train")
    process = os.path.join(args.build, "tools", "camsep-process")
    for exe in (train, process, "/usr/bin/time"):
        if not os.access(exe, os.X_OK):
            sys.exit("process_long: %s not built" % exe)
    other = os.path.join(args.baseline_build, "tools", "camsep-process") if args.baseline_build else None
    if other and not os.access(other, os.X_OK):
        sys.exit("process_long: %s not built" % other)
    tmp = args.keep or tempfile.mkdtemp(prefix="camsep-long-")
    os.makedirs(tmp, exist_ok=True)
    try:
        mix = os.path.join(tmp, "mix.wav")
        if not (os.path.exists(mix) and os.path.getsize(mix) == 44 + 2 * RATE * 60 * args.minutes):
            print("process_long: writing a %d-minute mixture to %s" % (args.minutes, tmp))
            sys.stdout.flush()
            write_material(tmp, args.minutes)
        dicts = []
        for j in range(4):
            d = os.path.join(tmp, "p%d.dict" % j)
            if not os.path.exists(d):
                subprocess.run([train, "-o", d, "--atoms", "32", "--iterations", "50", "--quiet",
                                os.path.join(tmp, "p%d.wav" % j)], check=True)
            dicts += ["-d", d]
        out = os.path.join(tmp, "out")

        def separate(exe, path, seconds):
            shutil.rmtree(out, ignore_errors=True)
            wall, rss = run([exe, "-i", path] + dicts + ["-o", out, "--quiet"] + args.extra, tmp)
            return wall, rss, seconds / wall

        print("camsep-process, 4 players x 32 atoms, 48 kHz, default settings %s" % " ".join(args.extra))
        print("%-34s | %8s | %8s | %12s | %9s | %9s" % ("run", "audio s", "wall s", "x real time", "peak MiB",
                                                      "vs base"))
        rows = []
        base = separate(process, os.path.join(tmp, "short.wav"), 60.0)
        rows.append(("baseline: this build, first minute", 60.0) + base)
        long_s = 60.0 * args.minutes
        rows.append(("this build, %d minutes" % args.minutes, long_s) + separate(process, mix, long_s))
        if other:
            rows.append(("--baseline-build, %d minutes" % args.minutes, long_s) + separate(other, mix, long_s))
        for name, secs, wall, rss, factor in rows:
            rel = "%4.2fx %4.2fx" % (factor / base[2], rss / base[1])
            print("%-34s | %8.0f | %8.2f | %11.1fx | %9.1f | %s" % (name, secs, wall, factor, rss, rel))
        print("(vs base: real-time factor and peak memory, each over the baseline's)")
        if other:
            this, them = rows[1], rows[2]
            print("this build against --baseline-build on the long file: %.2fx the speed, %.3fx the peak memory"
                  % (this[4] / them[4], this[3] / them[3]))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

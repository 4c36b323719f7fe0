#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peak memory and speed of camsep-process on a long 4-player recording.

Writes a mono 16-bit WAV mixture at 48 kHz of --minutes minutes (default 60)
in one-minute pieces (the four synthetic players of bench/process_speed.py,
a fixed seed per piece), learns one 32-atom dictionary per player from the
first minute of its part, then runs camsep-process with the default settings
on the long mixture and, as the baseline in the same script, on its first
minute. Each run's wall time, CPU time and peak resident memory (as
/usr/bin/time -v reports them; Debian's `time` package) are printed with the
real-time factors and the ratios to the baseline: a streaming camsep-process keeps
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
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one run, as
    /usr/bin/time -v reports them (a child of this script would inherit the script's own
    peak through exec)."""
    log = os.path.join(tmp, "time.txt")
    t0 = time.monotonic()
    subprocess.run(["/usr/bin/time", "-v", "-o", log] + cmd, check=True)
    wall = time.monotonic() - t0
    rss, cpu = None, 0.0
    with open(log) as f:
        for line in f:
            if "Maximum resident set size (kbytes)" in line:
                rss = int(line.rsplit(":", 1)[1]) / 1024.0
            if "User time (seconds)" in line or "System time (seconds)" in line:
                cpu += float(line.rsplit(":", 1)[1])
    return wall, cpu, rss


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

        def separate(name, exe, path, seconds):
            shutil.rmtree(out, ignore_errors=True)
            wall, cpu, rss = run([exe, "-i", path] + dicts + ["-o", out, "--quiet"] + args.extra, tmp)
            return {"name": name, "audio": seconds, "wall": wall, "cpu": cpu, "rss": rss,
                    "x_wall": seconds / wall, "x_cpu": seconds / cpu}

        print("camsep-process, 4 players x 32 atoms, 48 kHz, default settings %s" % " ".join(args.extra))
        print("%-34s | %7s | %7s | %7s | %9s | %9s | %8s | %s" % (
            "run", "audio s", "wall s", "CPU s", "x RT wall", "x RT CPU", "peak MiB", "vs base (x RT CPU, MiB)"))
        base = separate("baseline: this build, first minute", process, os.path.join(tmp, "short.wav"), 60.0)
        long_s = 60.0 * args.minutes
        rows = [base, separate("this build, %d minutes" % args.minutes, process, mix, long_s)]
        if other:
            rows.append(separate("--baseline-build, %d minutes" % args.minutes, other, mix, long_s))
        for r in rows:
            print("%-34s | %7.0f | %7.2f | %7.2f | %8.1fx | %8.1fx | %8.1f | %.2fx %.2fx" % (
                r["name"], r["audio"], r["wall"], r["cpu"], r["x_wall"], r["x_cpu"], r["rss"],
                r["x_cpu"] / base["x_cpu"], r["rss"] / base["rss"]))
        print("(x RT: seconds of audio per second of wall-clock or CPU (user + system) time; on a busy machine "
              "the CPU figure is the one to trust)")
        if other:
            this, them = rows[1], rows[2]
            print("this build against --baseline-build on the long file: %.2fx the speed (CPU), %.2fx (wall), "
                  "%.4fx the peak memory" % (this["x_cpu"] / them["x_cpu"], this["x_wall"] / them["x_wall"],
                                             this["rss"] / them["rss"]))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

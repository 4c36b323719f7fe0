#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end speed of camsep-process on a 60 s, 4-player file, per window.

Makes a 60 s mono mixture at 48 kHz (four synthetic harmonic players with
notes, vibrato and rests, plus a little noise; numpy, fixed seed), learns one
32-atom dictionary per player for each window from that player's own part
(camsep-train, 50 iterations: speed does not depend on how well it is
learned), then times camsep-process on the mixture (wall clock, best of
--repeat runs) and prints the real-time factor, i.e. seconds of audio per
second of processing. The symmetric 1024/1024/256 window (the engine before
the window pair) is run in the same process as the baseline.

Usage: bench/process_speed.py [--build DIR] [--seconds S] [--repeat N]
                              [--window K/L/R ...] [-- camsep-process options]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE = 48000
WINDOWS = ("1024/1024/256", "2048/1024/256", "2048/1024/512", "2048/512/128", "2048/512/256", "2048/256/64")


def write_wav(path, x):
    pcm = np.clip(x * 32767.0, -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def player(seconds, lo, hi, partials, seed):
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    out = np.zeros(n)
    t = 0.0
    while t < seconds:
        dur = rng.uniform(0.2, 0.8)
        if rng.random() < 0.8:  # a note, else a rest
            f0 = 440.0 * 2 ** ((rng.integers(lo, hi) - 69) / 12.0)
            a, b = int(t * RATE), min(n, int((t + dur) * RATE))
            tt = np.arange(b - a) / RATE
            phase = 2 * np.pi * f0 * (tt + 0.002 * np.sin(2 * np.pi * 5.5 * tt) / (2 * np.pi * 5.5))
            env = np.minimum(1.0, np.minimum(tt / 0.02, (tt[-1] - tt + 1e-3) / 0.05))
            for h in range(1, partials + 1):
                if h * f0 < RATE / 2 - 500:
                    out[a:b] += env * np.sin(h * phase) / h
        t += dur
    return 0.1 * out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--window", action="append", help="K/L/R (repeatable; default: a fixed list)")
    ap.add_argument("extra", nargs="*", help="options passed to camsep-process")
    args = ap.parse_args()
    train = os.path.join(args.build, "tools", "camsep-train")
    process = os.path.join(args.build, "tools", "camsep-process")
    for exe in (train, process):
        if not os.access(exe, os.X_OK):
            sys.exit("process_speed: %s not built" % exe)
    windows = args.window or list(WINDOWS)
    with tempfile.TemporaryDirectory(prefix="camsep-speed-") as tmp:
        parts = [player(args.seconds, lo, hi, p, s)
                 for (lo, hi, p, s) in ((67, 91, 12, 1), (55, 79, 16, 2), (43, 67, 20, 3), (31, 55, 24, 4))]
        mix = sum(parts) + 1e-3 * np.random.default_rng(9).standard_normal(len(parts[0]))
        mix_path = os.path.join(tmp, "mix.wav")
        write_wav(mix_path, mix)
        for j, x in enumerate(parts):
            write_wav(os.path.join(tmp, "p%d.wav" % j), x)
        print("camsep-process on a %.0f s, 4-player mixture at %d Hz, 4 x 32 atoms, best of %d runs %s"
              % (args.seconds, RATE, args.repeat, " ".join(args.extra)))
        print("%16s | %9s | %11s | %8s" % ("K/L/R", "wall s", "x real time", "vs base"))
        base = None
        for w in windows:
            k, l, r = (int(v) for v in w.split("/"))
            dicts = []
            for j in range(4):
                d = os.path.join(tmp, "p%d-%d-%d.dict" % (j, k, l))
                subprocess.run([train, "-o", d, "--atoms", "32", "--iterations", "50", "--fft", str(k),
                                "--latency", str(l), "--hop", str(r), "--quiet",
                                os.path.join(tmp, "p%d.wav" % j)], check=True)
                dicts += ["-d", d]
            best = None
            for _ in range(args.repeat):
                out = os.path.join(tmp, "out")
                t0 = time.monotonic()
                subprocess.run([process, "-i", mix_path] + dicts + ["-o", out, "--fft", str(k), "--latency", str(l),
                                                                    "--hop", str(r), "--quiet"] + args.extra,
                               check=True)
                dt = time.monotonic() - t0
                best = dt if best is None else min(best, dt)
            factor = args.seconds / best
            if base is None:
                base = factor
            print("%16s | %9.2f | %10.1fx | %7.2fx" % (w, best, factor, factor / base))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

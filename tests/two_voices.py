# SPDX-License-Identifier: GPL-3.0-or-later
"""Material for the live-host tests (test_jack.sh, test_netjack.sh): two
synthetic instruments at 48 kHz, one with odd harmonics high, one with all
harmonics low, a note every 0.375 s, as 16-bit WAVs a.wav, b.wav and their
mix mix.wav in DIR; with --rest A B the low one rests from A to B seconds and
DIR/activity.csv holds the two players' activity every 0.1 s.

Usage: two_voices.py DIR SECONDS [--rest A B]"""
import argparse
import wave

import numpy as np

RATE = 48000
HIGH = [330, 392, 440, 494, 523, 587, 659, 698]
LOW = [110, 131, 147, 165, 98, 123, 82, 110]


def voice(n, notes, odd):
    t = np.arange(n) / RATE
    x = np.zeros(n)
    for k, f in enumerate(notes):
        a, b = int(k * 0.375 * RATE), int((k * 0.375 + 0.36) * RATE)
        if b > n:
            break
        env = np.zeros(n)
        env[a:b] = np.hanning(b - a) ** 0.3
        for h in range(1, 12):
            if (odd and h % 2 == 0) or h * f > RATE / 2:
                continue
            x += env * np.sin(2 * np.pi * h * f * t) / h
    return 0.15 * x


def write(path, x):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("seconds", type=float)
    ap.add_argument("--rest", type=float, nargs=2, metavar=("A", "B"))
    args = ap.parse_args()
    n = int(args.seconds * RATE)
    a, b = voice(n, HIGH, True), voice(n, LOW, False)
    if args.rest:
        b[int(args.rest[0] * RATE):int(args.rest[1] * RATE)] = 0.0
    write(f"{args.dir}/a.wav", a)
    write(f"{args.dir}/b.wav", b)
    write(f"{args.dir}/mix.wav", a + b)
    if args.rest:
        with open(f"{args.dir}/activity.csv", "w") as f:
            f.write("time,p1,p2\n")
            for k in range(int(round(args.seconds * 10)) + 1):
                tt = k * 0.1
                f.write(f"{tt:.2f},0.9,{0.0 if args.rest[0] <= tt < args.rest[1] else 0.8}\n")


main()

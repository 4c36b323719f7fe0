#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render the camsep demo duo: score -> one MIDI per voice -> fluidsynth.

Each voice is rendered alone (the true parts) with the FluidR3 GM soundfont at
48 kHz, deterministically (no reverb, no chorus, float output without dither),
averaged to mono, and written as OUTDIR/part1.wav, OUTDIR/part2.wav and their
sum OUTDIR/mix.wav (32-bit float, same length). The MIDI files are kept in
OUTDIR too. The score format is documented at the top of demo/duo_score.txt.

    /usr/bin/python3 demo/render_duo.py [--score demo/duo_score.txt] OUTDIR
    /usr/bin/python3 demo/render_duo.py --print-presets     # e.g. "flute cello"

Standard library + numpy; shares the MIDI writer with presets/make_presets.py.
"""

import argparse
import os
import re
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "presets"))
import smfwav as S  # noqa: E402

RATE = 48000
MIX_PEAK = 0.5    # the mix and the parts are scaled together to this peak (-6 dBFS)


class Voice:
    def __init__(self, name, program):
        self.name = name
        self.program = program
        self.transpose = 0
        self.preset = name
        self.velocity = 80
        self.level_db = 0.0
        self.notes = []   # (start_beat, beats, midi, velocity); rests are gaps
        self.pos = 0.0    # current beat
        self.bar_start = 0.0


class ScoreError(Exception):
    pass


def parse_score(path):
    """Return (tempo_bpm, [Voice, ...])."""
    tempo = None
    meter = None
    voices = []
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    for lineno, raw in enumerate(lines, 1):
        line = re.sub(r"(^|\s)#.*", "", raw).strip()  # '#' starts a comment only
                                                       # at a word start (F#4 is a pitch)
        if not line:
            continue
        where = "%s:%d" % (path, lineno)
        words = line.split()
        key = words[0].lower()
        try:
            if key == "tempo":
                tempo = float(words[1])
                if not 10 <= tempo <= 400:
                    raise ScoreError("tempo out of range")
                continue
            if key == "meter":
                meter = float(words[1])
                continue
            if key == "voice":
                if len(words) < 3:
                    raise ScoreError("voice needs NAME PROGRAM")
                v = Voice(words[1], int(words[2]))
                if not 0 <= v.program <= 127:
                    raise ScoreError("program out of range")
                for opt in words[3:]:
                    k, _, val = opt.partition("=")
                    if k == "transpose":
                        v.transpose = int(val)
                    elif k == "preset":
                        v.preset = val
                    elif k == "velocity":
                        v.velocity = int(val)
                    elif k == "level":
                        v.level_db = float(val)
                    else:
                        raise ScoreError("unknown voice option %r" % opt)
                voices.append(v)
                continue
            if not voices:
                raise ScoreError("notes before the first 'voice' line")
            v = voices[-1]
            for tok in words:
                if tok == "|":
                    if meter is not None and abs((v.pos - v.bar_start) - meter) > 1e-9:
                        raise ScoreError("bar ending at beat %g has %g beats, meter is %g"
                                         % (v.pos, v.pos - v.bar_start, meter))
                    v.bar_start = v.pos
                    continue
                parts = tok.split(":")
                if len(parts) not in (2, 3):
                    raise ScoreError("bad token %r (PITCH:BEATS[:VEL] or R:BEATS)" % tok)
                beats = float(parts[1])
                if beats <= 0:
                    raise ScoreError("non-positive duration in %r" % tok)
                if parts[0].upper() == "R":
                    if len(parts) != 2:
                        raise ScoreError("a rest has no velocity: %r" % tok)
                else:
                    midi = S.note_number(parts[0]) + v.transpose
                    if not 0 <= midi <= 127:
                        raise ScoreError("transposed pitch out of range: %r" % tok)
                    vel = int(parts[2]) if len(parts) == 3 else v.velocity
                    if not 1 <= vel <= 127:
                        raise ScoreError("velocity out of range: %r" % tok)
                    v.notes.append((v.pos, beats, midi, vel))
                v.pos += beats
        except (ScoreError, ValueError, IndexError) as e:
            raise SystemExit("error: %s: %s" % (where, e)) from None
    if tempo is None:
        raise SystemExit("error: %s: no 'tempo' line" % path)
    if len(voices) != 2:
        raise SystemExit("error: %s: expected 2 voices, found %d" % (path, len(voices)))
    for v in voices:
        if not v.notes:
            raise SystemExit("error: %s: voice %s has no notes" % (path, v.name))
    return tempo, voices


def voice_midi(tempo, voice, path, legato=0.95):
    song = S.MidiSong(tempo_bpm=tempo)
    song.track_name(voice.name)
    song.program(0.0, 0, voice.program)
    song.controller(0.0, 0, 7, 100)
    song.controller(0.0, 0, 11, 127)
    sec = 60.0 / tempo
    for start, beats, midi, vel in voice.notes:
        song.note(start * sec, beats * sec * legato, 0, midi, vel)
    song.write(path, tail_seconds=1.5)


def main():
    ap = argparse.ArgumentParser(description="Render the camsep demo duo.")
    ap.add_argument("outdir", nargs="?", help="output directory (created if missing)")
    ap.add_argument("--score", default=os.path.join(HERE, "duo_score.txt"))
    ap.add_argument("--sf2", default=S.DEFAULT_SF2)
    ap.add_argument("--print-presets", action="store_true",
                    help="print the two voices' preset names and exit")
    ap.add_argument("--program", metavar="P1,P2",
                    help="override the GM programs (for trying other pairs)")
    ap.add_argument("--transpose", metavar="T1,T2",
                    help="override the voices' transpositions (semitones)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    tempo, voices = parse_score(args.score)
    if args.program:
        for v, p in zip(voices, args.program.split(",")):
            v.program = int(p)
    if args.transpose:
        for v, t in zip(voices, args.transpose.split(",")):
            shift = int(t) - v.transpose
            v.notes = [(a, b, m + shift, c) for a, b, m, c in v.notes]
            v.transpose = int(t)
    if args.print_presets:
        print(" ".join(v.preset for v in voices))
        return 0
    if not args.outdir:
        ap.error("OUTDIR is required")
    os.makedirs(args.outdir, exist_ok=True)

    parts = []
    with tempfile.TemporaryDirectory(prefix="camsep-demo-") as tmp:
        for i, v in enumerate(voices, 1):
            mid = os.path.join(args.outdir, "part%d.mid" % i)
            voice_midi(tempo, v, mid)
            x = S.render_mono(mid, os.path.join(tmp, "part%d.stereo.wav" % i),
                              sf2=args.sf2, rate=RATE, gain=0.5)
            parts.append(x * 10.0 ** (v.level_db / 20.0))
    # Drop the common silent tail that fluidsynth renders after the last release.
    n = max(len(p) for p in parts)
    parts = [np.concatenate([p, np.zeros(n - len(p))]) for p in parts]
    total = np.abs(parts[0]) + np.abs(parts[1])
    loud = np.nonzero(total > 1e-6 * total.max())[0]
    n = min(n, loud[-1] + 1 + int(0.25 * RATE))
    parts = [p[:n].astype(np.float32) for p in parts]
    mix = parts[0] + parts[1]
    g = np.float32(MIX_PEAK / float(np.max(np.abs(mix))))
    parts = [p * g for p in parts]
    mix = parts[0] + parts[1]
    for i, p in enumerate(parts, 1):
        S.write_wav(os.path.join(args.outdir, "part%d.wav" % i), RATE, p)
    S.write_wav(os.path.join(args.outdir, "mix.wav"), RATE, mix)
    if not args.quiet:
        for i, (v, p) in enumerate(zip(voices, parts), 1):
            rms = float(np.sqrt(np.mean(np.asarray(p, np.float64) ** 2)))
            print("part%d.wav  %-8s GM %3d  transpose %+d  %d notes  rms %.1f dBFS"
                  % (i, v.name, v.program, v.transpose, len(v.notes),
                     20 * np.log10(rms + 1e-20)))
        print("mix.wav    %.2f s at %d Hz, peak %.3f  (in %s)"
              % (len(mix) / RATE, RATE, float(np.max(np.abs(mix))), args.outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())

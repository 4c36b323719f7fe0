#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make camsep's bundled instrument dictionaries, reproducibly.

For each instrument this script
  1. writes a MIDI file of solo training material (chromatic runs over the
     instrument's range, arpeggios, long notes, chords for polyphonic
     instruments; velocities ~40/80/115; several note lengths),
  2. renders it with fluidsynth and the FluidR3 GM soundfont (MIT licence),
     deterministically: no reverb, no chorus, 32-bit float output (no dither),
     one synthesis thread, 48 kHz; then averages L/R to mono and scales the
     peak to -6 dBFS,
  3. trains a dictionary with camsep-train for each latency the hosts offer
     (the engine's window pair: a dictionary is learned from the spectra of
     the window it is used with):
       camsep-train -o presets/dictionaries/NAME.dict --atoms 32 \
           --iterations 200 --fft 2048 --latency 1024 --hop 256 --seed 1 --name NAME SOLO.wav
       camsep-train -o presets/dictionaries/latency-512/NAME.dict ... --latency 512 ...

The generic "other" dictionary is trained from instruments that are NOT in the
player list (organ, string ensemble, pads, distorted guitar, mallets, harp,
accordion, electric piano, synth lead, brass section), played as a polyphonic
medley, plus pink, brown and white noise (numpy, fixed seed), partly mixed
under the music and partly alone. It is meant to absorb what no player explains.

Run with Debian's python3 (standard library + numpy):
    /usr/bin/python3 presets/make_presets.py            # everything
    /usr/bin/python3 presets/make_presets.py --only violin,cello
    /usr/bin/python3 presets/make_presets.py --render-only --keep-audio /tmp/solo
Temporary audio goes to a temporary directory (or --keep-audio DIR), never into
the repository.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, HERE)
import smfwav as S  # noqa: E402

RATE = 48000
ATOMS = 32
ITERATIONS = 200
FFT = 2048
# Latencies with bundled dictionaries: the default in dictionaries/, the
# others in dictionaries/latency-L/ (where the hosts look for them).
DEFAULT_LATENCY = 1024
LATENCIES = (1024, 512)
SEED = 1
PEAK = 0.5  # solo material is scaled to this peak (-6 dBFS)
DRUM_CHANNEL = 9


class Instrument:
    def __init__(self, name, program, lo, hi, label, poly=False, expressive=False,
                 strum=False):
        self.name = name            # dictionary name and file stem
        self.program = program      # GM program, 0-based
        self.lo_name, self.hi_name = lo, hi
        self.lo = S.note_number(lo) if lo else None
        self.hi = S.note_number(hi) if hi else None
        self.label = label          # human-readable instrument
        self.poly = poly            # add chords
        self.expressive = expressive  # vibrato (CC1) and swells (CC11) on long notes
        self.strum = strum          # chords are strummed (guitar)


# Ranges are sounding (concert) pitch, C4 = MIDI 60. They cover the usual
# playing range, not the extreme altissimo.
INSTRUMENTS = [
    Instrument("violin", 40, "G3", "A6", "Violin", expressive=True),
    Instrument("viola", 41, "C3", "E6", "Viola", expressive=True),
    Instrument("cello", 42, "C2", "E5", "Cello", expressive=True),
    Instrument("double_bass", 43, "E1", "D4", "Contrabass", expressive=True),
    Instrument("flute", 73, "C4", "C7", "Flute", expressive=True),
    Instrument("clarinet", 71, "D3", "F6", "Clarinet (B-flat, concert pitch)", expressive=True),
    Instrument("oboe", 68, "Bb3", "F6", "Oboe", expressive=True),
    Instrument("bassoon", 70, "Bb1", "Eb5", "Bassoon", expressive=True),
    Instrument("tenor_sax", 66, "Ab2", "E5", "Tenor saxophone (concert pitch)", expressive=True),
    Instrument("trumpet", 56, "F#3", "D6", "Trumpet (concert pitch)", expressive=True),
    Instrument("trombone", 57, "E2", "F5", "Trombone", expressive=True),
    Instrument("french_horn", 60, "B1", "F5", "French horn (concert pitch)", expressive=True),
    Instrument("piano", 0, "A0", "C8", "Acoustic grand piano", poly=True),
    Instrument("nylon_guitar", 24, "E2", "B5", "Nylon-string guitar", poly=True, strum=True),
    Instrument("steel_guitar", 25, "E2", "C6", "Steel-string guitar", poly=True, strum=True),
    Instrument("electric_bass", 33, "E1", "G4", "Electric bass (finger)"),
    Instrument("voice", 52, "F2", "A5", "Voice (GM Choir Aahs)", expressive=True),
    Instrument("drums", 0, None, None, "Drum kit (GM channel 10, Standard kit)"),
    Instrument("other", -1, None, None, "Generic other/noise"),
]

VELS = (40, 80, 115)


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def melodic_material(song, inst, ch=0):
    """Solo material for a pitched instrument. Returns the end time (s)."""
    lo, hi = inst.lo, inst.hi
    n = hi - lo + 1
    song.program(0.0, ch, inst.program)
    song.controller(0.0, ch, 7, 100)   # channel volume
    song.controller(0.0, ch, 11, 127)  # expression
    song.controller(0.0, ch, 1, 0)     # modulation (vibrato) off
    t = 0.2
    gap = 0.4

    # A: chromatic ascent, legato-ish, velocities cycling.
    step = clamp(7.0 / n, 0.07, 0.28)
    for i, p in enumerate(range(lo, hi + 1)):
        song.note(t, 0.92 * step, ch, p, VELS[(i + 1) % 3])
        t += step
    t += gap

    # B: chromatic descent, staccato.
    step = clamp(5.0 / n, 0.07, 0.2)
    dur = max(0.05, 0.45 * step)
    for i, p in enumerate(range(hi, lo - 1, -1)):
        song.note(t, dur, ch, p, VELS[(i + 2) % 3])
        t += step
    t += gap

    # C: arpeggios (root, third, fifth, octave, fifth, third) over the range,
    # alternating major and minor, one velocity per arpeggio.
    root_step = max(2, -(-(n - 7) // 12))  # at most ~12 arpeggios
    step = 0.12 if inst.poly else 0.14
    for k, root in enumerate(range(lo, hi - 6, root_step)):
        third = 4 if k % 2 == 0 else 3
        vel = VELS[k % 3]
        for iv in (0, third, 7, 12, 7, third):
            p = root + iv
            if p <= hi:
                song.note(t, 0.9 * step, ch, p, vel)
                t += step
    t += gap

    # D: long notes across the range, three dynamics; expressive instruments
    # get vibrato and a swell on every other note.
    count = 9
    for k in range(count):
        p = int(round(lo + (hi - lo) * k / (count - 1)))
        vel = VELS[(k + 1) % 3]
        length = (1.1 if k % 2 == 0 else 0.7) * (0.7 if inst.poly else 1.0)
        if inst.expressive:
            song.controller(t, ch, 1, 50 if k % 2 == 0 else 0)
            if k % 2 == 1:
                for j in range(8):  # crescendo via expression
                    song.controller(t + length * j / 8.0, ch, 11, 60 + j * 9)
        song.note(t, length, ch, p, vel)
        t += length + 0.15
        if inst.expressive:
            song.controller(t - 0.05, ch, 11, 127)
    if inst.expressive:
        song.controller(t, ch, 1, 0)
    t += gap

    # E: chords for polyphonic instruments (triads and sevenths, 2 octaves
    # apart for piano-like spread), strummed for guitars.
    if inst.poly:
        shapes = [(0, 4, 7, 12), (0, 3, 7, 10), (0, 4, 7, 11), (0, 5, 9, 12), (0, 3, 6, 9)]
        roots = list(range(lo, hi - 12, max(3, -(-(n - 12) // 8))))
        for k, root in enumerate(roots):
            shape = shapes[k % len(shapes)]
            vel = VELS[k % 3]
            length = 0.9 if k % 2 == 0 else 0.45
            notes = [root + iv for iv in shape if root + iv <= hi]
            for j, p in enumerate(notes):
                off = 0.018 * j if inst.strum else 0.0
                song.note(t + off, length - off, ch, p, vel)
            t += length + 0.1
        # a short two-hand passage: bass notes under a melody
        for k in range(16):
            mel = clamp(lo + n // 2 + (k * 5) % 12, lo, hi)
            bass = clamp(lo + 5 + (k * 7) % 12, lo, hi)
            song.note(t, 0.26, ch, mel, VELS[k % 3])
            if k % 2 == 0:
                song.note(t, 0.5, ch, bass, VELS[(k + 1) % 3])
            t += 0.25
    return t


def drum_material(song, rng):
    ch = DRUM_CHANNEL
    song.program(0.0, ch, 0)  # Standard kit
    song.controller(0.0, ch, 7, 100)
    t = 0.2
    # A: single hits, each kit piece at three velocities.
    short = [36, 38, 37, 42, 44, 39, 41, 43, 45, 47, 48, 50]
    for key in short:
        for v in VELS:
            song.note(t, 0.1, ch, key, v)
            t += 0.25
    for key in (46, 49, 51, 53, 57):  # open hat, crash, ride, ride bell, crash 2
        for v in VELS:
            song.note(t, 0.2, ch, key, v)
            t += 0.6 if key != 46 else 0.4
    t += 0.3

    # B: grooves. 8th-note rock beat, 16th-note hats, ride pattern, fills.
    beat = 60.0 / 108.0  # 108 bpm

    def jitter(v):
        return int(clamp(v + rng.integers(-8, 9), 20, 127))

    for bar in range(3):  # rock beat, closed hats in 8ths with accents
        b0 = t + bar * 4 * beat
        for e in range(8):
            song.note(b0 + e * beat / 2, 0.08, ch, 42 if e != 7 or bar % 2 == 0 else 46,
                      jitter(100 if e % 2 == 0 else 60))
        for e in (0, 5) if bar % 2 else (0, 4, 5):
            song.note(b0 + e * beat / 2, 0.1, ch, 36, jitter(110))
        for e in (2, 6):
            song.note(b0 + e * beat / 2, 0.1, ch, 38, jitter(112))
        song.note(b0 + 3.75 * beat, 0.05, ch, 38, jitter(40))  # ghost note
    t += 12 * beat
    for bar in range(2):  # 16th hats, softer
        b0 = t + bar * 4 * beat
        for e in range(16):
            song.note(b0 + e * beat / 4, 0.05, ch, 42, jitter((85, 45, 65, 45)[e % 4]))
        for e in (0, 3, 8, 10):
            song.note(b0 + e * beat / 4, 0.1, ch, 36, jitter(95))
        for e in (4, 12):
            song.note(b0 + e * beat / 4, 0.1, ch, 38, jitter(80))
    t += 8 * beat
    for bar in range(2):  # ride pattern, pedal hat, cross-stick
        b0 = t + bar * 4 * beat
        for q in range(4):
            song.note(b0 + q * beat, 0.1, ch, 51, jitter(90))
            if q % 2 == 1:
                song.note(b0 + q * beat + 2 * beat / 3, 0.1, ch, 51, jitter(70))
                song.note(b0 + q * beat, 0.1, ch, 44, jitter(70))
                song.note(b0 + q * beat, 0.1, ch, 37, jitter(75))
        song.note(b0, 0.1, ch, 36, jitter(70))
        song.note(b0 + 2.5 * beat, 0.1, ch, 36, jitter(60))
    t += 8 * beat
    # tom fill, then crash + kick
    toms = [50, 50, 48, 48, 47, 47, 45, 45, 43, 43, 41, 41, 38, 38, 38, 38]
    for e, key in enumerate(toms):
        song.note(t + e * beat / 4, 0.1, ch, key, jitter(70 + 3 * e))
    t += 4 * beat
    song.note(t, 0.3, ch, 49, 120)
    song.note(t, 0.3, ch, 36, 120)
    t += 2.0
    song.note(t, 0.3, ch, 49, 60)
    song.note(t + 1.0, 0.2, ch, 57, 90)
    return t + 1.5


# Instruments for "other": none of them is in the player list above.
OTHER_PROGRAMS = [(19, "church organ"), (48, "string ensemble"), (89, "warm pad"),
                  (30, "distortion guitar"), (12, "marimba"), (11, "vibraphone"),
                  (46, "harp"), (21, "accordion"), (4, "electric piano"),
                  (81, "saw lead"), (61, "brass section"), (16, "drawbar organ")]


def other_material(song, rng):
    """A polyphonic medley: each instrument ~2.5 s of chords and a melody,
    neighbouring segments overlapping. Channels 0..8, 10..12 (never 9)."""
    t = 0.2
    chans = [c for c in range(16) if c != DRUM_CHANNEL]
    for i, (prog, _label) in enumerate(OTHER_PROGRAMS):
        ch = chans[i]
        song.program(0.0, ch, prog)
        song.controller(0.0, ch, 7, 100)
        base = 48 + int(rng.integers(0, 12))
        shape = [(0, 4, 7), (0, 3, 7), (0, 5, 9), (0, 4, 10)][i % 4]
        for p in shape:  # a chord
            song.note(t, 1.2, ch, base + p, VELS[i % 3])
        for k in range(10):  # a melody above it
            p = base + 12 + int(rng.choice([0, 2, 4, 5, 7, 9, 11, 12, 14]))
            song.note(t + 0.2 * k, 0.18, ch, p, VELS[(i + k) % 3])
        for k in range(4):  # a bass line below
            song.note(t + 1.3 + 0.3 * k, 0.28, ch, base - 12 + 2 * k, 80)
        t += 2.2  # next segment starts before this one has fully decayed
    return t + 1.0


def coloured_noise(n, exponent, rng):
    """Noise with power spectrum ~ 1/f^exponent (0 white, 1 pink, 2 brown)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1.0
    spec *= f ** (-exponent / 2.0)
    spec[0] = 0.0
    x = np.fft.irfft(spec, n)
    return x / (np.max(np.abs(x)) + 1e-12)


def other_audio(music, rng):
    """music + noise: pink noise under the first half, then noise alone in
    bursts (pink, brown, white) at several levels."""
    out = music / (np.max(np.abs(music)) + 1e-12)
    half = len(out) // 2
    out[:half] += 0.05 * coloured_noise(half, 1.0, rng)
    pieces = [out]
    for exponent, level, secs in ((1.0, 0.3, 3.0), (1.0, 0.08, 2.0), (2.0, 0.3, 2.0),
                                  (0.0, 0.1, 1.5), (1.5, 0.2, 2.0)):
        n = int(secs * RATE)
        env = np.ones(n)
        ramp = int(0.05 * RATE)
        env[:ramp] = np.linspace(0, 1, ramp)
        env[-ramp:] = np.linspace(1, 0, ramp)
        pieces.append(level * env * coloured_noise(n, exponent, rng))
        pieces.append(np.zeros(int(0.2 * RATE)))
    return np.concatenate(pieces)


def find_trainer(explicit):
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise SystemExit("error: --camsep-train %s is not an executable file" % explicit)
        return explicit
    exe = shutil.which("camsep-train")
    if exe:
        return exe
    local = os.path.join(os.path.dirname(HERE), "build", "tools", "camsep-train")
    if os.path.isfile(local) and os.access(local, os.X_OK):
        return local
    raise SystemExit("error: camsep-train not found in PATH nor at %s; build the project "
                     "or pass --camsep-train PATH" % local)


def make_solo(inst, workdir, sf2, verbose):
    """Write MIDI, render, return (mono signal, midi path)."""
    rng = np.random.default_rng(SEED)
    song = S.MidiSong(tempo_bpm=120.0)
    song.track_name("camsep training material: " + inst.name)
    if inst.name == "drums":
        drum_material(song, rng)
    elif inst.name == "other":
        other_material(song, rng)
    else:
        melodic_material(song, inst)
    mid = os.path.join(workdir, inst.name + ".mid")
    song.write(mid, tail_seconds=1.5)
    raw = os.path.join(workdir, inst.name + ".render.wav")
    x = trim_tail(S.render_mono(mid, raw, sf2=sf2, rate=RATE, gain=0.5, verbose=verbose))
    if inst.name == "other":
        x = other_audio(x, rng)
    peak = np.max(np.abs(x))
    if peak <= 0:
        raise SystemExit("error: %s rendered silent" % inst.name)
    return x * (PEAK / peak), mid


def trim_tail(x, floor_db=-70.0, keep=0.2):
    """Drop the silent end of a render (fluidsynth runs on after the last
    release), keeping `keep` seconds after the last sample above floor_db
    relative to the peak."""
    peak = np.max(np.abs(x))
    if peak <= 0:
        return x
    loud = np.nonzero(np.abs(x) > peak * 10.0 ** (floor_db / 20.0))[0]
    end = min(len(x), loud[-1] + 1 + int(keep * RATE))
    return x[:end]


def sample_hash(x):
    return hashlib.sha256(np.asarray(x, dtype="<f4").tobytes()).hexdigest()


def write_readme(path, done):
    lines = [
        "# Bundled instrument dictionaries",
        "",
        "Generated by `presets/make_presets.py` (do not edit by hand). Each `.dict` is a",
        "KL-NMF dictionary (format: `docs/dictionary-format.md`) trained by `camsep-train` on",
        "solo material rendered with fluidsynth %s from the FluidR3 GM soundfont"
        % fluidsynth_version(),
        "(MIT licence): chromatic runs over the range below, arpeggios, long notes (with",
        "vibrato and swells for bowed, wind and voice presets), chords for piano and guitars,",
        "at velocities about 40/80/115 and several note lengths. Rendering is deterministic",
        "(no reverb, no chorus, float output without dither, one synthesis thread); the",
        "signal is averaged to mono and scaled to a -6 dBFS peak.",
        "",
        "All dictionaries: %d atoms, analysis window (FFT) %d, sample rate %d Hz, %d iterations,"
        % (ATOMS, FFT, RATE, ITERATIONS),
        "seed %d. The files here are learned for latency %d (the window pair falls over its last"
        % (SEED, DEFAULT_LATENCY),
        "%d samples); `latency-L/` holds the same instruments learned for latency L (%s)."
        % (DEFAULT_LATENCY // 2, ", ".join(str(l) for l in LATENCIES if l != DEFAULT_LATENCY)),
        "The engine takes a dictionary only for the window it was learned with (or that window",
        "scaled with the FFT size, and another sample rate, which it resamples).",
        "Ranges are sounding pitch (C4 = middle C = MIDI 60). \"Material\" is the length of",
        "the mono training signal; its sha256 (first 16 hex digits, over the little-endian",
        "float32 samples) lets a regeneration check that fluidsynth rendered the same audio",
        "(another fluidsynth or soundfont version may not).",
        "",
        "| File | Instrument | GM program | Range | Material | Material sha256 | Atoms | FFT | Rate |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for inst, seconds, digest in done:
        if inst.name == "drums":
            prog = "channel 10, kit 0"
            rng = ("keys 36-57: kick, snare, side stick, clap, closed/pedal/open hat, "
                   "6 toms, crash 1/2, ride, ride bell; single hits and grooves")
        elif inst.name == "other":
            prog = "mixture"
            rng = "see below"
        else:
            prog = "%d" % inst.program
            rng = "%s-%s (MIDI %d-%d)" % (inst.lo_name, inst.hi_name, inst.lo, inst.hi)
        lines.append("| `%s.dict` | %s | %s | %s | %.1f s | `%s` | %d | %d | %d |"
                     % (inst.name, inst.label, prog, rng, seconds, digest[:16], ATOMS, FFT,
                        RATE))
    lines += [
        "",
        "GM programs are 0-based (0 = Acoustic Grand Piano). `voice` is GM 52 \"Choir Aahs\",",
        "the closest sung timbre in General MIDI.",
        "",
        "`other.dict` is a generic \"other/noise\" dictionary for the optional other stem",
        "(`camsep-process --other`). It is trained on a polyphonic medley of GM instruments that",
        "are *not* among the player presets (%s), with pink noise under the first half,"
        % ", ".join("%s %d" % (lab, p) for p, lab in OTHER_PROGRAMS),
        "followed by pink, brown, white and 1/f^1.5 noise bursts at several levels",
        "(numpy, fixed seed).",
        "",
        "## Regenerate",
        "",
        "```sh",
        "cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target camsep-train",
        "/usr/bin/python3 presets/make_presets.py --camsep-train build/tools/camsep-train",
        "# a subset:  --only violin,cello      keep the audio:  --keep-audio /tmp/solo",
        "# check that rendering is deterministic:  --check-determinism",
        "```",
        "",
        "Each dictionary is trained with",
        "`camsep-train -o presets/dictionaries/[latency-L/]NAME.dict --atoms %d --iterations %d "
        "--fft %d --latency L --hop L/4 --seed %d --name NAME NAME.wav`." % (ATOMS, ITERATIONS, FFT, SEED),
        "Needs fluidsynth and `/usr/share/sounds/sf2/FluidR3_GM.sf2` (Debian: `fluidsynth`,",
        "`fluid-soundfont-gm`), Python 3 with numpy.",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def fluidsynth_version():
    try:
        out = subprocess.run([S.find_fluidsynth(), "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True).stdout
        for word in out.split():
            if word[:1].isdigit():
                return word
    except OSError:
        pass
    return "(unknown version)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--camsep-train", metavar="PATH",
                    help="trainer (default: camsep-train in PATH, then build/tools/camsep-train)")
    ap.add_argument("--sf2", default=S.DEFAULT_SF2, help="soundfont (default: %(default)s)")
    ap.add_argument("--out", default=os.path.join(HERE, "dictionaries"),
                    help="output directory (default: presets/dictionaries)")
    ap.add_argument("--only", help="comma-separated instrument names")
    ap.add_argument("--keep-audio", metavar="DIR", help="keep MIDI and WAV files in DIR")
    ap.add_argument("--render-only", action="store_true", help="render, do not train")
    ap.add_argument("--check-determinism", action="store_true",
                    help="render every instrument twice and compare the samples")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite README.md")
    ap.add_argument("--list", action="store_true", help="list the instruments and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="show fluidsynth commands")
    args = ap.parse_args()

    if args.list:
        for inst in INSTRUMENTS:
            rng = ("%s-%s" % (inst.lo_name, inst.hi_name)) if inst.lo else "-"
            prog = "%3d" % inst.program if inst.program >= 0 else "mix"
            print("%-14s program %s  %-9s %s" % (inst.name, prog, rng, inst.label))
        return 0

    chosen = INSTRUMENTS
    if args.only:
        names = [s.strip() for s in args.only.split(",") if s.strip()]
        known = {i.name: i for i in INSTRUMENTS}
        bad = [n for n in names if n not in known]
        if bad:
            raise SystemExit("error: unknown instrument(s): %s (see --list)" % ", ".join(bad))
        chosen = [known[n] for n in names]

    trainer = None if args.render_only else find_trainer(args.camsep_train)
    if trainer:
        print("trainer: %s" % trainer)
    print("fluidsynth %s, soundfont %s" % (fluidsynth_version(), args.sf2))
    os.makedirs(args.out, exist_ok=True)

    tmp = None
    if args.keep_audio:
        workdir = os.path.abspath(args.keep_audio)
        os.makedirs(workdir, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="camsep-presets-")
        workdir = tmp.name
    print("audio work directory: %s" % workdir)

    done = []
    try:
        for inst in chosen:
            x, mid = make_solo(inst, workdir, args.sf2, args.verbose)
            seconds = len(x) / RATE
            digest = sample_hash(x)
            print("%-14s %5.1f s of material, program %s, samples sha256 %s"
                  % (inst.name, seconds, inst.program if inst.program >= 0 else "mix",
                     digest[:16]), flush=True)
            if args.check_determinism:
                again_dir = os.path.join(workdir, "again")
                os.makedirs(again_dir, exist_ok=True)
                y, _ = make_solo(inst, again_dir, args.sf2, False)
                if sample_hash(y) != digest:
                    raise SystemExit("error: %s: second render differs" % inst.name)
                print("%-14s second render identical" % "", flush=True)
            wav = os.path.join(workdir, inst.name + ".wav")
            S.write_wav(wav, RATE, x)
            for latency in (LATENCIES if trainer else ()):
                sub = "" if latency == DEFAULT_LATENCY else "latency-%d" % latency
                os.makedirs(os.path.join(args.out, sub), exist_ok=True)
                out = os.path.join(args.out, sub, inst.name + ".dict")
                cmd = [trainer, "-o", out, "--atoms", str(ATOMS), "--iterations",
                       str(ITERATIONS), "--fft", str(FFT), "--latency", str(latency),
                       "--hop", str(latency // 4),
                       "--seed", str(SEED), "--name", inst.name, "--quiet", wav]
                print("  $ " + " ".join(cmd), flush=True)
                t0 = time.monotonic()
                res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
                dt = time.monotonic() - t0
                if res.stdout.strip():
                    print("    " + res.stdout.strip().replace("\n", "\n    "))
                if res.returncode != 0:
                    raise SystemExit("error: camsep-train failed for %s (exit %d)"
                                     % (inst.name, res.returncode))
                print("%-14s trained in %.1f s -> %s (%d bytes)"
                      % ("", dt, os.path.relpath(out), os.path.getsize(out)), flush=True)
            done.append((inst, seconds, digest))
    finally:
        if tmp is not None:
            tmp.cleanup()

    if trainer and not args.no_readme and not args.only:
        readme = os.path.join(args.out, "README.md")
        write_readme(readme, done)
        print("wrote %s" % os.path.relpath(readme))
    elif trainer and args.only and not args.no_readme:
        print("note: README.md not rewritten for a subset (--only); run without --only")
    return 0


if __name__ == "__main__":
    sys.exit(main())

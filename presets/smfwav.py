# SPDX-License-Identifier: GPL-3.0-or-later
"""Small helpers shared by presets/make_presets.py and demo/render_duo.py.

- A minimal Standard MIDI File writer (format 0: one track, all channels).
- Float WAV reading/writing with numpy (RIFF/WAVE, IEEE float or PCM).
- A deterministic fluidsynth render call (no reverb, no chorus, float output,
  so that no random dither is added).

Standard library + numpy only. Written for camsep; no third-party MIDI module.
"""

import os
import shutil
import struct
import subprocess

import numpy as np

DEFAULT_SF2 = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
PPQ = 960              # ticks per quarter note
DEFAULT_TEMPO_BPM = 120.0


# --------------------------------------------------------------------------
# Standard MIDI File writer
# --------------------------------------------------------------------------

def _vlq(value):
    """MIDI variable-length quantity (7 bits per byte, MSB = continue)."""
    if value < 0 or value > 0x0FFFFFFF:
        raise ValueError("VLQ out of range: %d" % value)
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


class MidiSong:
    """Collects timed events (in seconds) and writes a format-0 SMF.

    The song uses one constant tempo, so seconds map linearly to ticks.
    Events at the same tick are ordered: meta, program/controller,
    note-off, note-on (so a repeated pitch is released before it restarts).
    """

    ORDER_META, ORDER_CTRL, ORDER_OFF, ORDER_ON = 0, 1, 2, 3

    def __init__(self, tempo_bpm=DEFAULT_TEMPO_BPM, ppq=PPQ):
        self.tempo_bpm = float(tempo_bpm)
        self.ppq = int(ppq)
        self._events = []   # (tick, order, seq, bytes)
        self._seq = 0
        self.end_tick = 0

    def tick(self, seconds):
        return int(round(seconds * self.tempo_bpm / 60.0 * self.ppq))

    def _add(self, tick, order, data):
        if tick < 0:
            raise ValueError("negative event time")
        self._events.append((tick, order, self._seq, bytes(data)))
        self._seq += 1
        self.end_tick = max(self.end_tick, tick)

    def program(self, t, channel, program):
        self._add(self.tick(t), self.ORDER_CTRL, [0xC0 | channel, program & 0x7F])

    def controller(self, t, channel, number, value):
        self._add(self.tick(t), self.ORDER_CTRL,
                  [0xB0 | channel, number & 0x7F, int(value) & 0x7F])

    def note(self, start, duration, channel, pitch, velocity):
        """A note from start for duration seconds (duration > 0)."""
        if not 0 <= pitch <= 127:
            raise ValueError("pitch out of range: %d" % pitch)
        velocity = max(1, min(127, int(round(velocity))))
        t0 = self.tick(start)
        t1 = max(t0 + 1, self.tick(start + duration))
        self._add(t0, self.ORDER_ON, [0x90 | channel, pitch, velocity])
        self._add(t1, self.ORDER_OFF, [0x80 | channel, pitch, 0])

    def track_name(self, name):
        data = name.encode("ascii", "replace")
        self._add(0, self.ORDER_META, b"\xff\x03" + _vlq(len(data)) + data)

    def write(self, path, tail_seconds=2.0):
        """Write the file. The End-of-Track event is placed tail_seconds after
        the last event, so that renderers keep going through the release."""
        us_per_qn = int(round(60_000_000 / self.tempo_bpm))
        body = bytearray()
        body += _vlq(0) + b"\xff\x51\x03" + us_per_qn.to_bytes(3, "big")
        body += _vlq(0) + b"\xff\x58\x04\x04\x02\x18\x08"  # 4/4 time signature
        last = 0
        for tick, _order, _seq, data in sorted(self._events):
            body += _vlq(tick - last) + data
            last = tick
        end = self.end_tick + self.tick(tail_seconds)
        body += _vlq(end - last) + b"\xff\x2f\x00"
        header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, self.ppq)
        track = b"MTrk" + struct.pack(">I", len(body)) + bytes(body)
        with open(path, "wb") as f:
            f.write(header + track)


# --------------------------------------------------------------------------
# WAV I/O
# --------------------------------------------------------------------------

def read_wav(path):
    """Return (sample_rate, float64 array of shape [frames, channels])."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 12 or blob[0:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise ValueError("%s: not a RIFF/WAVE file" % path)
    pos = 12
    fmt = None
    data = None
    while pos + 8 <= len(blob):
        cid = blob[pos:pos + 4]
        size = struct.unpack("<I", blob[pos + 4:pos + 8])[0]
        payload = blob[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            fmt = payload
        elif cid == b"data":
            data = payload
        pos += 8 + size + (size & 1)
    if fmt is None or data is None:
        raise ValueError("%s: missing fmt or data chunk" % path)
    tag, channels, rate, _brate, _align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == 0xFFFE and len(fmt) >= 26:          # WAVE_FORMAT_EXTENSIBLE
        tag = struct.unpack("<H", fmt[24:26])[0]
    if tag == 3 and bits == 32:
        x = np.frombuffer(data, dtype="<f4").astype(np.float64)
    elif tag == 3 and bits == 64:
        x = np.frombuffer(data, dtype="<f8").astype(np.float64)
    elif tag == 1 and bits == 16:
        x = np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
    elif tag == 1 and bits == 32:
        x = np.frombuffer(data, dtype="<i4").astype(np.float64) / 2147483648.0
    elif tag == 1 and bits == 24:
        b = np.frombuffer(data[:len(data) // 3 * 3], dtype=np.uint8).reshape(-1, 3)
        v = (b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8)
             | (b[:, 2].astype(np.int32) << 16))
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        x = v.astype(np.float64) / 8388608.0
    else:
        raise ValueError("%s: unsupported WAV encoding (tag %d, %d bits)" % (path, tag, bits))
    frames = len(x) // channels
    return rate, x[:frames * channels].reshape(frames, channels)


def write_wav(path, rate, x):
    """Write mono or [frames, channels] samples as 32-bit IEEE float WAV."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    frames, channels = x.shape
    data = x.astype("<f4").tobytes()
    fmt = struct.pack("<HHIIHHH", 3, channels, int(rate), int(rate) * channels * 4,
                      channels * 4, 32, 0)
    fact = struct.pack("<I", frames)
    riff = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"fact" + struct.pack("<I", 4) + fact
            + b"data" + struct.pack("<I", len(data)) + data)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(riff)) + riff)


def to_mono(x):
    x = np.asarray(x, dtype=np.float64)
    return x.mean(axis=1) if x.ndim == 2 else x


# --------------------------------------------------------------------------
# fluidsynth
# --------------------------------------------------------------------------

def find_fluidsynth():
    exe = shutil.which("fluidsynth")
    if exe is None:
        raise SystemExit("error: fluidsynth not found in PATH")
    return exe


def render(midi_path, wav_path, sf2=DEFAULT_SF2, rate=48000, gain=0.5, verbose=False):
    """Render midi_path to a stereo float WAV with fluidsynth, deterministically:
    reverb and chorus off, 32-bit float output (no dither), one synthesis thread."""
    if not os.path.isfile(sf2):
        raise SystemExit("error: soundfont not found: %s" % sf2)
    cmd = [find_fluidsynth(), "-q", "-ni", "-R", "0", "-C", "0", "-g", str(gain),
           "-r", str(rate), "-o", "synth.cpu-cores=1",
           "-T", "wav", "-O", "float", "-F", wav_path, sf2, midi_path]
    if verbose:
        print("  $ " + " ".join(cmd), flush=True)
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0 or not os.path.isfile(wav_path):
        raise SystemExit("error: fluidsynth failed (%d):\n%s" % (res.returncode, res.stdout))
    return cmd


def render_mono(midi_path, wav_path, sf2=DEFAULT_SF2, rate=48000, gain=0.5, verbose=False):
    """Render, then return the mono (mean of L and R) float64 signal."""
    render(midi_path, wav_path, sf2, rate, gain, verbose)
    r, x = read_wav(wav_path)
    if r != rate:
        raise SystemExit("error: %s: rendered at %d Hz, expected %d" % (wav_path, r, rate))
    return to_mono(x)


NOTE_OFFSETS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def note_number(name):
    """'C4' -> 60, 'F#3' -> 54, 'Bb2' -> 46 (scientific pitch, C4 = middle C = 60)."""
    s = name.strip()
    if not s or s[0].upper() not in NOTE_OFFSETS:
        raise ValueError("bad pitch name: %r" % name)
    n = NOTE_OFFSETS[s[0].upper()]
    i = 1
    while i < len(s) and s[i] in "#b":
        n += 1 if s[i] == "#" else -1
        i += 1
    try:
        octave = int(s[i:])
    except ValueError:
        raise ValueError("bad pitch name: %r" % name) from None
    midi = 12 * (octave + 1) + n
    if not 0 <= midi <= 127:
        raise ValueError("pitch out of MIDI range: %r" % name)
    return midi


def note_name(midi):
    names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
    return "%s%d" % (names[midi % 12], midi // 12 - 1)

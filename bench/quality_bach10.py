#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Separation-quality benchmark of camsep on the Bach10 excerpts.

Trains one dictionary per player (S1..S4) with camsep-train on the solo tracks
of the training excerpts, mixes the other (test) excerpts into duos, trios,
quartets, quartets with rests and same-instrument duos, separates each mixture
with camsep-process audio-only and with oracle priors (activity and regression
forms, several strengths), and scores every result with BSS Eval v3
(mir_eval.separation.bss_eval_sources) beside two references computed in the
same run: the mixture itself as every estimate (lower bound) and the ideal
ratio mask of the true stems (upper bound). Also measures leakage into silent
stems. See bench/QUALITY.md for the method and how to read the table.

Usage:
  bench/quality_bach10.py [--data DIR] [--build DIR] [--fft N] [--hop R]
                          [--quick] [--out DIR] [camsep-process options...]

Unknown options are passed to every camsep-process run. Exits 0 with
"SKIP: ..." when the data directory is absent.
"""

import os
import sys

# One BLAS thread per worker: the parallelism is across mixtures.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

try:
    import numpy as np
    import scipy.io.wavfile
    import scipy.signal
    import scipy.linalg
    import mir_eval.separation
except ImportError as _exc:  # e.g. a pyenv python without Debian's packages
    _sys_py = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(_sys_py) and os.path.exists(_sys_py) \
            and not os.environ.get("CAMSEP_QUALITY_REEXEC"):
        os.environ["CAMSEP_QUALITY_REEXEC"] = "1"
        os.execv(_sys_py, [_sys_py] + sys.argv)
    sys.exit("quality_bach10: needs numpy, scipy and mir_eval (%s); on Debian: "
             "apt-get install python3-mir-eval, and run with /usr/bin/python3" % _exc)

import argparse
import csv
import itertools
import json
import multiprocessing
import shutil
import subprocess
import time
import warnings

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "bach10-excerpts"))
PLAYERS = (1, 2, 3, 4)
PRIOR_STEP_S = 0.010     # priors CSV time step
PRIOR_SMOOTH_S = 0.050   # moving-average length of the oracle power envelope
GROUP_ORDER = ("duo", "trio", "quartet", "quartet-rests", "same-instr duo")


# ---------------------------------------------------------------- arguments

def parse_list(text):
    text = text.strip()
    if not text or text.lower() == "none":
        return []
    return [float(x) for x in text.split(",")]


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="camsep separation quality on the Bach10 excerpts (BSS Eval v3).",
        epilog="Unknown options are passed to camsep-process, e.g. --iterations 20 --block 64.")
    ap.add_argument("--data", default=DEFAULT_DATA, help="bach10-excerpts directory (default: %(default)s)")
    ap.add_argument("--build", default=os.path.join(REPO, "build"),
                    help="CMake build directory holding tools/camsep-train and tools/camsep-process "
                         "(default: %(default)s)")
    ap.add_argument("--fft", type=int, default=2048, help="STFT size for training, separation and IRM (default 2048)")
    ap.add_argument("--latency", type=int, default=0,
                    help="engine latency L (the window pair falls over L/2; default: the FFT size, symmetric)")
    ap.add_argument("--hop", type=int, default=0, help="STFT hop (default L/2, as the engine")
    ap.add_argument("--quick", action="store_true",
                    help="small subset: one test excerpt (E05), same-instrument duos E05+E06 only")
    ap.add_argument("--out", default=os.path.join(REPO, "out", "quality-bach10"),
                    help="where results (CSV, JSON, dictionaries, log) go (default: %(default)s)")
    ap.add_argument("--train", default="1,2,3,4", help="training excerpts (default 1,2,3,4)")
    ap.add_argument("--test", default="5,6,7,8", help="test excerpts (default 5,6,7,8)")
    ap.add_argument("--atoms", type=int, default=32, help="atoms per player dictionary (default 32)")
    ap.add_argument("--train-iterations", type=int, default=200, help="camsep-train iterations (default 200)")
    ap.add_argument("--train-transpose", type=int, default=0,
                    help="camsep-train --transpose: also train on the frames moved up to S semitones (default 0)")
    ap.add_argument("--activity", default="0.1,0.3,1",
                    help="activity-prior strengths gamma to try, comma-separated ('none' to skip) "
                         "(default %(default)s)")
    ap.add_argument("--regression", default="1,10,100",
                    help="regression-prior strengths lambda to try ('none' to skip) (default %(default)s)")
    ap.add_argument("--combined", default="0.3:10",
                    help="activity:regression strength pairs to try together, comma-separated "
                         "('none' to skip) (default %(default)s)")
    ap.add_argument("--smooth", default="none",
                    help="temporal smoothness weights to try audio-only ('none' to skip) (default %(default)s)")
    ap.add_argument("--prior-floor-db", type=float, default=-40.0,
                    help="oracle prior mapping: level (dB re the stem's max) mapped to p=0; p rises "
                         "linearly in dB to 1 at 0 dB (default %(default)s)")
    ap.add_argument("--prior-map", choices=("db", "amp"), default="db",
                    help="oracle prior mapping: 'db' (see --prior-floor-db) or 'amp' (RMS amplitude "
                         "re the stem's max) (default %(default)s)")
    ap.add_argument("--prior-min", type=float, default=0.0,
                    help="lower bound of every oracle prior value (default 0)")
    ap.add_argument("--silence-db", type=float, default=-50.0,
                    help="a true stem is silent in a 10 ms frame below this level re its max (default -50)")
    ap.add_argument("--permutation", action="store_true",
                    help="let bss_eval_sources pick the best stem permutation (default: stems are "
                         "scored in -d order, as the engine defines them)")
    ap.add_argument("--mir-eval", action="store_true",
                    help="score every estimate with mir_eval.separation.bss_eval_sources directly "
                         "(same numbers, several times slower; by default a cached implementation "
                         "is used and cross-checked against mir_eval on one mixture per group)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel workers, at most 2 (default 2)")
    ap.add_argument("--retrain", action="store_true",
                    help="train the dictionaries even when OUT/dicts holds them from the same command")
    ap.add_argument("--keep-audio", action="store_true", help="keep mixtures, priors and stems in OUT/work")
    ap.add_argument("--no-per-mixture", action="store_true", help="do not print the per-mixture table")
    args, extra = ap.parse_known_args(argv)
    args.extra = extra
    args.train_ex = [int(x) for x in args.train.split(",")]
    args.test_ex = [int(x) for x in args.test.split(",")]
    if set(args.train_ex) & set(args.test_ex):
        ap.error("training and test excerpts overlap: %s" % sorted(set(args.train_ex) & set(args.test_ex)))
    args.jobs = max(1, min(2, args.jobs))
    args.latency = args.latency or args.fft
    args.hop = args.hop or args.latency // 2
    return args


# ---------------------------------------------------------------- audio helpers

def read_wav(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libsndfile's PEAK chunk
        sr, x = scipy.io.wavfile.read(path)
    if x.dtype == np.int16:
        x = x.astype(np.float64) / 32768.0
    elif x.dtype == np.int32:
        x = x.astype(np.float64) / 2147483648.0
    elif x.dtype == np.uint8:
        x = (x.astype(np.float64) - 128.0) / 128.0
    else:
        x = x.astype(np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    return sr, x


def write_wav_float(path, sr, x):
    scipy.io.wavfile.write(path, sr, np.asarray(x, dtype=np.float32))


def frame_power(x, sr, step_s=PRIOR_STEP_S, smooth_s=PRIOR_SMOOTH_S):
    """Mean power in consecutive step_s blocks (block k covers [k*step, (k+1)*step)),
    then a centred moving average over smooth_s. Returns (raw, smoothed)."""
    step = int(round(step_s * sr))
    n = int(np.ceil(len(x) / step))
    pad = np.zeros(n * step)
    pad[:len(x)] = x
    raw = (pad.reshape(n, step) ** 2).mean(axis=1)
    taps = max(1, int(round(smooth_s / step_s)))
    smooth = np.convolve(raw, np.ones(taps) / taps, mode="same")
    return raw, smooth


def oracle_priors(stems, sr, floor_db, mapping="db"):
    """Per-stem playing likelihood from the true stems: 10 ms power, 50 ms
    moving average, then relative to the stem's own maximum either
      db : level in dB mapped linearly from floor_db (p=0) to 0 dB (p=1), or
      amp: RMS amplitude ratio (p = rms / max rms; -6 dB -> 0.5, -20 dB -> 0.1).
    Returns (times, P[J, frames])."""
    rows = []
    for s in stems:
        _, pw = frame_power(s, sr)
        rel = np.maximum(pw, 1e-20) / max(pw.max(), 1e-20)
        if mapping == "amp":
            rows.append(np.clip(np.sqrt(rel), 0.0, 1.0))
        else:
            rows.append(np.clip((10.0 * np.log10(rel) - floor_db) / (-floor_db), 0.0, 1.0))
    P = np.vstack(rows)
    times = (np.arange(P.shape[1]) + 0.5) * PRIOR_STEP_S
    return times, P


def write_priors_csv(path, times, P):
    with open(path, "w") as f:
        f.write("time," + ",".join("p%d" % (j + 1) for j in range(P.shape[0])) + "\n")
        for k, t in enumerate(times):
            f.write("%.4f," % t + ",".join("%.4f" % v for v in P[:, k]) + "\n")


def dual_windows(n_fft, latency, hop):
    """The engine's window pair (engine/stft.c): sqrt-Hann rise over n - M samples and fall
    over the last M = latency / 2; synthesis on the last 2M samples, Hann(2M) / analysis,
    normalised so that overlap-add at the hop is exact."""
    fall = latency // 2
    rise = n_fft - fall
    hann = lambda i, length: 0.5 - 0.5 * np.cos(2.0 * np.pi * i / length)
    wa = np.concatenate([np.sqrt(hann(np.arange(rise), 2 * rise)),
                         np.sqrt(hann(fall + np.arange(fall), 2 * fall))])
    h = hann(np.arange(latency), latency)
    ola = np.array([h[r::hop].sum() for r in range(hop)])
    tail = wa[n_fft - latency:]
    ws = np.where(tail > 0, h / np.maximum(tail, 1e-30), 0.0) / ola[np.arange(latency) % hop]
    return wa, ws


def dual_stft(x, n_fft, latency, hop, wa):
    """Frames ending at sample (k + 1) * hop - 1, as the engine sees them (zeros outside)."""
    frames = (len(x) + latency) // hop + 1
    pad = np.concatenate([np.zeros(n_fft), x, np.zeros(frames * hop + n_fft)])
    idx = (np.arange(frames)[:, None] + 1) * hop + np.arange(n_fft)[None, :]  # pad offset n_fft
    return np.fft.rfft(pad[idx] * wa, axis=1)


def irm_estimates(stems, mix, n_fft, hop, latency=None):
    """Ideal ratio mask |S_j| / sum_i |S_i| on the engine's own STFT (the same window pair)."""
    latency = latency or n_fft
    wa, ws = dual_windows(n_fft, latency, hop)
    X = dual_stft(mix, n_fft, latency, hop, wa)
    mags = [np.abs(dual_stft(s, n_fft, latency, hop, wa)) for s in stems]
    total = np.maximum(sum(mags), 1e-12)
    out = []
    for m in mags:
        frames = np.fft.irfft(X * (m / total), n_fft, axis=1)[:, n_fft - latency:] * ws
        y = np.zeros(len(frames) * hop + latency)
        for k in range(len(frames)):
            start = (k + 1) * hop - latency  # in x's coordinates; may be negative
            seg = frames[k, max(0, -start):]
            y[max(start, 0):max(start, 0) + len(seg)] += seg
        out.append(y[:len(mix)])
    return np.vstack(out)


def best_lag(ref, est, max_lag):
    """Lag (samples) maximising the cross-correlation of est against ref; > 0: est is late."""
    n = len(ref) + len(est)
    nfft = 1 << (n - 1).bit_length()
    c = np.fft.irfft(np.fft.rfft(est, nfft) * np.conj(np.fft.rfft(ref, nfft)), nfft)
    cand = np.concatenate([c[:max_lag + 1], c[-max_lag:]])
    lags = np.concatenate([np.arange(max_lag + 1), np.arange(-max_lag, 0)])
    return int(lags[np.argmax(cand)])


# ---------------------------------------------------------------- mixtures

def fade_gate(n, sr, slots, fade_s=0.010):
    """Gain curve: 1, except 0 in each (start, end) sample slot, with raised-cosine fades."""
    g = np.ones(n)
    f = max(1, int(round(fade_s * sr)))
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(f) / f)  # 0 -> 1
    for a, b in slots:
        a, b = max(0, a), min(n, b)
        if b <= a:
            continue
        g[a:b] = 0.0
        lo = max(0, a - f)
        g[lo:a] = np.minimum(g[lo:a], ramp[::-1][f - (a - lo):])
        hi = min(n, b + f)
        g[b:hi] = np.minimum(g[b:hi], ramp[:hi - b])
    return g


def build_mixtures(args):
    """List of dicts: name, group, stem sources (excerpt, player), dict players, gate info."""
    tests = args.test_ex[:1] if args.quick else args.test_ex
    mixes = []
    for e in tests:
        for size, group in ((2, "duo"), (3, "trio"), (4, "quartet")):
            for combo in itertools.combinations(PLAYERS, size):
                mixes.append(dict(name="E%02d_%s" % (e, "".join("S%d" % p for p in combo)), group=group,
                                  parts=[(e, p) for p in combo], dicts=list(combo), gated=False))
        mixes.append(dict(name="E%02d_S1S2S3S4_rests" % e, group="quartet-rests",
                          parts=[(e, p) for p in PLAYERS], dicts=list(PLAYERS), gated=True))
    pairs = [tuple(args.test_ex[:2])] if args.quick else list(itertools.combinations(args.test_ex, 2))
    for p in PLAYERS:
        for a, b in pairs:
            mixes.append(dict(name="E%02d+E%02d_S%d" % (a, b, p), group="same-instr duo",
                              parts=[(a, p), (b, p)], dicts=[p, p], gated=False))
    return mixes


REST_SLOT_S = 0.75  # quartet-rests: player j (0-based) rests in every slot s with s % 4 == j


def mixture_stems(mix, load):
    sr = None
    stems = []
    for e, p in mix["parts"]:
        sr_, x = load(e, p)
        sr = sr_ if sr is None else sr
        if sr_ != sr:
            raise RuntimeError("sample rates differ in %s" % mix["name"])
        stems.append(x)
    n = min(len(s) for s in stems)
    stems = np.vstack([s[:n] for s in stems])
    if mix["gated"]:
        slot = int(round(REST_SLOT_S * sr))
        n_slots = int(np.ceil(n / slot))
        for j in range(stems.shape[0]):
            slots = [(s * slot, (s + 1) * slot) for s in range(n_slots) if s % len(stems) == j]
            stems[j] *= fade_gate(n, sr, slots)
    return sr, stems


# ---------------------------------------------------------------- settings

SWEEP_KEYS = ("--activity-strength", "--regression-strength", "--smoothness")


def build_settings(args):
    """(name, uses_priors, {option: value}) in table order."""
    s = [("audio-only", False, {})]
    for g in parse_list(args.activity):
        s.append(("activity g=%g" % g, True, {"--activity-strength": "%g" % g}))
    for l in parse_list(args.regression):
        s.append(("regression l=%g" % l, True, {"--regression-strength": "%g" % l}))
    for pair in [x for x in args.combined.split(",") if x.strip() and x.strip().lower() != "none"]:
        g, l = pair.split(":")
        s.append(("act+reg %g+%g" % (float(g), float(l)), True,
                  {"--activity-strength": "%g" % float(g), "--regression-strength": "%g" % float(l)}))
    for m in parse_list(args.smooth):
        s.append(("smooth s=%g" % m, False, {"--smoothness": "%g" % m}))
    return s


def split_extra(extra):
    """Separates sweep options given on the command line (they become the base
    values) from the other pass-through options."""
    base = {k: "0" for k in SWEEP_KEYS}
    base["--smoothness"] = None  # the engine's default unless given
    rest = []
    i = 0
    while i < len(extra):
        a = extra[i]
        key, val = (a.split("=", 1) + [None])[:2] if a.startswith("--") else (a, None)
        if key in SWEEP_KEYS:
            if val is None:
                i += 1
                val = extra[i] if i < len(extra) else "0"
            base[key] = val
        else:
            rest.append(a)
        i += 1
    return base, rest


# ---------------------------------------------------------------- evaluation

class BssEvalV3:
    """BSS Eval v3 source criteria (Vincent, Gribonval, Fevotte 2006; the
    definition mir_eval.separation.bss_eval_sources implements, with 512-tap
    time-invariant distortion filters), organised so that everything that
    depends only on the references (their spectra, the Gram matrix of their
    delayed copies and its factorisation) is computed once per mixture and
    reused for every estimate. Each run cross-checks it against
    mir_eval.separation.bss_eval_sources itself (see main)."""

    FLEN = 512

    def __init__(self, refs):
        refs = np.asarray(refs, dtype=np.float64)
        self.nsrc, self.n = refs.shape
        L = self.FLEN
        self.nfft = 1 << int(np.ceil(np.log2(self.n + L - 1)))
        self.spec = np.fft.rfft(refs, self.nfft, axis=1)
        gram = np.empty((self.nsrc * L, self.nsrc * L))
        for i in range(self.nsrc):
            for j in range(i, self.nsrc):
                # xc[d] = sum_t s_i[t + d] s_j[t] (circular, no wrap thanks to the padding);
                # <s_i delayed by a, s_j delayed by b> = xc[b - a]
                xc = np.fft.irfft(self.spec[i] * np.conj(self.spec[j]), self.nfft)
                block = scipy.linalg.toeplitz(np.concatenate(([xc[0]], xc[:-L:-1])), xc[:L])
                gram[i * L:(i + 1) * L, j * L:(j + 1) * L] = block
                gram[j * L:(j + 1) * L, i * L:(i + 1) * L] = block.T
        self.lu_all = scipy.linalg.lu_factor(gram, check_finite=False)
        self.lu_one = [scipy.linalg.lu_factor(gram[j * L:(j + 1) * L, j * L:(j + 1) * L], check_finite=False)
                       for j in range(self.nsrc)]
        self.refs = refs

    def _project(self, est_spec, sources, lu):
        L = self.FLEN
        # <s_i delayed by a, e> = xc[-a], xc[d] = sum_t s_i[t + d] e[t]
        d = []
        for i in sources:
            xc = np.fft.irfft(self.spec[i] * np.conj(est_spec), self.nfft)
            d.append(np.concatenate(([xc[0]], xc[:-L:-1])))
        coef = scipy.linalg.lu_solve(lu, np.concatenate(d), check_finite=False)
        acc = np.zeros(self.nfft // 2 + 1, dtype=complex)
        for k, i in enumerate(sources):
            acc += self.spec[i] * np.fft.rfft(coef[k * L:(k + 1) * L], self.nfft)
        return np.fft.irfft(acc, self.nfft)[:self.n + L - 1]

    def criteria(self, est, j):
        """(SDR, SIR, SAR) of estimate est against reference j."""
        est = np.asarray(est, dtype=np.float64)
        es = np.fft.rfft(est, self.nfft)
        p_one = self._project(es, [j], self.lu_one[j])
        p_all = self._project(es, list(range(self.nsrc)), self.lu_all)
        e = np.zeros(self.n + self.FLEN - 1)
        e[:self.n] = est

        def db(num, den):
            return float("inf") if den == 0 else 10.0 * np.log10(num / den)

        return (db(np.sum(p_one ** 2), np.sum((e - p_one) ** 2)),
                db(np.sum(p_one ** 2), np.sum((p_all - p_one) ** 2)),
                db(np.sum(p_all ** 2), np.sum((e - p_all) ** 2)))

    def evaluate(self, ests, permutation=False):
        J = self.nsrc
        if not permutation:
            c = np.array([self.criteria(ests[j], j) for j in range(J)])
            return c[:, 0], c[:, 1], c[:, 2]
        c = np.array([[self.criteria(ests[je], jt) for jt in range(J)] for je in range(J)])
        best = max(itertools.permutations(range(J)), key=lambda p: np.mean(c[list(p), range(J), 1]))
        idx = (list(best), list(range(J)))
        return c[idx][:, 0], c[idx][:, 1], c[idx][:, 2]


def bss(refs, ests, permutation, evaluator=None):
    """(SDR, SIR, SAR) per source; mir_eval itself unless a cached evaluator is given."""
    if evaluator is not None:
        mir_eval.separation.validate(refs, ests)  # same checks (silent stems, shapes)
        return evaluator.evaluate(ests, permutation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sdr, sir, sar, perm = mir_eval.separation.bss_eval_sources(refs, ests, compute_permutation=permutation)
    return sdr, sir, sar


LEAK_SETTLED_S = 2.0  # the steady state: silent frames from this time on


def leakage(refs, ests, mix, sr, silence_db):
    """Per source: (leak_db, silent_frames, estimate energy, mixture energy, and the two
    energies over the silent frames from LEAK_SETTLED_S on). leak_db = energy of the
    estimate over the 10 ms frames where the true source is below silence_db re its max,
    relative to the mixture's energy in the same frames; NaN when there are no such
    frames. The settled energies leave out a start-up (what an engine that learns
    from its input does in its first seconds), which short excerpts weigh more than
    a show does."""
    out = []
    _, pmix = frame_power(mix, sr, smooth_s=PRIOR_STEP_S)
    for r, e in zip(refs, ests):
        praw, psm = frame_power(r, sr)
        # a frame is silent when both its own power and the 50 ms neighbourhood are quiet
        ref_max = psm.max()
        thr = ref_max * 10.0 ** (silence_db / 10.0)
        silent = (psm < thr) & (praw < thr)
        if not silent.any():
            out.append((float("nan"), 0, 0.0, 0.0, 0.0, 0.0))
            continue
        _, pest = frame_power(e, sr, smooth_s=PRIOR_STEP_S)
        ee, em = float(pest[silent].sum()), float(pmix[silent].sum())
        settled = silent & (np.arange(len(silent)) * PRIOR_STEP_S >= LEAK_SETTLED_S)
        out.append((10.0 * np.log10(max(ee, 1e-30) / max(em, 1e-30)), int(silent.sum()), ee, em,
                    float(pest[settled].sum()), float(pmix[settled].sum())))
    return out


def failed_rows(setting, n_stems, mix):
    """The rows of a setting whose run failed: no scores, no silent frames."""
    return [dict(setting=setting, source=j + 1, sdr=np.nan, sir=np.nan, sar=np.nan, leak_db=np.nan,
                 silent_frames=0, leak_est_energy=0.0, leak_mix_energy=0.0, leak_settled_est_energy=0.0,
                 leak_settled_mix_energy=0.0, name=mix["name"], group=mix["group"]) for j in range(n_stems)]


def score(kind, refs, ests, mix, sr, args, evaluator=None):
    notes = []
    rows = []
    for j, e in enumerate(ests):
        if not np.all(np.isfinite(e)):
            notes.append("stem%d has non-finite samples" % (j + 1))
            ests[j] = np.nan_to_num(e)
        if not np.any(ests[j]):
            notes.append("stem%d is all zeros" % (j + 1))
    try:
        sdr, sir, sar = bss(refs, ests, args.permutation, evaluator)
    except ValueError as exc:
        notes.append("bss_eval failed: %s" % str(exc)[:80])
        sdr = sir = sar = np.full(len(refs), np.nan)
    leaks = leakage(refs, ests, mix, sr, args.silence_db)
    for j in range(len(refs)):
        rows.append(dict(setting=kind, source=j + 1, sdr=float(sdr[j]), sir=float(sir[j]), sar=float(sar[j]),
                         leak_db=leaks[j][0], silent_frames=leaks[j][1], leak_est_energy=leaks[j][2],
                         leak_mix_energy=leaks[j][3], leak_settled_est_energy=leaks[j][4],
                         leak_settled_mix_energy=leaks[j][5]))
    return rows, notes


def run_process(tool, mix_path, dict_paths, out_dir, opts, priors_path, log_path):
    cmd = [tool, "-i", mix_path]
    for d in dict_paths:
        cmd += ["-d", d]
    cmd += ["-o", out_dir]
    if priors_path:
        cmd += ["--priors", priors_path]
    cmd += opts
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    dt = time.monotonic() - t0
    with open(log_path, "a") as f:
        f.write("$ %s\n%s(exit %d, %.2f s)\n" % (" ".join(cmd), r.stdout, r.returncode, dt))
    return r.returncode, r.stdout.strip().splitlines()[-1:] if r.stdout.strip() else [], dt


def evaluate_mixture(job):
    """Worker: one mixture, every setting and both references."""
    mix, args, settings, tools, dict_paths, base, rest, loadinfo, check = job
    load = Loader(loadinfo)
    sr, stems = mixture_stems(mix, load)
    mixsig = stems.sum(axis=0)
    wdir = os.path.join(args.work, mix["name"])
    os.makedirs(wdir, exist_ok=True)
    mix_path = os.path.join(wdir, "mix.wav")
    write_wav_float(mix_path, sr, mixsig)
    times, P = oracle_priors(stems, sr, args.prior_floor_db, args.prior_map)
    P = np.maximum(P, args.prior_min)
    pri_path = os.path.join(wdir, "priors.csv")
    write_priors_csv(pri_path, times, P)
    log_path = os.path.join(wdir, "process.log")
    if os.path.exists(log_path):
        os.remove(log_path)
    dur = len(mixsig) / sr
    result = dict(name=mix["name"], group=mix["group"], duration_s=dur,
                  parts=["E%02d_S%d" % ep for ep in mix["parts"]], rows=[], notes=[], runs=[])
    evaluator = None if args.mir_eval else BssEvalV3(stems)

    def add(kind, ests, extra_notes=()):
        if check and kind == "audio-only" and evaluator is not None:
            # cross-check the cached BSS Eval against mir_eval itself
            a = np.array(bss(stems, ests, args.permutation, None))
            b = np.array(bss(stems, ests, args.permutation, evaluator))
            ok = np.isfinite(a) & np.isfinite(b) & (np.abs(a) < 100.0)
            result["mir_eval_check"] = float(np.max(np.abs(a - b)[ok])) if ok.any() else 0.0
        rows, notes = score(kind, stems, ests, mixsig, sr, args, evaluator)
        for r in rows:
            r["name"], r["group"] = mix["name"], mix["group"]
        result["rows"].extend(rows)
        result["notes"].extend("%s: %s" % (kind, n) for n in list(extra_notes) + notes)

    add("mixture", np.vstack([mixsig] * len(stems)))
    add("IRM", irm_estimates(stems, mixsig, args.fft, args.hop, args.latency))

    for name, uses_priors, sopts in settings:
        opts = dict(base)
        opts.update(sopts)
        argl = ["--fft", str(args.fft), "--latency", str(args.latency), "--hop", str(args.hop)]
        for k in SWEEP_KEYS:
            if opts[k] is not None:
                argl += [k, opts[k]]
        argl += rest
        odir = os.path.join(wdir, "out-" + name.replace(" ", "_").replace("=", ""))
        shutil.rmtree(odir, ignore_errors=True)
        os.makedirs(odir)
        rc, msg, dt = run_process(tools["process"], mix_path, [dict_paths[p] for p in mix["dicts"]], odir,
                                  argl, pri_path if uses_priors else None, log_path)
        result["runs"].append(dict(setting=name, seconds=dt, exit=rc))
        if rc != 0:
            result["notes"].append("%s: camsep-process exit %d: %s" % (name, rc, " ".join(msg)))
            result["rows"].extend(failed_rows(name, len(stems), mix))
            continue
        ests, notes = [], []
        for j in range(len(stems)):
            p = os.path.join(odir, "stem%d.wav" % (j + 1))
            if not os.path.exists(p):
                notes.append("stem%d.wav missing" % (j + 1))
                ests.append(np.zeros(len(mixsig)))
                continue
            esr, e = read_wav(p)
            if esr != sr:
                notes.append("stem%d at %d Hz, mix at %d Hz" % (j + 1, esr, sr))
            if len(e) != len(mixsig):
                notes.append("stem%d has %d samples, mix %d" % (j + 1, len(e), len(mixsig)))
                e = np.concatenate([e, np.zeros(max(0, len(mixsig) - len(e)))])[:len(mixsig)]
            ests.append(e)
        extra_p = os.path.join(odir, "stem%d.wav" % (len(stems) + 1))
        if os.path.exists(extra_p):
            notes.append("an extra stem%d.wav was written" % (len(stems) + 1))
        ests = np.vstack(ests)
        # sanity: masks sum to one, so the stems must sum back to the mix
        resid = ests.sum(axis=0) - mixsig
        sum_err_db = 10.0 * np.log10(max(np.sum(resid ** 2), 1e-30) / max(np.sum(mixsig ** 2), 1e-30))
        if sum_err_db > -40.0:
            notes.append("stems do not sum to the mix: residual %.1f dB" % sum_err_db)
        # sanity: time alignment of each stem with its true source
        # (not for same-instrument duos: there the other stem correlates as well)
        lags = [best_lag(stems[j], ests[j], 2048) for j in range(len(stems))]
        if mix["group"] != "same-instr duo" and any(abs(l) > 2 for l in lags):
            notes.append("stem lags vs true sources (samples): %s" % lags)
        result["runs"][-1].update(sum_err_db=sum_err_db, lags=lags)
        add(name, ests, notes)
        if not args.keep_audio:
            shutil.rmtree(odir, ignore_errors=True)
    if not args.keep_audio:
        shutil.rmtree(wdir, ignore_errors=True)
    return result


class Loader:
    """Caches the excerpt WAVs of one process."""

    def __init__(self, data):
        self.data = data
        self.cache = {}

    def __call__(self, e, p):
        key = (e, p)
        if key not in self.cache:
            self.cache[key] = read_wav(os.path.join(self.data, "E%02d_S%d.wav" % (e, p)))
        return self.cache[key]


# ---------------------------------------------------------------- training

def find_tool(build, name):
    for sub in ("tools", "", "bin"):
        p = os.path.join(build, sub, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def train_one(job):
    """Runs camsep-train, unless OUT exists with a stamp of the same command, inputs and tool."""
    tool, out, files, args, name = job
    cmd = [tool, "-o", out, "--atoms", str(args.atoms), "--iterations", str(args.train_iterations),
           "--fft", str(args.fft), "--latency", str(args.latency), "--hop", str(args.hop), "--name", name,
           "--quiet"] + (["--transpose", str(args.train_transpose)] if getattr(args, "train_transpose", 0) else []) + files
    stamp = json.dumps(dict(cmd=cmd, inputs=[(f, os.stat(f).st_size, os.stat(f).st_mtime_ns) for f in files + [tool]]))
    stamp_path = out + ".stamp"
    if not args.retrain and os.path.exists(out) and os.path.exists(stamp_path):
        with open(stamp_path) as f:
            if f.read() == stamp:
                return name, 0, "cached", 0.0, " ".join(cmd)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode == 0:
        with open(stamp_path, "w") as f:
            f.write(stamp)
    return name, r.returncode, r.stdout.strip(), time.monotonic() - t0, " ".join(cmd)


# ---------------------------------------------------------------- report

def nanmean(v):
    v = [x for x in v if x == x]
    return sum(v) / len(v) if v else float("nan")


def fmt(v, w=7, p=2):
    if v is None or v != v:
        return "%*s" % (w, "-")
    if v >= 100.0 or v <= -100.0:  # e.g. the SAR of the mixture itself: numerical noise
        return "%*s" % (w, ">100" if v > 0 else "<-100")
    return "%*.*f" % (w, p, v)


def summarise(results, kinds):
    groups = [g for g in GROUP_ORDER if any(r["group"] == g for r in results)]
    rows = [row for r in results for row in r["rows"]]
    summary = []
    for g in groups:
        for k in kinds:
            sel = [x for x in rows if x["group"] == g and x["setting"] == k]
            if not sel:
                continue
            ee = sum(x["leak_est_energy"] for x in sel if x["silent_frames"])
            em = sum(x["leak_mix_energy"] for x in sel if x["silent_frames"])
            sf = sum(x["silent_frames"] for x in sel)
            se = sum(x["leak_settled_est_energy"] for x in sel if x["silent_frames"])
            sm = sum(x["leak_settled_mix_energy"] for x in sel if x["silent_frames"])
            summary.append(dict(group=g, setting=k, n_mixtures=len({x["name"] for x in sel}),
                                n_stems=len(sel), sdr=nanmean([x["sdr"] for x in sel]),
                                sir=nanmean([x["sir"] for x in sel]), sar=nanmean([x["sar"] for x in sel]),
                                leak_db=(10.0 * np.log10(max(ee, 1e-30) / em)) if em > 0 else float("nan"),
                                leak_settled_db=(10.0 * np.log10(max(se, 1e-30) / sm)) if sm > 0 else float("nan"),
                                silent_frames=sf))
    return groups, summary


def print_tables(results, kinds, groups, summary, args, out=sys.stdout):
    def get(g, k, key):
        for s in summary:
            if s["group"] == g and s["setting"] == k:
                return s[key]
        return float("nan")

    w = max(len(k) for k in kinds) + 2
    counts = ["%s:%d" % (g, get(g, kinds[0], "n_mixtures")) for g in groups]
    out.write("\nMixtures per group: %s\n" % ", ".join(counts))
    for key, title in (("sdr", "SDR (dB), mean over stems and mixtures"),
                       ("sir", "SIR (dB)"), ("sar", "SAR (dB)")):
        out.write("\n%s\n" % title)
        out.write("%-*s" % (w, "setting") + "".join("%16s" % g for g in groups) + "\n")
        for k in kinds:
            line = "%-*s" % (w, k)
            for g in groups:
                v = get(g, k, key)
                if key == "sdr" and k not in ("mixture", "IRM", "audio-only"):
                    d = v - get(g, "audio-only", key)
                    line += "%9s%s" % (fmt(v), "(%+5.2f)" % d if d == d else "      -")
                else:
                    line += "%16s" % fmt(v)
            out.write(line + "\n")
        if key == "sdr":
            out.write("(in brackets: change vs audio-only)\n")
    out.write("\nLeakage into silent stems (dB re mixture energy in the frames where the true stem is "
              "below %g dB re its max; pooled; '-' = no such frames)\n" % args.silence_db)
    out.write("%-*s" % (w, "setting") + "".join("%16s" % g for g in groups) + "\n")
    for k in kinds:
        out.write("%-*s" % (w, k) + "".join("%16s" % fmt(get(g, k, "leak_db")) for g in groups) + "\n")
    out.write("%-*s" % (w, "(silent frames)") +
              "".join("%16d" % get(g, kinds[0], "silent_frames") for g in groups) + "\n")

    if not args.no_per_mixture:
        out.write("\nPer-mixture SDR (dB, mean over the mixture's stems)\n")
        short = [k.replace("activity g=", "act").replace("regression l=", "reg").replace("smooth s=", "sm")
                 .replace("act+reg ", "a+r")
                 .replace("audio-only", "audio") for k in kinds]
        cw = max(7, max(len(s) for s in short) + 1)
        nw = max(len(r["name"]) for r in results) + 2
        out.write("%-*s" % (nw, "mixture") + "".join("%*s" % (cw, s) for s in short) + "\n")
        order = {g: i for i, g in enumerate(GROUP_ORDER)}
        for r in sorted(results, key=lambda r: (order.get(r["group"], 99), r["name"])):
            line = "%-*s" % (nw, r["name"])
            for k in kinds:
                line += fmt(nanmean([x["sdr"] for x in r["rows"] if x["setting"] == k]), cw)
            out.write(line + "\n")


def write_csv_tables(out, results, summary):
    """per_stem.csv (a row per stem, mixture and setting) and summary.csv (per group and setting)."""
    with open(os.path.join(out, "per_stem.csv"), "w", newline="") as f:
        cols = ["group", "name", "setting", "source", "sdr", "sir", "sar", "leak_db", "silent_frames"]
        wr = csv.writer(f)
        wr.writerow(cols)
        for r in results:
            for x in r["rows"]:
                wr.writerow([x[c] if not isinstance(x[c], float) else "%.4f" % x[c] for c in cols])
    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        cols = ["group", "setting", "n_mixtures", "n_stems", "sdr", "sir", "sar", "leak_db", "silent_frames"]
        wr = csv.writer(f)
        wr.writerow(cols)
        for s in summary:
            wr.writerow([s[c] if not isinstance(s[c], float) else "%.4f" % s[c] for c in cols])


def missing_data(args):
    """Why the benchmark must skip (the data is absent or incomplete), or None."""
    if not os.path.isdir(args.data):
        return "Bach10 excerpts not found at %s" % args.data
    for e in args.train_ex + args.test_ex:
        for p in PLAYERS:
            f = os.path.join(args.data, "E%02d_S%d.wav" % (e, p))
            if not os.path.exists(f):
                return "%s is missing" % f
    return None


def main(argv):
    t_start = time.monotonic()
    args = parse_args(argv)
    why = missing_data(args)
    if why:
        print("SKIP: " + why)
        return 0
    tools = dict(train=find_tool(args.build, "camsep-train"), process=find_tool(args.build, "camsep-process"))
    missing = [n for n, p in tools.items() if not p]
    if missing:
        sys.stderr.write("quality_bach10: camsep-%s not built in %s (build with: cmake -S %s -B %s "
                         "-DCMAKE_BUILD_TYPE=Release && cmake --build %s --target camsep-train "
                         "camsep-process)\n" % ("/".join(missing), args.build, REPO, args.build, args.build))
        return 2
    os.makedirs(args.out, exist_ok=True)
    args.work = os.path.join(args.out, "work")
    os.makedirs(args.work, exist_ok=True)
    base, rest = split_extra(args.extra)
    settings = build_settings(args)
    kinds = ["mixture", "IRM"] + [s[0] for s in settings]

    print("camsep quality on Bach10: train E%s, test E%s%s; N=%d L=%d R=%d; %d atoms/player; "
          "camsep-process %s %s" % (",".join("%02d" % e for e in args.train_ex),
                                    ",".join("%02d" % e for e in (args.test_ex[:1] if args.quick else args.test_ex)),
                                    " (quick)" if args.quick else "", args.fft, args.latency, args.hop, args.atoms,
                                    " ".join("%s %s" % kv for kv in base.items() if kv[1] is not None), " ".join(rest)))
    sys.stdout.flush()

    # 1. dictionaries
    t0 = time.monotonic()
    ddir = os.path.join(args.out, "dicts")
    os.makedirs(ddir, exist_ok=True)
    dict_paths, jobs = {}, []
    for p in PLAYERS:
        dict_paths[p] = os.path.join(ddir, "S%d.dict" % p)
        files = [os.path.join(args.data, "E%02d_S%d.wav" % (e, p)) for e in args.train_ex]
        jobs.append((tools["train"], dict_paths[p], files, args, "S%d" % p))
    cached = 0
    with multiprocessing.Pool(args.jobs) as pool:
        for name, rc, msg, dt, cmd in pool.imap(train_one, jobs):
            cached += msg == "cached"
            if rc != 0:
                sys.stderr.write("quality_bach10: camsep-train failed for %s (exit %d): %s\n  %s\n"
                                 % (name, rc, msg, cmd))
                return 1
    t_train = time.monotonic() - t0
    print("trained %d dictionaries in %.1f s%s" % (len(PLAYERS) - cached, t_train,
                                                   " (%d reused from an identical earlier run)" % cached
                                                   if cached else ""))
    sys.stdout.flush()

    # 2. mixtures: largest first so that the two workers finish together
    cost = {"duo": 1, "same-instr duo": 1, "trio": 3, "quartet": 6, "quartet-rests": 6}
    mixes = build_mixtures(args)
    lens = {}
    for e in set(ep[0] for m in mixes for ep in m["parts"]):
        lens[e] = len(read_wav(os.path.join(args.data, "E%02d_S1.wav" % e))[1])
    mixes.sort(key=lambda m: -cost[m["group"]] * min(lens[e] for e, _ in m["parts"]))
    checked = set()
    jobs = []
    for m in mixes:
        check = not args.mir_eval and m["group"] not in checked
        checked.add(m["group"])
        jobs.append((m, args, settings, tools, dict_paths, base, rest, args.data, check))
    results = []
    t0 = time.monotonic()
    with multiprocessing.Pool(args.jobs) as pool:
        for i, r in enumerate(pool.imap_unordered(evaluate_mixture, jobs)):
            results.append(r)
            au = nanmean([x["sdr"] for x in r["rows"] if x["setting"] == "audio-only"])
            print("[%2d/%d] %-22s %-15s audio-only SDR %6.2f dB%s" % (
                i + 1, len(jobs), r["name"], r["group"], au, "  (notes)" if r["notes"] else ""))
            sys.stdout.flush()
    t_eval = time.monotonic() - t0

    checks = [r["mir_eval_check"] for r in results if "mir_eval_check" in r]
    groups, summary = summarise(results, kinds)
    print_tables(results, kinds, groups, summary, args)

    notes = [(r["name"], n) for r in results for n in r["notes"]]
    if notes:
        print("\nNotes (%d):" % len(notes))
        for name, n in sorted(notes)[:60]:
            print("  %s: %s" % (name, n))
        if len(notes) > 60:
            print("  ... %d more in results.json" % (len(notes) - 60))

    # engine speed
    audio_s = sum(r["duration_s"] for r in results)
    print("\ncamsep-process wall time per setting (x real time, one process):")
    for name, _, _ in settings:
        t = sum(run["seconds"] for r in results for run in r["runs"] if run["setting"] == name)
        print("  %-22s %7.1f s for %.1f s of audio (%.3f x real time)" % (name, t, audio_s, t / audio_s))

    # files
    write_csv_tables(args.out, results, summary)

    def clean(o):
        if isinstance(o, float):
            return None if o != o or o in (float("inf"), float("-inf")) else round(o, 4)
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [clean(v) for v in o]
        if isinstance(o, (np.floating,)):
            return clean(float(o))
        if isinstance(o, (np.integer,)):
            return int(o)
        return o

    total = time.monotonic() - t_start
    meta = dict(fft=args.fft, latency=args.latency, hop=args.hop, atoms=args.atoms, train_iterations=args.train_iterations,
                train_excerpts=args.train_ex, test_excerpts=args.test_ex, quick=args.quick,
                base_options=base, extra_options=rest, settings=[[s[0], s[1], s[2]] for s in settings],
                prior_floor_db=args.prior_floor_db, prior_map=args.prior_map, prior_min=args.prior_min, silence_db=args.silence_db,
                permutation=args.permutation, rest_slot_s=REST_SLOT_S,
                seconds=dict(total=total, train=t_train, evaluate=t_eval), jobs=args.jobs,
                mir_eval_check_max_abs_db=max(checks) if checks else None,
                mir_eval_direct=args.mir_eval)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(clean(dict(meta=meta, summary=summary, mixtures=results)), f, indent=1)
    if checks:
        print("\nBSS Eval cross-check against mir_eval.separation.bss_eval_sources on %d mixtures: "
              "max |difference| %.2g dB" % (len(checks), max(checks)))
    with open(os.path.join(args.out, "report.txt"), "w") as f:
        f.write("camsep quality on Bach10 (N=%d L=%d R=%d), settings as in results.json\n"
                % (args.fft, args.latency, args.hop))
        print_tables(results, kinds, groups, summary, args, out=f)
    print("\nwrote %s/{report.txt,summary.csv,per_stem.csv,results.json}" % args.out)
    print("total time %.1f s (training %.1f s, separation and scoring %.1f s, %d workers)"
          % (total, t_train, t_eval, args.jobs))
    if not args.keep_audio:
        shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

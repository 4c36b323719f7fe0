#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""BSS Eval v3 scores of separated stems against the true parts.

    /usr/bin/python3 demo/sdr.py --mix mix.wav --ref part1.wav part2.wav \
        --est stem1.wav stem2.wav [--names flute,cello] [--csv scores.csv]

For each source it prints SDR/SIR/SAR (mir_eval.separation.bss_eval_sources,
BSS Eval v3) of the estimate beside two references computed in the same run:
  - "mixture": the mixture itself as every source's estimate (lower bound);
  - "IRM": the ideal ratio mask |S_j|^p / sum_i |S_i|^p computed from the true
    parts with an STFT (periodic Hann, --irm-fft/--irm-hop, p = --irm-power),
    applied to the mixture's STFT and inverted (upper bound of soft masking).
Stem j is scored against part j: no permutation is searched (the engine's stem
order is the dictionary order, so a swap is an error that must show).
It also reports leakage into silent stems: in the frames where a part is
silent (60 dB below its loudest frame) while the mixture is not (within 40 dB
of its loudest frame), the energy of that part's estimate relative to the
mixture's energy there (-inf would be perfect; 0 dB means all of it leaks).

All files must be mono WAVs with the same sample rate and length; otherwise it
exits with status 2 and a one-line reason. Numbers are printed in the C locale.
Needs numpy, scipy and mir_eval (Debian: python3-numpy python3-scipy
python3-mir-eval).
"""

import argparse
import csv
import os
import struct
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "presets"))
import smfwav as S  # noqa: E402


def fail(msg):
    print("sdr.py: error: %s" % msg, file=sys.stderr)
    sys.exit(2)


def load(path, what):
    if not os.path.isfile(path):
        fail("%s file not found: %s" % (what, path))
    try:
        rate, x = S.read_wav(path)
    except (ValueError, OSError, struct.error) as e:
        fail("%s: cannot read: %s" % (path, e))
    if x.shape[1] != 1:
        fail("%s: %d channels; expected mono" % (path, x.shape[1]))
    x = x[:, 0]
    if not np.all(np.isfinite(x)):
        fail("%s: contains NaN or Inf" % path)
    return rate, x


def periodic_hann(n):
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)


def ideal_ratio_mask(mix, refs, rate, nfft, hop, power):
    from scipy.signal import istft, stft
    win = periodic_hann(nfft)
    kw = dict(fs=rate, window=win, nperseg=nfft, noverlap=nfft - hop)
    fw = dict(kw, boundary="zeros", padded=True)
    _, _, X = stft(mix, **fw)
    mags = []
    for r in refs:
        _, _, R = stft(r, **fw)
        mags.append(np.abs(R) ** power)
    total = np.sum(mags, axis=0)
    out = []
    for m in mags:
        mask = np.where(total > 0, m / np.where(total > 0, total, 1.0), 1.0 / len(refs))
        _, y = istft(mask * X, **kw)
        y = y[:len(mix)]
        if len(y) < len(mix):
            y = np.concatenate([y, np.zeros(len(mix) - len(y))])
        out.append(y)
    return np.array(out)


def bss(refs, ests):
    import mir_eval
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sdr, sir, sar, _perm = mir_eval.separation.bss_eval_sources(
            refs, ests, compute_permutation=False)
    return sdr, sir, sar


def leakage_db(ref, est, mix, rate, frame=2048, floor_db=-60.0, mix_floor_db=-40.0):
    """Energy of est in the frames where ref is silent (floor_db below its
    loudest frame) while the mix is not (within mix_floor_db of its loudest
    frame), in dB relative to the mix's energy there. (None, 0) when there is
    no such frame."""
    n = len(ref) // frame
    if n == 0:
        return None, 0.0
    r = ref[:n * frame].reshape(n, frame)
    e = est[:n * frame].reshape(n, frame)
    m = mix[:n * frame].reshape(n, frame)
    re_ = np.sum(r ** 2, axis=1)
    me_ = np.sum(m ** 2, axis=1)
    silent = ((re_ <= np.max(re_) * 10.0 ** (floor_db / 10.0))
              & (me_ >= np.max(me_) * 10.0 ** (mix_floor_db / 10.0)))
    if not np.any(silent):
        return None, 0.0
    ee = np.sum(e[silent] ** 2)
    me = np.sum(m[silent] ** 2)
    secs = np.sum(silent) * frame / rate
    if me <= 0:
        return None, secs
    return 10.0 * np.log10(max(ee, 1e-30) / me), secs


def main():
    ap = argparse.ArgumentParser(
        description="BSS Eval v3 SDR/SIR/SAR of stems vs true parts, with mixture "
                    "(lower) and ideal-ratio-mask (upper) references.")
    ap.add_argument("--mix", required=True, help="the mixture (mono WAV)")
    ap.add_argument("--ref", nargs="+", required=True, help="true parts, in stem order")
    ap.add_argument("--est", nargs="+", required=True, help="estimated stems, same order")
    ap.add_argument("--names", help="comma-separated source names (default: part1,...)")
    ap.add_argument("--irm-fft", type=int, default=1024, help="IRM STFT size (default 1024)")
    ap.add_argument("--irm-hop", type=int, default=256, help="IRM hop (default 256)")
    ap.add_argument("--irm-power", type=float, default=1.0,
                    help="IRM exponent p: |S_j|^p / sum |S_i|^p (default 1)")
    ap.add_argument("--csv", help="also write the scores to this CSV file")
    ap.add_argument("--latency", type=int, default=0,
                    help="the separation's latency in samples, printed in ms beside the SDR")
    args = ap.parse_args()

    if len(args.ref) != len(args.est):
        fail("%d references but %d estimates" % (len(args.ref), len(args.est)))
    names = (args.names.split(",") if args.names
             else ["part%d" % (i + 1) for i in range(len(args.ref))])
    if len(names) != len(args.ref):
        fail("%d names for %d sources" % (len(names), len(args.ref)))
    if args.irm_fft < 16 or args.irm_hop < 1 or args.irm_hop > args.irm_fft:
        fail("bad IRM STFT size/hop")

    rate, mix = load(args.mix, "mixture")
    refs, ests = [], []
    for path in args.ref:
        r, x = load(path, "reference")
        refs.append((path, r, x))
    for path in args.est:
        r, x = load(path, "estimate")
        ests.append((path, r, x))
    for path, r, x in refs + ests:
        if r != rate:
            fail("%s: sample rate %d Hz, mixture has %d Hz" % (path, r, rate))
        if len(x) != len(mix):
            fail("%s: %d samples, mixture has %d" % (path, len(x), len(mix)))
    R = np.array([x for _, _, x in refs])
    E = np.array([x for _, _, x in ests])
    for (path, _, x) in refs:
        if not np.any(x):
            fail("%s: reference is all zeros (BSS Eval needs a non-silent part)" % path)
    resid = np.max(np.abs(mix - R.sum(axis=0))) / (np.max(np.abs(mix)) + 1e-30)
    for (path, _, x) in ests:
        if not np.any(x):
            print("sdr.py: warning: %s is all zeros; scores are meaningless" % path,
                  file=sys.stderr)
        # mir_eval rejects all-zero estimates; a tiny dither keeps it scoring
    E = np.where(np.all(E == 0, axis=1, keepdims=True),
                 1e-9 * np.random.default_rng(0).standard_normal(E.shape), E)

    M = np.tile(mix, (len(refs), 1))
    I = ideal_ratio_mask(mix, R, rate, args.irm_fft, args.irm_hop, args.irm_power)
    scores = {"estimate": bss(R, E), "mixture": bss(R, M), "IRM": bss(R, I)}

    import mir_eval
    print("BSS Eval v3 (mir_eval %s, bss_eval_sources, no permutation); %d sources, "
          "%.2f s at %d Hz" % (mir_eval.__version__, len(refs), len(mix) / rate, rate))
    if resid > 1e-4:
        print("note: the mixture differs from the sum of the references "
              "(max relative deviation %.2g)" % resid)
    print("IRM: |S_j|^%g / sum_i |S_i|^%g, STFT %d/%d, periodic Hann"
          % (args.irm_power, args.irm_power, args.irm_fft, args.irm_hop))
    print("")
    w = max(8, max(len(n) for n in names))
    head = "%-*s | %-22s | %-22s | %-22s" % (w, "source", "estimate", "mixture (lower)",
                                            "IRM (upper)")
    sub = "%-*s | %s | %s | %s" % (w, "", *(["   SDR    SIR    SAR  "] * 3))
    print(head)
    print(sub)
    print("-" * len(head))
    rows = []
    for j, name in enumerate(names):
        cells = []
        for key in ("estimate", "mixture", "IRM"):
            sdr, sir, sar = scores[key]
            cells.append(" %6.2f %6.2f %6.2f  " % (sdr[j], sir[j], sar[j]))
            rows.append((name, key, sdr[j], sir[j], sar[j]))
        print("%-*s |%s|%s|%s" % (w, name, *cells))
    print("-" * len(head))
    cells = []
    for key in ("estimate", "mixture", "IRM"):
        sdr, sir, sar = scores[key]
        cells.append(" %6.2f %6.2f %6.2f  " % (np.mean(sdr), np.mean(sir), np.mean(sar)))
        rows.append(("mean", key, np.mean(sdr), np.mean(sir), np.mean(sar)))
    print("%-*s |%s|%s|%s" % (w, "mean", *cells))
    print("")
    sdr_e, sdr_m, sdr_i = (np.mean(scores[k][0]) for k in ("estimate", "mixture", "IRM"))
    print("mean SDR: estimate %.2f dB = mixture %+.2f dB; IRM is %.2f dB above the estimate"
          % (sdr_e, sdr_e - sdr_m, sdr_i - sdr_e))
    if args.latency > 0:
        print("latency: %d samples = %.1f ms at %g Hz (mean SDR %.2f dB)"
              % (args.latency, 1000.0 * args.latency / rate, rate, sdr_e))

    print("")
    print("leakage into silent stems (estimate energy where the part is silent, "
          "relative to the mixture there):")
    leaks = []
    for j, name in enumerate(names):
        db, secs = leakage_db(R[j], E[j], mix, rate)
        if db is None:
            print("  %-*s  part never silent while the mixture sounds" % (w, name))
        else:
            print("  %-*s  %7.2f dB over %.2f s" % (w, name, db, secs))
            leaks.append((name, db, secs))

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            wr = csv.writer(f)
            wr.writerow(["source", "method", "sdr_db", "sir_db", "sar_db",
                         "leakage_db", "silent_s"])
            for name, key, a, b, c in rows:
                wr.writerow([name, key, "%.4f" % a, "%.4f" % b, "%.4f" % c, "", ""])
            for name, db, secs in leaks:
                wr.writerow([name, "silent_leakage", "", "", "", "%.4f" % db, "%.3f" % secs])
        print("scores written to %s" % args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())

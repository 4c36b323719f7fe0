#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sound-check benchmark of camsep on the Bach10 excerpts.

For every group of players (the 6 duos, 4 trios and the quartet of S1..S4) a
sound check is built from the TRAINING excerpts (E01-E04): each player plays
alone for ALONE_S seconds (their own tracks, one after the other, a second of
silence between), then all of them together for TOGETHER_S seconds. camsep-scene
renders the stage of it (bow speed follows each player's true loudness, with
the default sway and idle gestures), and `camsep-train --video` learns one
dictionary per box from the mixture and the video alone.

The learned dictionaries then separate the group's mixtures of the TEST
excerpts (E05-E08), audio-only, beside:
  isolated   camsep-train on each player's isolated track of the same sound check
             (the reference the target compares with)
  presets    the bundled generic instrument dictionaries (violin, clarinet,
             tenor sax, bassoon for S1..S4)
  +together  the sound check with its optional together step (--joint-iterations 60)
and the mixture itself and the ideal ratio mask as references. BSS Eval v3,
mean SDR per group. Targets (issue 11): sound check within 0.5 dB of isolated
and >= 2 dB above presets, per group.

Usage:
  /usr/bin/python3 bench/soundcheck_bach10.py [--data DIR] [--build DIR] [--quick]
                                              [--stage default|busy] [--out DIR]

Exits 0 with "SKIP: ..." when the data directory is absent.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quality_bach10 as qb  # noqa: E402  (BLAS threads, re-exec with /usr/bin/python3)
import video_bach10 as vb  # noqa: E402

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import multiprocessing  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN_EX = (1, 2, 3, 4)
TEST_EX = (5, 6, 7, 8)
PRESET = {1: "violin", 2: "clarinet", 3: "tenor_sax", 4: "bassoon"}
ALONE_S = 12.0
TOGETHER_S = 12.0
GAP_S = 1.0
KINDS = ("mixture", "IRM", "presets", "isolated", "iso-alone", "+together", "soundcheck")
STAGES = {"default": [], "busy": ["--busy"]}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=qb.DEFAULT_DATA)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--out", default=os.path.join(REPO, "out", "soundcheck-bach10"))
    ap.add_argument("--fft", type=int, default=2048)
    ap.add_argument("--latency", type=int, default=1024)
    ap.add_argument("--hop", type=int, default=512)
    ap.add_argument("--atoms", type=int, default=32)
    ap.add_argument("--train-iterations", type=int, default=200)
    ap.add_argument("--stage", choices=sorted(STAGES), default="default",
                    help="the sound check's stage: camsep-scene defaults, or --busy (everything at once)")
    ap.add_argument("--design", choices=("different", "song"), default="different",
                    help="what the players play alone: other music than the together part (default), or their "
                         "part of the song the band then plays together")
    ap.add_argument("--size", default="320x240")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--quick", action="store_true", help="one duo, one trio and the quartet; E05 and E06 only")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep-audio", action="store_true")
    ap.add_argument("--transpose", default=None,
                    help="camsep-train --video --transpose S|auto for the sound-check rows (default: the tool's)")
    args = ap.parse_args(argv)
    args.jobs = max(1, min(2, args.jobs))
    args.permutation = False
    args.silence_db = -50.0
    return args


def groups(quick):
    players = (1, 2, 3, 4)
    out = [("duo", g) for g in itertools.combinations(players, 2)]
    out += [("trio", g) for g in itertools.combinations(players, 3)]
    out += [("quartet", players)]
    if quick:
        out = [g for g in out if g[1] in ((1, 2), (1, 2, 4), (1, 2, 3, 4))]
    return out


def fade(x, sr, s=0.02):
    n = min(len(x) // 2, int(s * sr))
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n)
        x = x.copy()
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def take(load, player, start_index, seconds):
    """Player's tracks of the training excerpts from start_index on, joined, cut to seconds."""
    parts, total, sr = [], 0, None
    for k in range(len(TRAIN_EX)):
        sr, x = load(TRAIN_EX[(start_index + k) % len(TRAIN_EX)], player)
        parts.append(x)
        total += len(x)
        if total >= seconds * sr:
            break
    return sr, np.concatenate(parts)[:int(seconds * sr)]


def build_soundcheck(load, players, design):
    """(sr, stems[J, n], first sample of the together part): each player alone in turn, then all together.
    design 'different': each player's alone part is other music than the together part (player i starts at
    the i-th training excerpt); 'song': each plays alone their own part of the music the band then plays
    together (the first training excerpts)."""
    J = len(players)
    sections = []
    sr = None
    for i, p in enumerate(players):
        sr, x = take(load, p, i if design == "different" else 0, ALONE_S)
        s = np.zeros((J, len(x) + int(GAP_S * sr)))
        s[i, :len(x)] = fade(x, sr)
        sections.append(s)
    together = [take(load, p, 0, TOGETHER_S)[1] for p in players]
    n = min(len(x) for x in together)
    alone_end = sum(x.shape[1] for x in sections)
    sections.append(np.vstack([fade(x[:n], sr) for x in together]))
    return sr, np.hstack(sections), alone_end


def train_cmd(tool, args):
    return [tool, "--atoms", str(args.atoms), "--iterations", str(args.train_iterations), "--fft", str(args.fft),
            "--latency", str(args.latency), "--hop", str(args.hop), "--quiet"]


def run(cmd, log):
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(log, "a") as f:
        f.write("$ %s\n%s(exit %d, %.1f s)\n" % (" ".join(cmd), r.stdout, r.returncode, time.monotonic() - t0))
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (os.path.basename(cmd[0]), r.stdout.strip()[-400:]))
    return r.stdout, time.monotonic() - t0


def evaluate_group(job):
    (group, players), args, tools = job
    load = qb.Loader(args.data)
    name = "S" + "S".join(str(p) for p in players)
    wdir = os.path.join(args.work, name)
    shutil.rmtree(wdir, ignore_errors=True)
    os.makedirs(wdir)
    log = os.path.join(wdir, "log.txt")
    J = len(players)
    result = dict(name=name, group=group, rows=[], notes=[], timing={})

    # the sound check and its stage
    sr, stems, alone_end = build_soundcheck(load, players, args.design)
    mix = stems.sum(axis=0)
    sc_wav = os.path.join(wdir, "soundcheck.wav")
    qb.write_wav_float(sc_wav, sr, mix)
    times, P = qb.oracle_priors(stems, sr, -40.0, "db")
    act = os.path.join(wdir, "activity.csv")
    qb.write_priors_csv(act, times, P)
    video = os.path.join(wdir, "stage.y4m")
    seed = zlib.crc32(name.encode()) % 1000000
    boxes = vb.render(tools["scene"], act, J, video, args.size, args.fps, len(mix) / sr, STAGES[args.stage], seed)
    result["soundcheck_s"] = len(mix) / sr

    # dictionaries
    dicts = {"presets": [os.path.join(REPO, "presets", "dictionaries", PRESET[p] + ".dict") for p in players]}
    for kind, span in (("isolated", stems.shape[1]), ("iso-alone", alone_end)):
        dicts[kind] = []
        for j, p in enumerate(players):
            w = os.path.join(wdir, "%s_S%d.wav" % (kind, p))
            qb.write_wav_float(w, sr, stems[j][:span])
            out = os.path.join(wdir, "%s_S%d.dict" % (kind, p))
            _, dt = run(train_cmd(tools["train"], args) + ["--name", "S%d" % p, "-o", out, w], log)
            result["timing"][kind] = result["timing"].get(kind, 0.0) + dt
            dicts[kind].append(out)
    box_args = [x for j, b in enumerate(boxes) for x in ("--box", "S%d=%s" % (players[j], b))]
    shift = [] if args.transpose is None else ["--transpose", str(args.transpose)]
    for kind, extra in (("soundcheck", shift), ("+together", shift + ["--joint-iterations", "60"])):
        odir = os.path.join(wdir, kind)
        cmd = train_cmd(tools["train"], args) + ["--video", video] + box_args + extra + ["-o", odir, sc_wav]
        cmd.remove("--quiet")
        try:
            out, dt = run(cmd, log)
        except RuntimeError as exc:
            result["notes"].append("%s: %s" % (kind, exc))
            continue
        result["timing"][kind] = dt
        if kind == "soundcheck":
            result["material"] = [l.strip() for l in out.splitlines() if "alone" in l and "together" in l
                                  and "wrote" not in l]
            result["transpose"] = ["%s:%s" % m for m in re.findall(r"/(\w+)\.dict \(alone part moved up to (\d+)", out)]
        dicts[kind] = [os.path.join(odir, "S%d.dict" % p) for p in players]

    # separation of the other excerpts
    tests = TEST_EX[:2] if args.quick else TEST_EX
    base = ["--fft", str(args.fft), "--latency", str(args.latency), "--hop", str(args.hop)]
    for e in tests:
        parts = [load(e, p)[1] for p in players]
        n = min(len(x) for x in parts)
        refs = np.vstack([x[:n] for x in parts])
        tmix = refs.sum(axis=0)
        mpath = os.path.join(wdir, "E%02d.wav" % e)
        qb.write_wav_float(mpath, sr, tmix)
        evaluator = qb.BssEvalV3(refs)

        def add(kind, ests):
            rows, notes = qb.score(kind, refs, ests, tmix, sr, args, evaluator)
            for r in rows:
                r.update(name=name, group=group, excerpt=e)
            result["rows"].extend(rows)
            result["notes"].extend("E%02d %s: %s" % (e, kind, x) for x in notes)

        add("mixture", np.vstack([tmix] * J))
        add("IRM", qb.irm_estimates(refs, tmix, args.fft, args.hop, args.latency))
        for kind in KINDS[2:]:
            if kind not in dicts:
                continue
            odir = os.path.join(wdir, "out-%s-E%02d" % (kind, e))
            os.makedirs(odir)
            rc, msg, _ = qb.run_process(tools["process"], mpath, dicts[kind], odir, base, None, log)
            if rc != 0:
                result["notes"].append("E%02d %s: camsep-process exit %d: %s" % (e, kind, rc, " ".join(msg)))
                continue
            ests = [qb.read_wav(os.path.join(odir, "stem%d.wav" % (j + 1)))[1][:n] for j in range(J)]
            add(kind, np.vstack(ests))
    if not args.keep_audio:
        shutil.rmtree(wdir, ignore_errors=True)
    return result


def mean_sdr(results, group, kind):
    v = [r["sdr"] for res in results for r in res["rows"]
         if res["group"] == group and r["setting"] == kind and np.isfinite(r["sdr"])]
    return float(np.mean(v)) if v else float("nan")


def report(results, out=sys.stdout):
    gs = [g for g in ("duo", "trio", "quartet") if any(r["group"] == g for r in results)]
    out.write("\nMean SDR (dB) of the test excerpts' mixtures, per group (BSS Eval v3)\n")
    out.write("%-12s" % "setting" + "".join("%10s" % g for g in gs) + "\n")
    for kind in KINDS:
        out.write("%-12s" % kind + "".join("%10.2f" % mean_sdr(results, g, kind) for g in gs) + "\n")
    out.write("\nPer sound check: mean SDR soundcheck / isolated / presets, and the material camsep-train found\n")
    for res in results:
        s = [np.mean([r["sdr"] for r in res["rows"] if r["setting"] == k]) if any(
            r["setting"] == k for r in res["rows"]) else float("nan") for k in ("soundcheck", "isolated", "presets")]
        out.write("  %-10s %-8s %6.2f %6.2f %6.2f   %s   transposed %s   trained in %.0f s (isolated %.0f s)\n"
                  % (res["name"], res["group"], s[0], s[1], s[2],
                     "; ".join(" ".join(m.split()) for m in res.get("material", [])),
                     " ".join(res.get("transpose", [])) or "?", res["timing"].get("soundcheck", float("nan")),
                     res["timing"].get("isolated", float("nan"))))
        for n in res["notes"]:
            out.write("      note: %s\n" % n)
    out.write("\nTargets (issue 11), per group\n")
    ok_all = True
    for g in gs:
        sc, iso, pre = (mean_sdr(results, g, k) for k in ("soundcheck", "isolated", "presets"))
        a = sc - iso >= -0.5
        b = sc - pre >= 2.0
        ok_all &= a and b
        out.write("  %-8s sound check - isolated %+6.2f dB (>= -0.5: %s)   sound check - presets %+6.2f dB "
                  "(>= 2.0: %s)\n" % (g, sc - iso, "met" if a else "NOT met", sc - pre, "met" if b else "NOT met"))
    out.write("  all targets: %s\n" % ("met" if ok_all else "NOT met"))


def main(argv):
    args = parse_args(argv)
    missing = [f for f in ("E%02d_S%d.wav" % (e, p) for e in TRAIN_EX + TEST_EX for p in (1, 2, 3, 4))
               if not os.path.exists(os.path.join(args.data, f))]
    if missing:
        print("SKIP: Bach10 excerpts not found in %s (%s ...)" % (args.data, missing[0]))
        return 0
    tools = vb.find_tools(args.build, "soundcheck_bach10")
    if not tools:
        return 2
    args.work = os.path.join(args.out, "work")
    os.makedirs(args.work, exist_ok=True)
    jobs = [(g, args, tools) for g in groups(args.quick)]
    t0 = time.monotonic()
    print("soundcheck_bach10: %d sound checks (%s stage, %s design), test excerpts %s, window %d latency %d hop %d"
          % (len(jobs), args.stage, args.design, ",".join("E%02d" % e for e in (TEST_EX[:2] if args.quick else TEST_EX)),
             args.fft, args.latency, args.hop), flush=True)
    with multiprocessing.Pool(args.jobs) as pool:
        results = []
        for res in pool.imap_unordered(evaluate_group, jobs):
            results.append(res)
            print("  %s done (%d/%d, %.0f s)" % (res["name"], len(results), len(jobs), time.monotonic() - t0),
                  flush=True)
    order = {g[1]: i for i, g in enumerate(groups(args.quick))}
    results.sort(key=lambda r: order[tuple(int(x) for x in r["name"].split("S")[1:])])
    report(results)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=float)
    print("\n%.0f s; results in %s" % (time.monotonic() - t0, os.path.join(args.out, "results.json")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Box-to-player association benchmark of camsep on the Bach10 excerpts.

The scenes of bench/video_bach10.py (whose functions this script imports, as it
imports quality_bach10's): for each test mixture camsep-scene renders a stage
whose players' bowing follows the TRUE stems' activity curves; the boxes it
prints are in player order, i.e. in -d order. Each scene is then given to
`camsep-process --associate-only` with its boxes in wrong orders (two random
ones by default, --orders), and the proposal is
scored against the truth:
  correct      the proposed pairing is the true one and it is confident (applied)
  low-conf     not confident: not applied (whether right or wrong)
  WRONG        a wrong pairing that is confident: it would be applied
Same-instrument duos (one dictionary twice) have nothing to decide: the two
stems are interchangeable, and camsep-process keeps the boxes' order; they
are counted apart. --associate-only runs the decision of --associate exactly
(the audio-only pass and the pairing), without the second, separating pass.

Usage:
  /usr/bin/python3 bench/associate_bach10.py [--data DIR] [--build DIR] [--quick]
                                             [--out DIR] [camsep-process options...]

Unknown options go to every camsep-process run (e.g. --associate-feature onsets).
Exits 0 with "SKIP: ..." when the data directory is absent.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quality_bach10 as qb  # noqa: E402  (sets the BLAS thread count, re-execs /usr/bin/python3 if needed)
import video_bach10 as vb  # noqa: E402

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

REPO = qb.REPO
PLAYERS = qb.PLAYERS

# Stage conditions: (name, camsep-scene options, video delay in seconds the
# program is not told about: a camera-latency error).
CONDITIONS = [
    ("calm", [], 0.0),
    ("busy", ["--busy"], 0.0),
    ("calm-late0.1", [], 0.1),
    ("busy-late0.1", ["--busy"], 0.1),
    ("calm-late0.2", [], 0.2),
]
# Opt-in: the stage's video turned round by half its length, so that every box
# moves as its player did elsewhere in the scene: motion that follows nobody's
# sound, where any confident proposal is a chance alignment.
SHIFTED_CONDITIONS = [
    ("calm-shifted", [], 0.0),
    ("busy-shifted", ["--busy"], 0.0),
]
QUICK_CONDITIONS = ("calm", "busy", "busy-late0.1")
QUICK_MIXES = ("E05_S1S2", "E05_S3S4", "E05_S1S2S3", "E05_S1S2S3S4", "E05_S1S2S3S4_rests", "E05+E06_S1",
               "E05-20s_S1S3", "E06-20s_S2S3S4", "E07-20s_S1S2S3S4", "E08-20s_S1S2S3S4_rests")


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="camsep-process --associate on rendered Bach10 stages with shuffled boxes.",
        epilog="Unknown options are passed to camsep-process, e.g. --associate-feature onsets.")
    ap.add_argument("--data", default=qb.DEFAULT_DATA, help="bach10-excerpts directory (default: %(default)s)")
    ap.add_argument("--build", default=os.path.join(REPO, "build"),
                    help="CMake build directory with tools/camsep-train, tools/camsep-process and "
                         "bench/camsep-scene (default: %(default)s)")
    ap.add_argument("--out", default=os.path.join(REPO, "out", "associate-bach10"),
                    help="results, dictionaries (default: %(default)s)")
    ap.add_argument("--fft", type=int, default=2048, help="STFT size (default 2048)")
    ap.add_argument("--latency", type=int, default=1024, help="engine latency L (default 1024)")
    ap.add_argument("--hop", type=int, default=512, help="STFT hop (default 512)")
    ap.add_argument("--atoms", type=int, default=32, help="atoms per player dictionary (default 32)")
    ap.add_argument("--train-iterations", type=int, default=200, help="camsep-train iterations (default 200)")
    ap.add_argument("--size", default="320x240", help="video frame size (default 320x240)")
    ap.add_argument("--fps", type=float, default=30.0, help="video frame rate (default 30)")
    ap.add_argument("--orders", type=int, default=2,
                    help="wrong box orders per scene, drawn at random; 0: every wrong order (a duo has "
                         "one) (default 2)")
    ap.add_argument("--conditions", default="all",
                    help="comma-separated stage conditions (default all: %s; also %s: the video turned round by half "
                         "its length, motion that follows nobody's sound)"
                         % (",".join(c[0] for c in CONDITIONS), ",".join(c[0] for c in SHIFTED_CONDITIONS)))
    ap.add_argument("--quick", action="store_true",
                    help="mixtures %s and conditions %s only" % (",".join(QUICK_MIXES), ",".join(QUICK_CONDITIONS)))
    ap.add_argument("--scenes", default="excerpt,20s",
                    help="scene sets: excerpt (one test excerpt, 4.7-11 s: every mixture of the video benchmark) "
                         "and/or 20s (20 s of music, the target's scenes) (default: %(default)s)")
    ap.add_argument("--scene-seconds", type=float, default=SCENE_S,
                    help="length of the chained scenes (--scenes 20s); the target is scored at 20 (default %(default)g)")
    ap.add_argument("--seed-offset", type=int, default=0,
                    help="added to every stage's seed: other sway, gestures, noise, jitter, light and wrong orders "
                         "(default 0)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel workers, at most 2 (default 2)")
    ap.add_argument("--retrain", action="store_true", help="train even when OUT/dicts has the dictionaries")
    ap.add_argument("--verbose", action="store_true", help="print every run's pairing and confidence")
    args, extra = ap.parse_known_args(argv)
    args.extra = extra
    args.train_ex = [1, 2, 3, 4]
    args.test_ex = [5, 6, 7, 8]
    args.jobs = max(1, min(2, args.jobs))
    args.scenes = [x.strip() for x in args.scenes.split(",") if x.strip()]
    if not args.scenes or any(x not in SCENE_SETS for x in args.scenes):
        ap.error("--scenes: a list of %s" % ",".join(SCENE_SETS))
    names = [c[0] for c in CONDITIONS + SHIFTED_CONDITIONS]
    if args.conditions != "all":
        want = [c.strip() for c in args.conditions.split(",") if c.strip()]
        bad = [c for c in want if c not in names]
        if bad:
            ap.error("unknown condition(s) %s; known: %s" % (",".join(bad), ",".join(names)))
        args.cond = [c for c in CONDITIONS + SHIFTED_CONDITIONS if c[0] in want]
    elif args.quick:
        args.cond = [c for c in CONDITIONS if c[0] in QUICK_CONDITIONS]
    else:
        args.cond = list(CONDITIONS)
    return args


# The target's scenes: 20 s of music each, the test excerpts end to end from
# each one in turn (E05 E06 E07, E06 E07 E08, E07 E08 E05, E08 E05 E06; the
# excerpts are 4.7-11 s) cut at 20 s: every duo, trio, the quartet and the
# quartet with rests (written in over the whole scene, as quality_bach10 does).
SCENE_S = 20.0
CHAINED_GROUPS = ("duo", "trio", "quartet", "quartet-rests")
SCENE_SETS = ("excerpt", "20s")


def chain_from(first, test_ex):
    i = test_ex.index(first)
    return [test_ex[(i + k) % len(test_ex)] for k in range(len(test_ex))]


def chained_group(args, group):
    return "%g s %s" % (args.scene_seconds, group)


def build_mixtures(args):
    """video_bach10's (quality_bach10's) one-excerpt mixtures, and the 20 s scenes."""
    mixes = []
    if "excerpt" in args.scenes:
        mixes = qb.build_mixtures(argparse.Namespace(quick=False, test_ex=args.test_ex))
    if "20s" in args.scenes:
        for first in args.test_ex:
            chain = chain_from(first, args.test_ex)
            tag = "%gs" % args.scene_seconds
            for size, group in ((2, "duo"), (3, "trio"), (4, "quartet")):
                for combo in itertools.combinations(PLAYERS, size):
                    mixes.append(dict(name="E%02d-%s_%s" % (first, tag, "".join("S%d" % p for p in combo)),
                                      group=chained_group(args, group), concat=chain, players=list(combo),
                                      dicts=list(combo), gated=False, seconds=args.scene_seconds))
            mixes.append(dict(name="E%02d-%s_S1S2S3S4_rests" % (first, tag), group=chained_group(args, "quartet-rests"),
                              concat=chain, players=list(PLAYERS), dicts=list(PLAYERS), gated=True,
                              seconds=args.scene_seconds))
    if args.quick:
        mixes = [m for m in mixes if m["name"] in QUICK_MIXES]
    return mixes


def scene_stems(mix, load):
    """The mixture's true stems: quality_bach10's, or each player's excerpts end
    to end, cut at mix["seconds"] (rests written in afterwards)."""
    if "concat" not in mix:
        return qb.mixture_stems(mix, load)
    sr, pieces, total = None, [], 0
    for e in mix["concat"]:
        part = [load(e, p) for p in mix["players"]]
        sr = part[0][0] if sr is None else sr
        if any(x[0] != sr for x in part):
            raise RuntimeError("sample rates differ in %s" % mix["name"])
        n = min(len(x[1]) for x in part)
        pieces.append(np.vstack([x[1][:n] for x in part]))
        total += n
        if total >= mix["seconds"] * sr:
            break
    stems = np.hstack(pieces)[:, :int(round(mix["seconds"] * sr))]
    if mix["gated"]:
        n, J = stems.shape[1], stems.shape[0]
        slot = int(round(qb.REST_SLOT_S * sr))
        for j in range(J):
            slots = [(s * slot, (s + 1) * slot) for s in range(int(np.ceil(n / slot))) if s % J == j]
            stems[j] = stems[j] * qb.fade_gate(n, sr, slots)
    return sr, stems


def wrong_orders(n, count, seed):
    """Box orders other than the identity: `count` of them at random (0: every one).
    order[k] = the true player (0-based) of the k-th box given."""
    wrong = [p for p in itertools.permutations(range(n)) if list(p) != list(range(n))]
    if count <= 0 or count >= len(wrong):
        return [list(p) for p in wrong]
    return [list(p) for p in random.Random(seed).sample(wrong, count)]


ASSOC_RE = {
    "pairing": re.compile(r"^association: pairing ([0-9,]+)"),
    "row": re.compile(r"^association: box [0-9]+ +([-0-9. *]+)$"),
    "confidence": re.compile(r"^association: confidence ([-0-9.inf]+) \(margin ([-0-9.]+), noise ([-0-9.]+), mean "
                             r"correlation ([-0-9.]+)\), evidence ([0-9.]+) s of music with motion, camera lag "
                             r"([-+0-9.]+) s(?:; needed ([0-9.]+))?"),
}


def is_shifted(condition):
    return condition.endswith("-shifted")


def y4m_turn(src, dst):
    """Writes src with its second half first: every frame half the video's length away from its time."""
    header, frames = vb.y4m_frames(src)
    half = len(frames) // 2
    with open(dst, "wb") as f:
        f.write(header)
        f.writelines(frames[half:] + frames[:half])


def parse_association(text):
    out = dict(pairing=None, confident=None, confidence=float("nan"), margin=float("nan"), score=float("nan"),
               evidence=float("nan"), lag=float("nan"), needed=float("nan"), forced=False, reason="")
    out["corr"] = []
    for line in text.splitlines():
        m = ASSOC_RE["row"].match(line)
        if m:
            out["corr"].append([float(x.rstrip("*")) for x in m.group(1).split()])
        m = ASSOC_RE["pairing"].match(line)
        if m:
            out["pairing"] = [int(x) - 1 for x in m.group(1).split(",")]
            out["forced"] = "only one possible" in line
        m = ASSOC_RE["confidence"].match(line)
        if m:
            out.update(confidence=float(m.group(1)), margin=float(m.group(2)), noise=float(m.group(3)),
                       score=float(m.group(4)), evidence=float(m.group(5)), lag=float(m.group(6)),
                       needed=float(m.group(7)) if m.group(7) else float("nan"))
        if line.startswith("association: confident"):
            out["confident"] = True
        if line.startswith("association: low confidence"):
            out["confident"] = False
            out["reason"] = line[len("association: low confidence ("):-1]
    return out


def evaluate_mixture(job):
    """Worker: one mixture's stages, every condition and wrong box order."""
    mix, args, tools, dict_paths = job
    sr, stems, mixsig, wdir, mix_path, times, P, act_path, seed = vb.stage_mixture(mix, args, scene_stems, "db")
    J = stems.shape[0]
    dur = len(mixsig) / sr
    identical = len(set(mix["dicts"])) < len(mix["dicts"])
    base = ["-i", mix_path] + [x for p in mix["dicts"] for x in ("-d", dict_paths[p])] + [
        "--fft", str(args.fft), "--latency", str(args.latency), "--hop", str(args.hop), "--associate-only",
        "--camera-latency", "0"] + args.extra
    result = dict(name=mix["name"], group=mix["group"], chained="concat" in mix, duration_s=dur, identical=identical,
                  runs=[], notes=[])
    videos = {}
    for cname, sopts, delay in args.cond:
        key = tuple(sopts)
        if key not in videos:
            vpath = os.path.join(wdir, "scene-%d.y4m" % len(videos))
            videos[key] = (vpath, vb.render(tools["scene"], act_path, J, vpath, args.size, args.fps, dur, sopts, seed))
        vpath, boxes = videos[key]
        if is_shifted(cname):
            tpath = os.path.join(wdir, "%s-turned.y4m" % os.path.splitext(os.path.basename(vpath))[0])
            y4m_turn(vpath, tpath)
            vpath = tpath
        elif delay > 0:
            frames = int(round(delay * args.fps))
            dpath = os.path.join(wdir, "%s-late%d.y4m" % (os.path.splitext(os.path.basename(vpath))[0], frames))
            vb.y4m_delay(vpath, dpath, frames)
            vpath = dpath
        for order in wrong_orders(J, args.orders, seed):
            cmd = [tools["process"]] + base + ["--video", vpath] + [x for k in order for x in ("--box", boxes[k])]
            t0 = time.monotonic()
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            dt = time.monotonic() - t0
            a = parse_association(r.stdout)
            run = dict(condition=cname, order=order, seconds=dt, exit=r.returncode, **a)
            if r.returncode != 0 or a["pairing"] is None or a["confident"] is None:
                result["notes"].append("%s %s: exit %d: %s" % (cname, order, r.returncode, r.stdout.strip()[-300:]))
                run["outcome"] = "error"
            else:
                dict_of = [mix["dicts"][j] for j in range(J)]
                right = all(dict_of[a["pairing"][k]] == dict_of[order[k]] for k in range(J))
                run["right"] = right
                if is_shifted(cname) and not identical:
                    run["outcome"] = "UNRELATED" if a["confident"] else "low-conf"
                elif identical:
                    run["outcome"] = "identical" if a["forced"] and a["confident"] else ("identical-wrong")
                elif a["confident"]:
                    run["outcome"] = "correct" if right else "WRONG"
                else:
                    run["outcome"] = "low-conf"
            result["runs"].append(run)
    shutil.rmtree(wdir, ignore_errors=True)
    return result


def pct(a, b):
    return 100.0 * a / b if b else float("nan")


def print_table(results, conds, out=sys.stdout):
    groups = [g for g in qb.GROUP_ORDER if any(r["group"] == g for r in results)]
    groups += sorted({r["group"] for r in results if r["chained"]},
                     key=lambda g: CHAINED_GROUPS.index(g.split(" s ")[1]))
    out.write("\n%-16s %-14s %6s %8s %8s %6s %7s  %s\n" % ("group", "condition", "runs", "correct", "low-conf",
                                                         "WRONG", "right*", "median confidence / evidence s"))
    for g in groups + ["all (decidable)"]:
        for c in conds + ["all"]:
            runs = [x for r in results for x in r["runs"]
                    if (r["group"] == g or (g == "all (decidable)" and not r["identical"]))
                    and (c == "all" or x["condition"] == c)]
            if not runs:
                continue
            n = len(runs)
            cnt = {k: sum(1 for x in runs if x["outcome"] == k) for k in
                   ("correct", "low-conf", "WRONG", "identical", "identical-wrong", "error")}
            if g == "same-instr duo":
                out.write("%-16s %-14s %6d   nothing to decide: %d forced and kept in order, %d not, %d errors\n"
                          % (g, c, n, cnt["identical"], cnt["identical-wrong"], cnt["error"]))
                continue
            conf = sorted(x["confidence"] for x in runs if x.get("confidence") == x.get("confidence"))
            ev = sorted(x["evidence"] for x in runs if x.get("evidence") == x.get("evidence"))
            right = sum(1 for x in runs if x.get("right"))
            out.write("%-16s %-14s %6d %7.1f%% %7.1f%% %6d %6.1f%%  %.1f / %.1f%s\n" % (
                g, c, n, pct(cnt["correct"], n), pct(cnt["low-conf"], n), cnt["WRONG"], pct(right, n),
                conf[len(conf) // 2] if conf else float("nan"), ev[len(ev) // 2] if ev else float("nan"),
                "  (%d errors)" % cnt["error"] if cnt["error"] else ""))
    out.write("right*: the proposed pairing is the true one, applied or not\n")


def scene_share(results, twenty):
    """Scenes (mixture x condition) whose every wrong order was correct and applied."""
    scenes = {}
    for r in results:
        if r["identical"] or r["chained"] != twenty:
            continue
        for x in r["runs"]:
            if not is_shifted(x["condition"]):
                scenes.setdefault((r["name"], x["condition"]), []).append(x["outcome"] == "correct")
    runs = [ok for v in scenes.values() for ok in v]
    return sum(1 for v in scenes.values() if all(v)), len(scenes), sum(runs), len(runs)


def print_targets(results, scene_s, out=sys.stdout):
    wrong = sum(1 for r in results for x in r["runs"] if x["outcome"] in ("WRONG", "identical-wrong"))
    out.write("\nTargets\n")
    ok, n, runs_ok, runs = scene_share(results, True)
    if n:
        share = pct(ok, n)
        if scene_s == SCENE_S:
            out.write("  association correct on >= 95 %% of scenes within 20 s of music: %.1f %% (%d/%d scenes, every "
                      "wrong order; %d/%d runs) %s\n" % (share, ok, n, runs_ok, runs,
                                                        "met" if share >= 95.0 else "NOT met"))
        else:
            out.write("  association correct on scenes of %g s of music (the target is scored at 20 s): %.1f %% "
                      "(%d/%d scenes; %d/%d runs)\n" % (scene_s, share, ok, n, runs_ok, runs))
    else:
        out.write("  association correct on >= 95 % of scenes within 20 s of music: not measured (--scenes 20s, and a "
                  "condition other than the shifted ones)\n")
    ok, n, runs_ok, runs = scene_share(results, False)
    if n:
        out.write("    (with one excerpt, 4.7-11 s of music: %.1f %%, %d/%d scenes; %d/%d runs)\n"
                  % (pct(ok, n), ok, n, runs_ok, runs))
    out.write("  wrong pairing applied: %d %s\n" % (wrong, "(met)" if wrong == 0 else "(NOT met)"))
    shifted = [x for r in results if not r["identical"] for x in r["runs"] if is_shifted(x["condition"])]
    if shifted:
        unrelated = [x for x in shifted if x["outcome"] == "UNRELATED"]
        conf = sorted(x["confidence"] for x in shifted if x["confidence"] == x["confidence"])
        out.write("  motion shifted against the sound (nobody's): a pairing applied in %d of %d runs (%.1f %%); "
                  "confidence median %.2f, largest %.2f\n" % (len(unrelated), len(shifted), pct(len(unrelated),
                  len(shifted)), conf[len(conf) // 2] if conf else float("nan"), conf[-1] if conf else float("nan")))


def print_calibration(results, out=sys.stdout):
    """How well the confidence separates right proposals from wrong ones,
    whatever the threshold this run used: the largest confidence of a wrong
    proposal, and the share of right ones at several thresholds."""
    runs = [x for r in results if not r["identical"] for x in r["runs"]
            if x["outcome"] != "error" and not is_shifted(x["condition"])]
    if not runs:
        return
    wrong = sorted(x["confidence"] for x in runs if not x.get("right"))
    right = [x["confidence"] for x in runs if x.get("right")]
    out.write("\nConfidence of the proposals (any threshold): %d right, %d wrong; largest confidence of a wrong "
              "proposal %s\n" % (len(right), len(wrong), "%.2f" % wrong[-1] if wrong else "-"))
    out.write("  threshold:           " + "".join("%7.1f" % t for t in (1, 2, 3, 4, 5, 6)) + "\n")
    out.write("  right above (%):      " + "".join(
        "%7.1f" % pct(sum(1 for c in right if c >= t), len(runs)) for t in (1, 2, 3, 4, 5, 6)) + "\n")
    out.write("  wrong above (runs):  " + "".join(
        "%7d" % sum(1 for c in wrong if c >= t) for t in (1, 2, 3, 4, 5, 6)) + "\n")


def main(argv):
    t_start = time.monotonic()
    args = parse_args(argv)
    why = qb.missing_data(args)
    if why:
        print("SKIP: " + why)
        return 0
    tools = vb.find_tools(args.build, "associate_bach10")
    if not tools:
        return 2
    os.makedirs(args.out, exist_ok=True)
    args.work = os.path.join(args.out, "work")
    os.makedirs(args.work, exist_ok=True)
    mixes = build_mixtures(args)
    print("camsep-process --associate on Bach10 stages: train E01-E04, test E05-E08%s; N=%d L=%d R=%d; %d atoms/"
          "player; video %s at %g fps; conditions %s; camsep-process %s"
          % (" (quick)" if args.quick else "", args.fft, args.latency, args.hop, args.atoms, args.size, args.fps,
             ",".join(c[0] for c in args.cond), " ".join(args.extra)))
    sys.stdout.flush()

    t0 = time.monotonic()
    ddir = os.path.join(args.out, "dicts")
    os.makedirs(ddir, exist_ok=True)
    targs = argparse.Namespace(atoms=args.atoms, train_iterations=args.train_iterations, fft=args.fft, hop=args.hop,
                               latency=args.latency, retrain=args.retrain)
    dict_paths, jobs = {}, []
    for p in PLAYERS:
        dict_paths[p] = os.path.join(ddir, "S%d.dict" % p)
        files = [os.path.join(args.data, "E%02d_S%d.wav" % (e, p)) for e in args.train_ex]
        jobs.append((tools["train"], dict_paths[p], files, targs, "S%d" % p))
    cached = 0
    with multiprocessing.Pool(args.jobs) as pool:
        for name, rc, msg, dt, cmd in pool.imap(qb.train_one, jobs):
            cached += msg == "cached"
            if rc != 0:
                sys.stderr.write("associate_bach10: camsep-train failed for %s (exit %d): %s\n  %s\n"
                                 % (name, rc, msg, cmd))
                return 1
    print("trained %d dictionaries in %.1f s%s" % (len(PLAYERS) - cached, time.monotonic() - t0,
                                                   " (%d reused)" % cached if cached else ""))
    sys.stdout.flush()

    cost = {"duo": 1, "same-instr duo": 1, "trio": 5, "quartet": 3, "quartet-rests": 3}
    mixes.sort(key=lambda m: -cost.get(m["group"].split(" s ")[-1], 1) * (3 if "concat" in m else 1))
    results = []
    with multiprocessing.Pool(args.jobs) as pool:
        for i, r in enumerate(pool.imap_unordered(evaluate_mixture, [(m, args, tools, dict_paths) for m in mixes])):
            results.append(r)
            tally = {}
            for x in r["runs"]:
                tally[x["outcome"]] = tally.get(x["outcome"], 0) + 1
            print("[%2d/%d] %-22s %-15s %5.1f s  %s%s" % (
                i + 1, len(mixes), r["name"], r["group"], r["duration_s"],
                " ".join("%s %d" % kv for kv in sorted(tally.items())), "  (notes)" if r["notes"] else ""))
            if args.verbose:
                for x in r["runs"]:
                    print("       %-13s order %-10s -> %-10s %-9s conf %6.2f margin %6.3f ev %5.1f lag %+.2f %s" % (
                        x["condition"], ",".join(str(k + 1) for k in x["order"]),
                        ",".join(str(k + 1) for k in x["pairing"] or []), x["outcome"], x["confidence"],
                        x["margin"], x["evidence"], x["lag"], x["reason"]))
            sys.stdout.flush()
    conds = [c[0] for c in args.cond]
    print_table(results, conds)
    notes = [(r["name"], n) for r in results for n in r["notes"]]
    if notes:
        print("\nNotes (%d):" % len(notes))
        for name, n in sorted(notes)[:30]:
            print("  %s: %s" % (name, n))
    runs = [x for r in results for x in r["runs"]]
    print("\n%d runs of camsep-process --associate-only, %.1f s of audio each on average, %.2f s per run"
          % (len(runs), sum(r["duration_s"] * len(r["runs"]) for r in results) / max(1, len(runs)),
             sum(x["seconds"] for x in runs) / max(1, len(runs))))
    print_calibration(results)
    print_targets(results, args.scene_seconds)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(dict(args=dict(quick=args.quick, conditions=conds, extra=args.extra, orders=args.orders,
                                 scene_seconds=args.scene_seconds, seed_offset=args.seed_offset),
                       mixtures=results), f, indent=1, default=str)
    print("wrote %s/results.json; total time %.1f s" % (args.out, time.monotonic() - t_start))
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

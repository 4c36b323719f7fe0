#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Separation with a camera on another machine, on the Bach10 video benchmark's scenes.

  /usr/bin/python3 bench/remote_bach10.py [--quick] [--seeds N] [--loss P] [--jitter S]
                                          [--data DIR] [--build DIR] [--out DIR] [--jobs N]

The mixtures, dictionaries, activity curves and default stage videos of
bench/video_bach10.py (whose functions this script imports; read bench/VIDEO.md).
Every mixture runs through build/bench/camsep-remote-bench, the hosts' receiving code
on a simulated real-time clock (bench/remote_priors_bench.c):
  local          the camera in the host: each prior reaches the engine 5 ms after its frame;
  remote-sN      camsep-capture --osc on another machine: the same priors as OSC messages,
                 5 % lost and delayed 0.5 + 0..20 ms (seed N), decoded, placed by the
                 receiver (age, jitter, sequence, silence) and mapped onto the engine clock;
  remote-harsh   20 % lost, 0..50 ms, 5 % duplicated, 5 % held back 40..80 ms (overtaken);
and, for reference, camsep-process --video (VIDEO.md's `cam` row: every prior ahead of
the audio) and audio-only. Prints SDR per group and the target: the remote rows within
0.2 dB of the local one in every group. Exits 0 with "SKIP: ..." without the data.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import video_bach10 as vb  # noqa: E402  (imports quality_bach10, which re-execs /usr/bin/python3 if needed)

import argparse  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

qb = vb.qb
TARGET_DB = 0.2


def parse(argv):
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--seeds", type=int, default=3, help="channel seeds of the 5 %% / 20 ms rows (default 3)")
    ap.add_argument("--loss", type=float, default=0.05)
    ap.add_argument("--jitter", type=float, default=0.02)
    ap.add_argument("--capture-delay", type=float, default=0.005)
    mine, rest = ap.parse_known_args(argv)
    if "--out" not in rest:
        rest += ["--out", os.path.join("out", "remote-bach10")]
    args = vb.parse_args(rest + ["--hires", "none", "--conditions", "cam"])
    for k, v in vars(mine).items():
        setattr(args, k, v)
    return args


def remote_settings(args):
    s = [("local", ["--mode", "local"])]
    for seed in range(1, args.seeds + 1):
        s.append(("remote-s%d" % seed, ["--mode", "remote", "--loss", str(args.loss), "--jitter", str(args.jitter),
                                         "--seed", str(seed)]))
    s.append(("remote-harsh", ["--mode", "remote", "--loss", "0.2", "--jitter", "0.05", "--dup", "0.05",
                               "--reorder", "0.05", "--seed", "1"]))
    return s


def evaluate_mixture(job):
    mix, args, tools, dict_paths = job
    sr, stems, mixsig, wdir, mix_path, times, P, act_path, seed = vb.stage_mixture(mix, args, qb.mixture_stems, args.curve)
    J = stems.shape[0]
    dur = len(mixsig) / sr
    vpath = os.path.join(wdir, "scene.y4m")
    boxes = vb.render(tools["scene"], act_path, J, vpath, args.size, args.fps, dur, [], seed)
    box_opts = [x for b in boxes for x in ("--box", b)]
    dicts = [dict_paths[p] for p in mix["dicts"]]
    result = dict(name=mix["name"], group=mix["group"], duration_s=dur, rows=[], notes=[], channel={})
    evaluator = qb.BssEvalV3(stems)

    def add(kind, odir):
        ests = []
        for j in range(J):
            esr, e = qb.read_wav(os.path.join(odir, "stem%d.wav" % (j + 1)))
            ests.append(np.concatenate([e, np.zeros(max(0, len(mixsig) - len(e)))])[:len(mixsig)])
        rows, notes = qb.score(kind, stems, np.vstack(ests), mixsig, sr, args, evaluator)
        for r in rows:
            r["name"], r["group"] = mix["name"], mix["group"]
        result["rows"].extend(rows)
        result["notes"].extend("%s: %s" % (kind, n) for n in notes)

    log_path = os.path.join(wdir, "run.log")
    base = ["--fft", str(args.fft), "--latency", str(args.latency), "--hop", str(args.hop)]
    for name, opts in (("audio-only", []), ("cam-process", ["--video", vpath, "--camera-latency", "0"] + box_opts)):
        odir = os.path.join(wdir, "out-" + name)
        os.makedirs(odir)
        rc, msg, _ = qb.run_process(tools["process"], mix_path, dicts, odir,
                                    base + ["--activity-strength", args.activity_strength, "--block", "256"] + opts,
                                    None, log_path)
        if rc:
            raise RuntimeError("%s: camsep-process exit %d: %s" % (mix["name"], rc, msg))
        add(name, odir)
    for name, opts in remote_settings(args):
        odir = os.path.join(wdir, "out-" + name)
        cmd = [tools["remote"], "-i", mix_path] + [x for d in dicts for x in ("-d", d)] + \
              ["--video", vpath] + box_opts + ["-o", odir, "--capture-delay", str(args.capture_delay)] + base + opts
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with open(log_path, "a") as f:
            f.write("$ %s\n%s(exit %d)\n" % (" ".join(cmd), r.stdout, r.returncode))
        if r.returncode:
            raise RuntimeError("%s: camsep-remote-bench exit %d: %s" % (mix["name"], r.returncode, r.stdout))
        line = r.stdout.strip().splitlines()[-1]
        result["channel"][name] = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
        add(name, odir)
    if not args.keep_audio:
        shutil.rmtree(wdir, ignore_errors=True)
    return result


def main(argv):
    t_start = time.monotonic()
    args = parse(argv)
    why = qb.missing_data(args)
    if why:
        print("SKIP: " + why)
        return 0
    tools = vb.find_tools(args.build, "remote_bach10")
    if not tools:
        return 2
    tools["remote"] = os.path.join(args.build, "bench", "camsep-remote-bench")
    if not os.access(tools["remote"], os.X_OK):
        sys.stderr.write("remote_bach10: %s not built (cmake --build %s --target camsep-remote-bench)\n"
                         % (tools["remote"], args.build))
        return 2
    os.makedirs(args.out, exist_ok=True)
    args.work = os.path.join(args.out, "work")
    os.makedirs(args.work, exist_ok=True)
    mixes = vb.build_mixtures(args)
    kinds = ["audio-only", "cam-process"] + [n for n, _ in remote_settings(args)]
    print("camsep with a remote camera on Bach10%s: N=%d L=%d R=%d; video %s at %g fps; activity strength %s; "
          "capture delay %g s; remote: loss %g, jitter 0..%g s, %d seeds"
          % (" (quick)" if args.quick else "", args.fft, args.latency, args.hop, args.size, args.fps,
             args.activity_strength, args.capture_delay, args.loss, args.jitter, args.seeds))
    sys.stdout.flush()
    ddir = os.path.join(args.out, "dicts")
    os.makedirs(ddir, exist_ok=True)
    targs = argparse.Namespace(atoms=args.atoms, train_iterations=args.train_iterations, fft=args.fft, hop=args.hop,
                               latency=args.latency, retrain=args.retrain)
    dict_paths, jobs = {}, []
    for p in vb.PLAYERS:
        dict_paths[p] = os.path.join(ddir, "S%d.dict" % p)
        files = [os.path.join(args.data, "E%02d_S%d.wav" % (e, p)) for e in args.train_ex]
        jobs.append((tools["train"], dict_paths[p], files, targs, "S%d" % p))
    with multiprocessing.Pool(args.jobs) as pool:
        for name, rc, msg, dt, cmd in pool.imap(qb.train_one, jobs):
            if rc != 0:
                sys.stderr.write("remote_bach10: camsep-train failed for %s: %s\n" % (name, msg))
                return 1
    cost = {"duo": 1, "same-instr duo": 1, "trio": 2, "quartet": 4, "quartet-rests": 4}
    mixes.sort(key=lambda m: -cost[m["group"]])
    results = []
    with multiprocessing.Pool(args.jobs) as pool:
        for i, r in enumerate(pool.imap_unordered(evaluate_mixture, [(m, args, tools, dict_paths) for m in mixes])):
            results.append(r)

            def m(k):
                return qb.nanmean([x["sdr"] for x in r["rows"] if x["setting"] == k])
            print("[%2d/%d] %-22s %-15s SDR local %6.2f  remote-s1 %6.2f  harsh %6.2f dB" % (
                i + 1, len(mixes), r["name"], r["group"], m("local"), m("remote-s1"), m("remote-harsh")))
            sys.stdout.flush()
    groups, summary = qb.summarise(results, kinds)
    qb.print_tables(results, kinds, groups, summary, args)

    def get(g, k):
        sel = [x["sdr"] for r in results for x in r["rows"] if (g is None or x["group"] == g) and x["setting"] == k]
        return qb.nanmean(sel)
    remote = [n for n, _ in remote_settings(args) if n.startswith("remote-s")]
    print("\nRemote minus local, SDR (dB), mean over stems and mixtures:")
    print("  %-16s %s %8s %8s" % ("group", " ".join("%9s" % n for n in remote), "mean", "harsh"))
    worst = 0.0
    for g in groups + [None]:
        d = [get(g, n) - get(g, "local") for n in remote]
        dm = float(np.mean(d))
        worst = max(worst, max(abs(x) for x in d))
        print("  %-16s %s %+8.3f %+8.3f" % (g or "all", " ".join("%+9.3f" % x for x in d), dm,
                                             get(g, "remote-harsh") - get(g, "local")))
    ch = {n: {k: 0.0 for k in ("sent", "lost", "rx_gaps", "rx_late", "rx_dups", "engine_late")} for n in kinds
          if n.startswith("remote") or n == "local"}
    pm = {n: [] for n in ch}
    for r in results:
        for n, c in r["channel"].items():
            for k in ch[n]:
                ch[n][k] += float(c.get(k, 0))
            pm[n].append((float(c["placement_ms_mean"]), float(c["placement_ms_max"])))
    print("\nChannel and receiver, summed over mixtures (placement error of the priors used, ms):")
    for n in ch:
        print("  %-13s sent %6d lost %5d gaps %5d late %4d dups %4d engine_late %6d placement mean %.2f max %.2f"
              % (n, ch[n]["sent"], ch[n]["lost"], ch[n]["rx_gaps"], ch[n]["rx_late"], ch[n]["rx_dups"],
                 ch[n]["engine_late"], np.mean([a for a, _ in pm[n]]), max(b for _, b in pm[n])))
    print("\nTarget: remote priors (loss %g, jitter %g s) within %.1f dB of local priors in every group and seed: "
          "worst |difference| %.3f dB: %s" % (args.loss, args.jitter, TARGET_DB, worst,
                                              "met" if worst <= TARGET_DB else "NOT met"))
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(dict(results=results, summary=summary), f, default=float)
    print("%.0f s in all" % (time.monotonic() - t_start))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""OpenCV reference for camsep-flow-bench: Farneback and DIS (ultrafast) flow on
a Y4M file, one thread, timed per frame, with the same per-box motion energy
as capture/motion_energy.c (median global motion outside the boxes removed,
then the mean flow magnitude over each box).

Run by camsep-flow-bench; stand-alone:
  /usr/bin/python3 bench/flow_opencv.py --y4m scene.y4m --boxes 10,20,100,200;... --out prefix
Writes prefix.<method>.f32 (float32, frames x boxes, frame 0 = 0) and prints
one line per method: RESULT <method> <median ms/frame> <mean ms/frame>
(thread CPU time of the flow call alone).
"""
import argparse
import sys
import time

import numpy as np

try:
    import cv2
except ImportError:  # Debian's python3-opencv lives with /usr/bin/python3
    sys.stderr.write("flow_opencv.py: no cv2 module (use /usr/bin/python3 with python3-opencv)\n")
    sys.exit(2)


def read_y4m(path):
    with open(path, "rb") as f:
        header = f.readline().decode("ascii").split()
        if not header or header[0] != "YUV4MPEG2":
            raise ValueError("not a Y4M file")
        w = h = None
        chroma = "420jpeg"
        for tok in header[1:]:
            if tok[0] == "W":
                w = int(tok[1:])
            elif tok[0] == "H":
                h = int(tok[1:])
            elif tok[0] == "C":
                chroma = tok[1:]
        if chroma.startswith("mono"):
            extra = 0
        elif chroma.startswith("420"):
            extra = 2 * ((w + 1) // 2) * ((h + 1) // 2)
        elif chroma.startswith("422"):
            extra = 2 * ((w + 1) // 2) * h
        elif chroma.startswith("444"):
            extra = 2 * w * h
        else:
            raise ValueError("unsupported chroma " + chroma)
        frames = []
        while True:
            line = f.readline()
            if not line:
                break
            if not line.startswith(b"FRAME"):
                raise ValueError("bad frame header")
            y = f.read(w * h)
            if len(y) < w * h:
                break
            f.read(extra)
            frames.append(np.frombuffer(y, np.uint8).reshape(h, w))
        return frames


def box_energies(flow, boxes, outside):
    u, v = flow[..., 0], flow[..., 1]
    if outside is not None:
        gu, gv = np.median(u[outside]), np.median(v[outside])
    else:
        gu, gv = np.median(u), np.median(v)
    mag = np.hypot(u - gu, v - gv)
    return [float(mag[y0:y1, x0:x1].mean()) for (x0, y0, x1, y1) in boxes]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--y4m", required=True)
    ap.add_argument("--boxes", required=True, help="x,y,w,h;x,y,w,h;... in pixels")
    ap.add_argument("--out", required=True, help="output prefix")
    ap.add_argument("--methods", default="farneback,dis")
    ap.add_argument("--repeats", type=int, default=1, help="timing repeats for DIS (Farneback runs once)")
    args = ap.parse_args()
    cv2.setNumThreads(1)

    frames = read_y4m(args.y4m)
    h, w = frames[0].shape
    boxes = []
    for b in args.boxes.split(";"):
        if not b:
            continue
        x, y, bw, bh = (float(t) for t in b.split(","))
        x0, y0 = max(0, int(round(x))), max(0, int(round(y)))
        x1, y1 = min(w, int(round(x + bw))), min(h, int(round(y + bh)))
        boxes.append((x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)))
    outside = np.ones((h, w), bool)
    for (x0, y0, x1, y1) in boxes:
        outside[y0:y1, x0:x1] = False
    if outside.sum() < 0.05 * w * h:
        outside = None

    for method in args.methods.split(","):
        if method == "farneback":
            def calc(a, b):
                return cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)
            repeats = 1
        elif method == "dis":
            dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)

            def calc(a, b):
                return dis.calc(a, b, None)
            repeats = max(1, args.repeats)
        else:
            raise SystemExit("unknown method " + method)
        energies = np.zeros((len(frames), len(boxes)), np.float32)
        times = np.zeros((repeats, len(frames) - 1))
        for r in range(repeats):
            for i in range(1, len(frames)):
                t0 = time.thread_time_ns()
                flow = calc(frames[i - 1], frames[i])
                times[r, i - 1] = (time.thread_time_ns() - t0) * 1e-6
                if r == 0:
                    energies[i] = box_energies(flow, boxes, outside)
        per_frame = np.median(times, axis=0)
        energies.tofile(args.out + "." + method + ".f32")
        print("RESULT %s %.4f %.4f" % (method, float(np.median(per_frame)), float(per_frame.mean())), flush=True)


if __name__ == "__main__":
    main()

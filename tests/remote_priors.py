#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helpers for priors over OSC (docs/capture-osc.md); no third-party modules.

  remote_priors.py send HOST:PORT --players N [--values a,b,..] [--held MASK] [--motion m1,m2,..] [--channels C]
                  [--fps 30] [--seconds S] [--prefix P]
        PREFIX/players and PREFIX/priors as camsep-capture --osc sends them: with the held
        mask when --held or --motion is given, and with --motion a motion block of C (5)
        channels per player, each of player j's the value m_j (as an older sender without
        them); prints every reply it gets ("reply ADDR ARGS") and the count sent at the end.
  remote_priors.py relay LISTEN_HOST:PORT TARGET_HOST:PORT [--loss P] [--jitter S] [--dup P] [--reorder P]
                  [--seed N]
        a UDP relay that loses, delays (uniformly 0..S) and duplicates packets, and holds a
        share of them 40..80 ms more so that later ones overtake them; replies from the target go back to the last client. On SIGTERM
        it prints "relay: in N out N lost N dup N reordered N".
  remote_priors.py watch HOST:PORT --seconds S [--prefix P]
        subscribes to the meters at 20 Hz; prints "MONOTONIC_S motion1 motion2 ..." per update.
  remote_priors.py query HOST:PORT ADDR    prints the reply's arguments.
  remote_priors.py check WATCH.log --expect a,b --from T0 --kill T1 [--within 0.5]
        from a watch log: between T0 and T1 the motions are the expected values (most of the
        time); after T1 every motion is neutral (1) within the given seconds, and stays so.
"""
import argparse, heapq, math, random, select, signal, socket, struct, sys, time

NTP_UNIX = 2208988800

def pad(b):
    return b + b"\0" * (4 - len(b) % 4)

def enc(addr, args):
    tags, data = ",", b""
    for a in args:
        if isinstance(a, tuple) and a[0] == "t":
            tags += "t"; data += struct.pack(">II", a[1], a[2])
        elif isinstance(a, int):
            tags += "i"; data += struct.pack(">i", a)
        elif isinstance(a, float):
            tags += "f"; data += struct.pack(">f", a)
        else:
            tags += "s"; data += pad(a.encode())
    return pad(addr.encode()) + pad(tags.encode()) + data

def dec(b):
    def s(o):
        e = b.index(b"\0", o); return b[o:e].decode(), (e // 4 + 1) * 4
    addr, o = s(0)
    tags, o = s(o)
    out = []
    for t in tags[1:]:
        if t == "i": out.append(struct.unpack(">i", b[o:o+4])[0]); o += 4
        elif t == "f": out.append(struct.unpack(">f", b[o:o+4])[0]); o += 4
        elif t == "s": v, o = s(o); out.append(v)
        elif t == "t": out.append(struct.unpack(">II", b[o:o+8])); o += 8
    return addr, out

def hostport(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)

def cmd_send(a):
    dst = hostport(a.target)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", 0))
    values = [float(v) for v in a.values.split(",")] if a.values else [0.5] * a.players
    values = (values * a.players)[:a.players]
    tail = [] if a.held is None and a.motion is None else [a.held or 0]
    if a.motion is not None:
        motion = ([float(v) for v in a.motion.split(",")] * a.players)[:a.players]
        tail += [a.channels] + [m for m in motion for _ in range(a.channels)]
    u.sendto(enc(a.prefix + "/players", ["p%d" % (j + 1) for j in range(a.players)]), dst)
    t0 = time.monotonic(); seq = 0; period = 1.0 / a.fps
    while a.seconds <= 0 or time.monotonic() - t0 < a.seconds:
        event = time.time() - 0.005  # the frame was captured 5 ms ago
        sec = int(event) + NTP_UNIX
        frac = int((event - int(event)) * 2**32) & 0xffffffff
        u.sendto(enc(a.prefix + "/priors", [("t", sec, frac), 0.005, seq, 1] + values + tail), dst)
        seq += 1
        deadline = t0 + seq * period
        while True:
            left = deadline - time.monotonic()
            r, _, _ = select.select([u], [], [], max(0.0, left))
            if r:
                addr, args = dec(u.recv(4096))
                print("reply %s %s" % (addr, " ".join(str(x) for x in args)), flush=True)
            if left <= 0:
                break
    print("sent %d" % seq, flush=True)

def cmd_relay(a):
    rnd = random.Random(a.seed)
    lh, lp = hostport(a.listen)
    dst = hostport(a.target)
    inp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); inp.bind((lh, lp))
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); out.bind(("0.0.0.0", 0))
    client = None
    queue = []  # (due, n, data)
    n = {"in": 0, "out": 0, "lost": 0, "dup": 0, "reordered": 0}
    last_sent = [-1]
    stop = []
    signal.signal(signal.SIGTERM, lambda *x: stop.append(1))
    serial = 0
    while not stop:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, k, data = heapq.heappop(queue)
            out.sendto(data, dst); n["out"] += 1
            if k < last_sent[0]:
                n["reordered"] += 1
            last_sent[0] = max(last_sent[0], k)
        wait = max(0.0, queue[0][0] - now) if queue else 0.2
        try:
            r, _, _ = select.select([inp, out], [], [], wait)
        except InterruptedError:
            continue
        for s in r:
            data, src = s.recvfrom(65536)
            if s is out:  # a reply from the target: back to the client, untouched
                if client:
                    inp.sendto(data, client)
                continue
            client = src; n["in"] += 1; serial += 1
            if rnd.random() < a.loss:
                n["lost"] += 1; continue
            copies = 2 if rnd.random() < a.dup else 1
            n["dup"] += copies - 1
            hold = rnd.uniform(0.04, 0.08) if rnd.random() < a.reorder else 0.0  # overtaken by the next ones
            for _ in range(copies):
                heapq.heappush(queue, (time.monotonic() + hold + rnd.uniform(0.0, a.jitter), serial, data))
    print("relay: in %(in)d out %(out)d lost %(lost)d dup %(dup)d reordered %(reordered)d" % n, flush=True)

def cmd_watch(a):
    dst = hostport(a.target)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 0)); u.settimeout(0.2)
    t0 = time.monotonic(); renew = 0.0
    motion = {}
    while time.monotonic() - t0 < a.seconds:
        if time.monotonic() >= renew:
            u.sendto(enc(a.prefix + "/subscribe", ["meters", 20.0, 5.0]), dst); renew = time.monotonic() + 2.0
        try:
            addr, args = dec(u.recv(4096))
        except socket.timeout:
            continue
        if addr.endswith("/meters") and "/player/" in addr:
            j = int(addr.split("/player/")[1].split("/")[0])
            motion[j] = args[1]
            if j == max(motion):
                print("%.3f %s" % (time.monotonic(), " ".join("%.3f" % motion[k] for k in sorted(motion))),
                      flush=True)
    u.sendto(enc(a.prefix + "/unsubscribe", ["meters"]), dst)

def cmd_query(a):
    dst = hostport(a.target)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 0)); u.settimeout(2.0)
    u.sendto(enc(a.addr, []), dst)
    addr, args = dec(u.recv(4096))
    print(" ".join(str(x) for x in args))

def cmd_check(a):
    want = [float(v) for v in a.expect.split(",")]
    rows = []
    for line in open(a.log):
        w = line.split()
        try:
            rows.append((float(w[0]), [float(x) for x in w[1:]]))
        except ValueError:
            pass
    during = [m for t, m in rows if a.start <= t < a.kill and len(m) >= len(want)]
    good = [m for m in during if all(abs(m[j] - want[j]) < 0.02 for j in range(len(want)))]
    if len(during) < 10 or len(good) < 0.9 * len(during):
        print("check: FAILED: %d of %d meter updates while sending show the sent priors %s; others: %s" %
              (len(good), len(during), want, [(t, m) for t, m in rows if a.start <= t < a.kill and
                                              not all(abs(m[j] - want[j]) < 0.02 for j in range(len(want)))][:8]))
        return 1
    after = [(t, m) for t, m in rows if t >= a.kill]
    first = next((t for t, m in after if all(abs(x - 1.0) < 1e-3 for x in m)), None)
    if first is None:
        print("check: FAILED: never neutral after the sender was killed"); return 1
    late = [(t, m) for t, m in after if t > first and not all(abs(x - 1.0) < 1e-3 for x in m)]
    if first - a.kill > a.within or late:
        print("check: FAILED: neutral %.3f s after the kill (limit %.2f), %d non-neutral updates after" %
              (first - a.kill, a.within, len(late))); return 1
    print("check: %d of %d updates while sending show %s; neutral %.3f s after the kill (%d updates after)" %
          (len(good), len(during), want, first - a.kill, len(after)))
    return 0

def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send"); s.add_argument("target"); s.add_argument("--players", type=int, default=2)
    s.add_argument("--values"); s.add_argument("--held", type=int); s.add_argument("--motion")
    s.add_argument("--channels", type=int, default=5); s.add_argument("--fps", type=float, default=30.0)
    s.add_argument("--seconds", type=float, default=0.0); s.add_argument("--prefix", default="/camsep")
    r = sub.add_parser("relay"); r.add_argument("listen"); r.add_argument("target")
    r.add_argument("--loss", type=float, default=0.0); r.add_argument("--jitter", type=float, default=0.0)
    r.add_argument("--dup", type=float, default=0.0); r.add_argument("--reorder", type=float, default=0.0)
    r.add_argument("--seed", type=int, default=1)
    w = sub.add_parser("watch"); w.add_argument("target"); w.add_argument("--seconds", type=float, default=5.0)
    w.add_argument("--prefix", default="/camsep")
    q = sub.add_parser("query"); q.add_argument("target"); q.add_argument("addr")
    c = sub.add_parser("check"); c.add_argument("log"); c.add_argument("--expect", required=True)
    c.add_argument("--from", dest="start", type=float, required=True); c.add_argument("--kill", type=float, required=True)
    c.add_argument("--within", type=float, default=0.5)
    a = ap.parse_args()
    return {"send": cmd_send, "relay": cmd_relay, "watch": cmd_watch, "query": cmd_query, "check": cmd_check}[a.cmd](a) or 0

if __name__ == "__main__":
    sys.exit(main())

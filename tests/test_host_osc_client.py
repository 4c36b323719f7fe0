#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small OSC client for the host OSC tests (no third-party modules).

  test_host_osc_client.py PORT SCRIPT.txt [PREFIX]   runs a script, one command a line:
    udp|tcp ADDR [ARGS...]        send (args: 1i 2.5f T F "s:text" or plain text)
    expect udp|tcp ADDR TYPES V.. query ADDR and compare the reply (floats ~1e-3; '*' matches anything,
                                  'nan' a NaN, 'finite' any finite number, 'LO..HI' a number in that range)
    error udp|tcp ADDR [ARGS...]  send and expect /PREFIX/error with ADDR
    errtext TEXT                  the last error's reason contains TEXT
    sleep S
    until S udp|tcp ADDR TYPES V..  query ADDR every 0.2 s until the reply matches (as expect), at most S s;
                                  "until S+ ...": at most S s without the reply changing (work that reports
                                  its progress may take as long as it keeps progressing)
    feedback S ADDR V             subscribe to "state" for S s; some ADDR message's first value is V
    meters S                      subscribe to meters 20 Hz for S seconds; print the levels seen
  Prints one line per step; exits 1 at the first mismatch.
"""
import math, re, socket, struct, sys, time, shlex

PORT = int(sys.argv[1])
HOST = "127.0.0.1"
PREFIX = sys.argv[3] if len(sys.argv) > 3 else "/camsep"

def pad(b):
    return b + b"\0" * (4 - len(b) % 4)

def enc(addr, args):
    tags, data = ",", b""
    for a in args:
        if a is True: tags += "T"
        elif a is False: tags += "F"
        elif isinstance(a, int): tags += "i"; data += struct.pack(">i", a)
        elif isinstance(a, float): tags += "f"; data += struct.pack(">f", a)
        else: tags += "s"; data += pad(a.encode())
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
        elif t == "T": out.append(True)
        elif t == "F": out.append(False)
    return addr, tags[1:], out

class Conn:
    def __init__(self):
        self.u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.u.bind((HOST, 0)); self.u.settimeout(2.0)
        self.t = socket.create_connection((HOST, PORT), timeout=2.0)
        self.tbuf = b""
    def send(self, proto, addr, args):
        m = enc(addr, args)
        if proto == "udp": self.u.sendto(m, (HOST, PORT))
        else: self.t.sendall(struct.pack(">I", len(m)) + m)
    def recv(self, proto, timeout=2.0):
        if proto == "udp":
            self.u.settimeout(timeout)
            return dec(self.u.recvfrom(65536)[0])
        self.t.settimeout(timeout)
        while len(self.tbuf) < 4 or len(self.tbuf) < 4 + struct.unpack(">I", self.tbuf[:4])[0]:
            d = self.t.recv(65536)
            if not d: raise EOFError("tcp closed")
            self.tbuf += d
        n = struct.unpack(">I", self.tbuf[:4])[0]
        m, self.tbuf = self.tbuf[4:4+n], self.tbuf[4+n:]
        return dec(m)
    def recv_for(self, proto, addr):
        """the next message with this address (feedback may interleave)"""
        end = time.time() + 3
        while time.time() < end:
            a, t, v = self.recv(proto)
            if a == addr or a.endswith("/error"): return a, t, v
        raise TimeoutError(addr)

def parse_arg(a):
    if a == "T": return True
    if a == "F": return False
    if a.startswith("s:"): return a[2:]
    if a.endswith("i") and a[:-1].lstrip("-").isdigit(): return int(a[:-1])
    if a.endswith("f"):
        try: return float(a[:-1])
        except ValueError: pass
    return a

def same(want, got):
    if want == "*": return True
    if want == "nan": return isinstance(got, float) and math.isnan(got)
    if want == "finite": return isinstance(got, (int, float)) and math.isfinite(got)
    r = re.fullmatch(r"(-?[0-9.]+)\.\.(-?[0-9.]+)", want)
    if r:  # an OSC float is 32 bits: 1.9 arrives as 1.8999999761..., so the ends allow for that
        lo, hi = float(r[1]), float(r[2])
        tol = (lambda x: 1e-6 * max(1.0, abs(x))) if isinstance(got, float) else (lambda x: 0.0)
        return isinstance(got, (int, float)) and lo - tol(lo) <= got <= hi + tol(hi)
    if isinstance(got, float):
        return abs(float(want) - got) <= 1e-3 * max(1.0, abs(got))
    return str(want) == str(got)

def main():
    c = Conn()
    last_err = None
    for n, line in enumerate(open(sys.argv[2]), 1):
        line = line.strip()
        if not line or line.startswith("#"): continue
        w = shlex.split(line)
        where = f"line {n}: {line}"
        try:
            if w[0] in ("udp", "tcp"):
                c.send(w[0], w[1], [parse_arg(a) for a in w[2:]])
                # a set is confirmed by the absence of an error: query something cheap behind it
                c.send(w[0], PREFIX + "/status/camera", [])
                a, t, v = c.recv_for(w[0], PREFIX + "/status/camera")
                if a.endswith("/error"):
                    print(f"FAIL {where}: error {v}"); return 1
                print(f"ok   {where}")
            elif w[0] == "expect":
                proto, addr, types, vals = w[1], w[2], w[3], w[4:]
                c.send(proto, addr, [])
                a, t, v = c.recv_for(proto, addr)
                if a != addr or (types != "*" and t != types) or (vals and (len(vals) != len(v) or not all(same(x, y) for x, y in zip(vals, v)))):
                    print(f"FAIL {where}: got {a} {t} {v}"); return 1
                print(f"ok   {where} -> {v}")
            elif w[0] == "error":
                proto, addr = w[1], w[2]
                c.send(proto, addr, [parse_arg(a) for a in w[3:]])
                a, t, v = c.recv(proto)
                if not a.endswith("/error") or v[0] != addr:
                    print(f"FAIL {where}: expected an error, got {a} {v}"); return 1
                last_err = v[1]
                print(f"ok   {where} -> {v[1]}")
            elif w[0] == "errtext":
                if last_err is None or w[1] not in last_err:
                    print(f"FAIL {where}: last error {last_err!r}"); return 1
                print(f"ok   {where}")
            elif w[0] == "sleep":
                time.sleep(float(w[1]))
            elif w[0] == "until":
                progressing = w[1].endswith("+")
                limit, proto, addr, types, vals = float(w[1].rstrip("+")), w[2], w[3], w[4], w[5:]
                end, got = time.time() + limit, None
                while time.time() < end:
                    c.send(proto, addr, [])
                    a, t, v = c.recv_for(proto, addr)
                    if progressing and got is not None and (a, t, v) != got:
                        end = time.time() + limit
                    got = (a, t, v)
                    if a == addr and (types == "*" or t == types) and (not vals or (len(vals) == len(v) and all(same(x, y) for x, y in zip(vals, v)))):
                        break
                    time.sleep(0.2)
                else:
                    print(f"FAIL {where}: last {got}"); return 1
                print(f"ok   {where} -> {got[2]}")
            elif w[0] == "feedback":
                limit, addr, want = float(w[1]), w[2], w[3]
                c.send("udp", PREFIX + "/subscribe", ["state", 30.0])
                end, seen = time.time() + limit, []
                while time.time() < end:
                    try: a, t, v = c.recv("udp", 0.2)
                    except socket.timeout: continue
                    if a == addr:
                        seen.append(v)
                        if v and same(want, v[0]): break
                c.send("udp", PREFIX + "/unsubscribe", ["state"])
                if not any(v and same(want, v[0]) for v in seen):
                    print(f"FAIL {where}: feedback {seen[-5:]}"); return 1
                print(f"ok   {where} ({len(seen)} feedback messages, last {seen[-1]})")
                time.sleep(0.2)
                try:
                    while True: c.recv("udp", 0.2)
                except socket.timeout: pass
            elif w[0] == "meters":
                prefix = PREFIX
                c.send("udp", prefix + "/subscribe", ["meters", 20.0, 5.0])
                end, levels, n_msgs = time.time() + float(w[1]), {}, 0
                while time.time() < end:
                    try: a, t, v = c.recv("udp", 0.5)
                    except socket.timeout: continue
                    if a.endswith("/meters"):
                        n_msgs += 1
                        levels.setdefault(a, []).append(v)
                c.send("udp", prefix + "/unsubscribe", ["meters"])
                for a in sorted(levels):
                    lv = [x[0] for x in levels[a]]
                    mo = [x[1] for x in levels[a]]
                    ac = [x[2] for x in levels[a]]
                    print(f"meters {a} n={len(lv)} level={min(lv):.1f}..{max(lv):.1f} "
                          f"motion={min(mo):.2f}..{max(mo):.2f} activation={min(ac):.3g}..{max(ac):.3g}")
                print(f"ok   {where} ({n_msgs} meter messages)")
                time.sleep(0.2)
                try:
                    while True: c.recv("udp", 0.2)
                except socket.timeout: pass
            else:
                print(f"FAIL {where}: unknown step"); return 1
        except Exception as e:
            print(f"FAIL {where}: {type(e).__name__} {e}"); return 1
    return 0

sys.exit(main())

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The .deb end to end (packaging/), in two steps that ctest runs as two tests:
#   package (deb_package): built by CPack from this build tree and linted (no
#     lintian error; the whole output is printed), into BUILD_DIR/test-deb;
#   install (deb, after deb_package): that .deb installed with
#     `apt-get install ./camsep_….deb` on this machine, used as installed (the
#     demo through /usr/bin/camsep-process with /usr/share/camsep's
#     dictionaries; camsep-jack finding its instruments there; lv2ls and
#     lv2apply on /usr/lib/lv2/camsep.lv2), then purged: nothing of it may be
#     left.
# Only the second changes the machine, and only it must run alone; the first
# writes into the build tree and a temporary directory.
# Both skip (77) unless root with dpkg and apt-get, and where camsep is already
# installed (the test must not replace or remove someone's camsep).
# Usage: test_deb.sh package|install BUILD_DIR SOURCE_DIR SANITIZE
set -uo pipefail
mode=${1:-} build=${2:-} src=${3:-} sanitize=${4:-}
name="test_deb $mode"
case "$mode" in
package | install) ;;
*) echo "usage: test_deb.sh package|install BUILD_DIR SOURCE_DIR SANITIZE" >&2; exit 2 ;;
esac
pkgdir="$build/test-deb" # the package, from the first step to the second
# A package left by an earlier run is never installed.
[ "$mode" = package ] && rm -rf "$pkgdir"
skip() { echo "$name: SKIP: $*"; exit 77; }
[ -z "$sanitize" ] || skip "a sanitized build ($sanitize) is not packaged"
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
for c in dpkg dpkg-deb apt-get cpack; do command -v $c >/dev/null || skip "$c is not installed"; done
command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps (dpkg-dev) is not installed"
dpkg-query -W -f='${Status}' camsep 2>/dev/null | grep -q "installed" && skip "a camsep package is installed here"
for p in /usr/bin/camsep-process /usr/lib/lv2/camsep.lv2 /usr/share/camsep; do
  [ -e "$p" ] && skip "$p exists (camsep installed by other means)"
done

tmp=$(mktemp -d)
installed=
cleanup() {
  [ -n "$installed" ] && DEBIAN_FRONTEND=noninteractive apt-get purge -y camsep >/dev/null 2>&1
  [ -n "${jackd_pid:-}" ] && stop_process 10 "$jackd_pid"
  rm -rf "$tmp"
  if [ "$mode" = install ] || [ -z "${packaged:-}" ]; then rm -rf "$pkgdir"; fi
}
trap cleanup EXIT
fail() { echo "$name: FAILED: $*" >&2; exit 1; }

if [ "$mode" = package ]; then
# 1. Build it (CPack's preinstall step only checks that the tree is built).
cpack --config "$build/CPackConfig.cmake" -B "$tmp" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/camsep_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "cpack made no camsep_*.deb: $(tail -3 "$tmp/cpack.log")"
echo "$name: built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
dpkg-deb -f "$deb" Package Version Architecture Depends

# 2. Lintian: every tag printed, no error allowed.
if command -v lintian >/dev/null; then
  lintian "$deb" >"$tmp/lintian.txt" 2>&1
  echo "$name: lintian $(basename "$deb"):"; sed 's/^/  /' "$tmp/lintian.txt"
  grep -q '^E: ' "$tmp/lintian.txt" && fail "lintian reports errors"
  echo "$name: lintian: $(grep -c '^E: ' "$tmp/lintian.txt") errors, $(grep -c '^W: ' "$tmp/lintian.txt") warnings"
else
  echo "$name: note: lintian not installed; not linted"
fi
mkdir -p "$pkgdir" && mv "$deb" "$pkgdir/" || fail "cannot keep the package in $pkgdir"
packaged=1
echo "$name: ok: $pkgdir/$(basename "$deb") for the deb test"
exit 0
fi

deb=$(ls "$pkgdir"/camsep_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no camsep_*.deb in $pkgdir (made by the deb_package test)"
echo "$name: $(basename "$deb") from the deb_package test"

# 3. Install it as a user would.
DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get install"; }
installed=1
dpkg -L camsep >"$tmp/files.txt" || fail "dpkg -L camsep"
for f in /usr/bin/camsep-train /usr/bin/camsep-process /usr/bin/camsep-find-boxes /usr/bin/camsep-plot /usr/bin/camsep-capture \
  /usr/bin/camsep-jack /usr/bin/camsep-portaudio /usr/lib/lv2/camsep.lv2/manifest.ttl /usr/lib/lv2/camsep.lv2/camsep.so \
  /usr/share/camsep/dictionaries/violin.dict /usr/share/camsep/dictionaries/latency-512/violin.dict \
  /usr/share/applications/camsep-jack.desktop /usr/share/doc/camsep/copyright /usr/share/doc/camsep/changelog.Debian.gz; do
  grep -qx "$f" "$tmp/files.txt" || fail "dpkg -L camsep lacks $f"
  [ -e "$f" ] || fail "$f is listed but not on disk"
done
[ -f /usr/lib/lv2/camsep.lv2/dictionaries/violin.dict ] || fail "camsep.lv2's dictionaries are not reachable"
programs=$(grep '^/usr/bin/.' "$tmp/files.txt")
echo "$name: installed $(wc -l <"$tmp/files.txt") paths; programs: $(echo $programs)"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/camsep-jack.desktop || fail "desktop-file-validate"
  echo "$name: desktop-file-validate: camsep-jack.desktop valid"
fi

# 4. The demo through the installed camsep-process and dictionaries.
unset CAMSEP_DICT_DIR LV2_PATH
PATH=/usr/bin:/bin
[ "$(command -v camsep-process)" = /usr/bin/camsep-process ] || fail "camsep-process is not the installed one"
if /usr/bin/python3 -c 'import numpy, scipy, mir_eval' 2>/dev/null && command -v fluidsynth >/dev/null &&
  [ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ]; then
  CAMSEP_DICT_DIR=/usr/share/camsep/dictionaries "$src/demo/run_demo.sh" "$tmp/demo" >"$tmp/demo.log" 2>&1 ||
    { cat "$tmp/demo.log"; fail "the demo with the installed camsep-process"; }
  grep -iE "SDR|camsep-process:" "$tmp/demo.log" | sed 's/^/  /'
  [ -f "$tmp/demo/stems/stem1.wav" ] && [ -f "$tmp/demo/stems/stem2.wav" ] || fail "the demo wrote no stems"
else
  echo "$name: note: no fluidsynth/soundfont/mir_eval; the demo is not run"
fi

# 5. The hosts find their instruments in /usr/share/camsep, nothing set.
if command -v jackd >/dev/null && command -v jack_lsp >/dev/null; then
  server="camsep-deb-$$"
  export JACK_NO_AUDIO_RESERVATION=1 JACK_DEFAULT_SERVER="$server" JACK_NO_START_SERVER=1
  . "$src/tests/jackd_start.sh"
  if start_jackd "$tmp/jackd.log"; then
    /usr/bin/camsep-jack --server "$server" --player x=theremin >"$tmp/err.txt" 2>&1 && fail "camsep-jack took theremin"
    grep -q "no bundled dictionary 'theremin' in /usr/share/camsep/dictionaries[,( ]" "$tmp/err.txt" ||
      fail "camsep-jack does not look in /usr/share/camsep/dictionaries first: $(cat "$tmp/err.txt")"
    grep -q "known: .*violin" "$tmp/err.txt" || fail "camsep-jack lists no instruments: $(cat "$tmp/err.txt")"
    sed 's/^/  /' "$tmp/err.txt"
    /usr/bin/camsep-jack --server "$server" --no-connect --player violin --player cello --other --status-interval 0 \
      >"$tmp/jack.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do jack_lsp -s "$server" | grep -qx camsep:cello && break; sleep 0.1; done
    kill -TERM "$pid"; wait "$pid" || fail "the installed camsep-jack: $(cat "$tmp/jack.log")"
    grep -q "running, 3 stems" "$tmp/jack.log" || fail "the installed camsep-jack did not run: $(cat "$tmp/jack.log")"
    echo "$name: /usr/bin/camsep-jack ran with violin, cello and other from /usr/share/camsep"
    # Each line-up of the menu entry starts (its Exec lines, the window left out).
    grep '^Exec=' /usr/share/applications/camsep-jack.desktop | while read -r line; do
      read -ra cmd <<<"${line#Exec=}"
      args=()
      for a in "${cmd[@]}"; do [ "$a" = --ui ] || args+=("$a"); done
      "${args[@]}" --server "$server" --no-connect --status-interval 0 >"$tmp/menu.log" 2>&1 &
      pid=$!
      for _ in $(seq 100); do grep -q "running," "$tmp/menu.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -TERM "$pid" 2>/dev/null; wait "$pid"
      grep -q "running," "$tmp/menu.log" || fail "the menu entry's '${line#Exec=}' does not start: $(cat "$tmp/menu.log")"
      echo "  menu: ${line#Exec=}: $(grep -o 'running, [0-9]* stems' "$tmp/menu.log")"
    done || exit 1
  else
    echo "$name: note: jackd -d dummy does not start here; camsep-jack not run"
  fi
fi

# 6. The plugin where LV2 hosts look, its bundled instruments through the link.
if command -v lv2ls >/dev/null; then
  lv2ls | grep '^urn:camsep:lv2:' | sed 's/^/  lv2ls: /'
  [ "$(lv2ls | grep -c '^urn:camsep:lv2:camsep-')" = 4 ] || fail "lv2ls does not list the 4 camsep variants"
fi
if command -v lv2apply >/dev/null && [ -f "$tmp/demo/mix.wav" ]; then
  # The demo's flute and bassoon by their instrument numbers (plugin/README.md).
  lv2apply -i "$tmp/demo/mix.wav" -o "$tmp/plugin.wav" -c instrument_1 5 -c instrument_2 8 \
    urn:camsep:lv2:camsep-2p >"$tmp/lv2apply.log" 2>&1 || fail "lv2apply: $(tail -3 "$tmp/lv2apply.log")"
  grep -qi "cannot load" "$tmp/lv2apply.log" && fail "the plugin did not load its dictionaries: $(cat "$tmp/lv2apply.log")"
  /usr/bin/python3 - "$tmp/plugin.wav" <<'PY' || fail "lv2apply output"
import sys, warnings
import numpy as np
import scipy.io.wavfile as wf
warnings.simplefilter("ignore", wf.WavFileWarning)  # the LIST chunk lv2apply writes
rate, x = wf.read(sys.argv[1])
assert x.ndim == 2 and x.shape[1] >= 2, x.shape
e = (x.astype(np.float64) ** 2).sum(axis=0)
print("  lv2apply through /usr/lib/lv2/camsep.lv2: %d outputs, energy per output %s" % (x.shape[1], np.round(e, 1)))
assert (e[:2] > 0).all()
PY
fi

# 7. Man pages: one per program (packaged from cmake --install).
missing=()
for p in $programs; do
  grep -q "^/usr/share/man/man1/$(basename "$p")\.1\.gz$" "$tmp/files.txt" || missing+=("$(basename "$p")")
done
mans=$(grep -c '^/usr/share/man/man1/.*\.1\.gz$' "$tmp/files.txt")
echo "$name: dpkg -L camsep: $mans man pages in man1; programs without one: ${missing[*]:-none}"

# 8. Purge: no file, link or camsep directory left.
DEBIAN_FRONTEND=noninteractive apt-get purge -y camsep >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log"; fail "purge"; }
installed=
dpkg-query -W -f='${Status}' camsep 2>/dev/null | grep -q "installed" && fail "camsep is still installed"
left=()
while read -r f; do
  if [ -L "$f" ] || [ -f "$f" ]; then left+=("$f"); fi
done <"$tmp/files.txt"
for d in /usr/share/camsep /usr/lib/lv2/camsep.lv2 /usr/share/doc/camsep; do [ -e "$d" ] && left+=("$d"); done
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
echo "$name: purged; none of its $(wc -l <"$tmp/files.txt") paths left"
[ ${#missing[@]} -eq 0 ] || fail "no man page for: ${missing[*]}"
echo "$name: ok"

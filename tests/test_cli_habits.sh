#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One set of habits for every installed program (tools/cli_options.h):
# --version prints "NAME VERSION" and exits 0; --help starts with "usage: NAME"
# and exits 0; an unknown option exits 2 with one line "NAME: unknown option
# ..."; a bad value given as --opt=VALUE and as --opt VALUE is the same usage
# error (2); a runtime error (a missing file, a server) exits 1; the man page
# built by CMake is the program's --help-man, renders with groff -ww and
# man --warnings without a warning, and lists exactly the options --help lists.
# usage: test_cli_habits.sh VERSION MAN_DIR PROGRAM...
set -uo pipefail
version=$1 man_dir=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "test_cli_habits: FAILED: $*" >&2; failures=$((failures + 1)); }

# run EXPECTED_STATUS PATTERN COMMAND...: the status, one line of stderr
# starting with the program's name, and PATTERN in it.
run() {
  local want=$1 pattern=$2 rc=0
  shift 2
  local name=${1##*/}
  "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  # libjack and ALSA print their own lines; the program's own error is one line
  grep -v '^Cannot \|^jack server\|^JackShm\|^ALSA lib\|^Jack' "$tmp/err" >"$tmp/own"
  if [ "$rc" -ne "$want" ]; then
    fail "$name ${*:2}: exit $rc, not $want ($(head -c 300 "$tmp/own"))"
  elif [ "$want" -ne 0 ] && [ "$(wc -l <"$tmp/own")" -ne 1 ]; then
    fail "$name ${*:2}: not one line of error: $(cat "$tmp/own")"
  elif [ "$want" -ne 0 ] && ! grep -q "^$name: " "$tmp/own"; then
    fail "$name ${*:2}: the error does not start with '$name: ': $(cat "$tmp/own")"
  elif ! grep -q -- "$pattern" "$tmp/own" "$tmp/out"; then
    fail "$name ${*:2}: no '$pattern' in: $(cat "$tmp/own" "$tmp/out" | head -c 300)"
  fi
}

# Long option names in --help's option column, sorted.
help_options() { sed -n 's/^  \(-., \|    \)--\([a-z0-9][a-z0-9-]*\).*/\2/p' | sort -u; }
# Long option names of the man page's option tags (.TP then \fB\-\-NAME\fR), sorted.
man_options() { sed -n 's/^\(\\fB\\-.\\fR, \)\{0,1\}\\fB\\-\\-\([a-z0-9\\-]*\)\\fR.*/\2/p' | sed 's/\\-/-/g' | sort -u; }

wav=/nonexistent/mix.wav
for p in "$@"; do
  name=${p##*/}
  run 0 "^$name $version\$" "$p" --version
  run 0 "^usage: $name " "$p" --help
  run 2 "unknown option --no-such-option" "$p" --no-such-option
  run 2 "unknown option --no-such-option" "$p" --no-such-option=1
  run 2 "--help takes no value" "$p" --help=yes
  # A bad value, given as --opt=VALUE and as --opt VALUE, and a missing value.
  case $name in
    camsep-train) opt=--atoms bad=0 ;;
    camsep-process | camsep-plot) opt=--fft bad=7 ;;
    camsep-bench) opt= ;;
    camsep-capture) opt=--motion-knee bad=9 ;;
    camsep-jack | camsep-portaudio) opt=--iterations bad=0 ;;
    camsep-osc-doc) opt=--prefix bad=nope ;;
    camsep-find-boxes) opt=--players bad=0 ;;
    *) fail "$name: no probe for a bad value"; opt= ;;
  esac
  if [ -n "$opt" ]; then
    run 2 "$opt" "$p" "$opt=$bad"
    cp "$tmp/own" "$tmp/own_eq"
    run 2 "$opt" "$p" "$opt" "$bad"
    cmp -s "$tmp/own" "$tmp/own_eq" || fail "$name: '$opt=$bad' and '$opt $bad' differ: $(cat "$tmp/own_eq" "$tmp/own")"
    run 2 "$opt needs a value" "$p" "$opt"
  fi
  # A runtime error: exit 1.
  case $name in
    camsep-train) run 1 "$wav" "$p" --output="$tmp/x.dict" --quiet "$wav" ;;
    camsep-process) run 1 "$wav" "$p" --input="$wav" --dict="$tmp/none.dict" --output="$tmp/out" ;;
    camsep-plot) run 1 "$wav" "$p" --input="$wav" --stem="$wav" --output="$tmp/x.png" ;;
    camsep-capture) run 1 "cannot open" "$p" --source="$tmp/missing.y4m" --box=1,2,3,4 --no-shm ;;
    camsep-find-boxes) run 1 "missing.y4m" "$p" --players=2 "$tmp/missing.y4m" ;;
    camsep-jack) run 1 "cannot connect to the JACK server" "$p" --server="no-such-server-$$" --player=violin \
                   --status-interval=0 ;;
  esac
  # --opt=VALUE in a run that succeeds.
  case $name in
    camsep-osc-doc) run 0 "^/stage/player/N/gain " "$p" --prefix=/stage ;;
    camsep-jack | camsep-portaudio) run 0 "^/stage/player/N/gain " "$p" --osc-prefix=/stage --osc-doc ;;
  esac

  # The man page: built by CMake from --help-man, clean, the same options as --help.
  page=$man_dir/$name.1
  if [ ! -f "$page" ] || [ ! -f "$page.gz" ]; then
    fail "$name: no $page(.gz)"
    continue
  fi
  "$p" --help-man | cmp -s - "$page" || fail "$name: $page is not what '$name --help-man' prints now"
  zcat "$page.gz" | cmp -s - "$page" || fail "$name: $page.gz differs from $page"
  groff -man -Tutf8 -ww -z "$page" 2>"$tmp/groff.txt"
  [ ! -s "$tmp/groff.txt" ] || fail "$name: groff -ww warns: $(cat "$tmp/groff.txt")"
  if command -v man >/dev/null; then
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" >/dev/null 2>"$tmp/man.txt"
    [ ! -s "$tmp/man.txt" ] || fail "$name: man --warnings warns: $(cat "$tmp/man.txt")"
  fi
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
    grep -q "^\.SH \"\{0,1\}$section" "$page" || fail "$name: the man page has no $section"
  done
  "$p" --help | help_options >"$tmp/help_opts"
  man_options <"$page" >"$tmp/man_opts"
  [ -s "$tmp/help_opts" ] || fail "$name: no options found in --help"
  diff "$tmp/help_opts" "$tmp/man_opts" >"$tmp/diff" || fail "$name: --help and the man page list different options:
$(cat "$tmp/diff")"
  # Every option --help prints is in the rendered page.
  groff -man -Tascii -P-cbou "$page" 2>/dev/null >"$tmp/page.txt"
  while read -r o; do
    grep -q -- "--$o\b" "$tmp/page.txt" || fail "$name: --$o is not in the rendered man page"
  done <"$tmp/help_opts"
  grep -qx version "$tmp/help_opts" || fail "$name: --help lists no --version"
done

if [ "$failures" -ne 0 ]; then
  echo "test_cli_habits: $failures failure(s)" >&2
  exit 1
fi
echo "test_cli_habits: ok ($# programs)"

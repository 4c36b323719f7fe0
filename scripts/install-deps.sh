#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages camsep builds, tests and demonstrates with.
# Run as root (or with sudo). Does nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config            # toolchain
  libfftw3-dev libsndfile1-dev libcairo2-dev  # engine, tools, plots
  fluidsynth fluid-soundfont-gm               # demo and preset rendering (FluidR3 GM, MIT)
  python3 python3-numpy python3-scipy python3-mir-eval  # demo and quality evaluation (BSS Eval)
  libv4l-dev libturbojpeg0-dev strace         # camera capture (MJPEG decoded by libjpeg-turbo); the syscall-free check of the shm reader
  libjack-jackd2-dev portaudio19-dev lv2-dev liblo-dev  # hosts: JACK, PortAudio, LV2; OSC
  jackd2 jalv lilv-utils sordi liblo-tools    # host tests: jackd -d dummy, jalv, lv2apply/lv2info, Turtle, oscsend
  pipewire pipewire-bin pipewire-jack wireplumber dbus-daemon  # camsep-jack on PipeWire's JACK (a private PipeWire)
  libx11-dev libxtst-dev libfontconfig-dev xvfb  # the window; its tests under Xvfb with XTest
  ardour                                      # the plugin in Ardour 7, headless (ardour7-lua)
  rt-tests                                    # cyclictest: the machine's wake-up latency (bench/xrun_jack.sh)
  time                                        # /usr/bin/time -v: peak memory (bench/process_long.py, test process_stream)
  lintian desktop-file-utils                  # the .deb's checks (tests/test_deb.sh)
  groff-base man-db gzip                      # man pages: compressed at build time, checked with groff -ww and man --warnings
  iproute2                                    # ip netns + veth: the remote priors test between two namespaces
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: missing packages (${missing[*]}); run as root" >&2
    exit 1
  fi
else
  SUDO=
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs every Debian 12 package ovni needs to build, test and run.
# Idempotent: packages already installed are not asked for again.
set -euo pipefail

packages=(
  build-essential g++ pkg-config meson ninja-build python3
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libswscale-dev
  libass-dev libffmpeg-nvenc-dev
  fonts-dejavu-core fontconfig
  ffmpeg
  clang libclang-rt-14-dev valgrind
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

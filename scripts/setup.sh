#!/usr/bin/env bash
# One-shot setup on a fresh Debian machine (run as root, or with sudo available):
# system BLAS/LAPACK headers for the native addon, then the npm dependencies
# (whose install step builds the addon). Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libopenblas-dev liblapacke-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# A C++ toolchain and python3 are what node-gyp needs to compile the addon.
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "${NTKV_WITH_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "setup: system packages present (libopenblas-dev, liblapacke-dev)"
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund
echo "setup: done. Check the backend with: npx ntk-verify doctor"

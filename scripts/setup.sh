#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for GDS: system packages (Python side, Chromium for tests) and npm packages.
# Safe to run again; uses sudo only when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PKGS="chromium xvfb jupyter-server python3-ipykernel python3-nbformat python3-torch python3-onnx python3-pandas python3-sklearn python3-matplotlib python3-ipywidgets python3-tqdm"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "== apt: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

# onnxruntime-node would fetch CUDA binaries at install; CPU is bundled. GPU users: see README.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

# Electron's binary downloads on first use from GitHub; offline machines (CI) run web mode instead.
if [ -z "${CI:-}" ] && [ ! -f node_modules/electron/path.txt ]; then
  timeout 120 npx --no-install install-electron >/dev/null 2>&1 || echo "== note: no Electron binary (offline?); 'npm start' will use web mode"
fi
echo "== setup done"

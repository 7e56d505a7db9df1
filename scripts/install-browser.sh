#!/usr/bin/env bash
# Debian's Chromium and CJK fonts for the real-browser test of the app. Needs root (or sudo);
# exits non-zero, without failing the caller, where it cannot install them.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || { echo "install-browser: no apt-get here" >&2; exit 1; }
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && sudo="sudo -n" || { echo "install-browser: not root" >&2; exit 1; }
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null && \
  $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null

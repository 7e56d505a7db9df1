#!/usr/bin/env bash
# Quick start, command 2: set up (with test extras and the browser the app test drives), run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
scripts/install-browser.sh || echo "govkg: Chromium could not be installed; the browser test will be skipped." >&2
exec .venv/bin/python -m pytest "$@"

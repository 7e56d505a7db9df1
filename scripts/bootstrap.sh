#!/usr/bin/env bash
# Create .venv and install govkg into it (editable). Re-running is cheap: the install is
# skipped while pyproject.toml is unchanged since the last successful install.
# Usage: scripts/bootstrap.sh [EXTRAS]      e.g. scripts/bootstrap.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv || {
    echo "govkg: could not create a virtual environment with $py." >&2
    echo "       On Debian/Ubuntu: apt-get install python3-venv, then run this again." >&2
    exit 1
  }
fi
stamp=".venv/.govkg-installed${extras:+-$extras}"
want="$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  target="."
  [ -n "$extras" ] && target=".[$extras]"
  .venv/bin/python -m pip install --quiet -e "$target"
  echo "$want" > "$stamp"
fi

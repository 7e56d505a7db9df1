#!/usr/bin/env bash
# Quick start, command 1: set up, ingest the bundled reports into the embedded store, start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/govkg ingest data/reports
.venv/bin/govkg status
exec .venv/bin/govkg app "$@"

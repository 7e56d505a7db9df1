"""This process's memory, and how to start a helper Python process on the project's code.

Used by the embedded store (what reads added to RSS), the bulk loader's writer processes and the
analytics scan that `govkg ingest` runs on its own.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

try:
    _PAGE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):
    _PAGE = 4096

ROOT = Path(__file__).resolve().parent.parent  # the folder holding govkg/, graph/, queries/ …


def rss_mb() -> int:
    """This process's resident memory in MB (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE // (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None (another C library, or none found)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def trim_heap() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; nothing elsewhere).

    glibc keeps what a big computation freed for the process to use again, and memory freed in
    the middle of the heap it keeps for good, so a long-lived process (the app, a benchmark)
    grows by each query's temporaries. Trimming costs ~2 ms on a 1.5 GB heap."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def python_command(module: str, *args: str) -> tuple[list[str], dict]:
    """The command and environment that run `python -m module args…` on this checkout's code,
    installed or not."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    return [sys.executable, "-m", module, *args], env

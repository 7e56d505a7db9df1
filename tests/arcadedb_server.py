"""Run ArcadeDB (from PyPI `arcadedb-embedded`) as a Bolt server for the test suite.

Started as a separate process by `tests/bolt.py`; usable by hand too:

    .venv/bin/python tests/arcadedb_server.py --root /tmp/arcade --database govkg

It picks free ports (unless given), starts ArcadeDB with its Bolt plugin, creates one database
and prints one line `READY {"bolt_port": …, "http_port": …, …}` on stdout. On SIGTERM or SIGINT
it stops the server and leaves with `os._exit(0)`: a plain exit can hang in the JVM's shutdown
while a Bolt driver is still connected.

The heap is capped with `ARCADEDB_JVM_ARGS=-Xmx512m` unless that variable is already set.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PASSWORD = "govkg-test-pw"


def free_port() -> int:
    """A TCP port on localhost that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LaunchError(RuntimeError):
    """The server did not come up; the message says why (for a pytest skip reason)."""


@dataclass
class ArcadeProcess:
    """A running server started by `launch`: its connection details and how to stop it."""

    proc: subprocess.Popen
    info: dict
    log: Path

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.info['bolt_port']}"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.info['http_port']}"

    def stop(self, wait: float = 20.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass


def launch(root: Path, database: str = "govkg", timeout: float = 120.0, attempts: int = 2) -> ArcadeProcess:
    """Start this script in a child process and wait for its READY line.

    The child ends when this process closes its stdin (even if this process is killed), on
    `ArcadeProcess.stop()`, or on SIGTERM. A failed start is tried again once (a free port can be
    taken by someone else before the server binds it). Raises `LaunchError` with the reason.
    """
    for attempt in range(attempts):
        try:
            return _launch_once(Path(root) / f"try{attempt}" if attempt else Path(root), database, timeout)
        except LaunchError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _launch_once(root: Path, database: str, timeout: float) -> ArcadeProcess:
    try:
        import arcadedb_embedded  # noqa: F401  (only to fail early with a clear reason)
    except ImportError:
        raise LaunchError("arcadedb-embedded is not installed (pip install 'arcadedb-embedded>=26.1,<27')") from None
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    log = root / "server.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--root", str(root), "--database", database,
           "--exit-with-stdin"]
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                text=True, start_new_session=True)
    lines: list[str] = []
    ready = threading.Event()

    def reader():  # keeps draining stdout after the READY line, so the pipe never fills
        for line in proc.stdout:
            if not ready.is_set():
                lines.append(line.strip())
            if line.startswith(("READY ", "FAILED ")):
                ready.set()
        ready.set()

    threading.Thread(target=reader, daemon=True).start()
    ready.wait(timeout)
    last = lines[-1] if lines else ""
    if not last.startswith("READY "):
        server = ArcadeProcess(proc, {}, log)
        server.stop(5)
        tail = " ".join(log.read_text(errors="replace").split()[-40:]) if log.exists() else ""
        why = last or (f"no READY line within {timeout:g} s" if proc.poll() is None
                       else f"exited with status {proc.returncode}")
        raise LaunchError(f"ArcadeDB did not start: {why} (log {log}: …{tail[-400:]})")
    return ArcadeProcess(proc, json.loads(last[len("READY "):]), log)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", required=True, help="folder for the server's databases and logs")
    ap.add_argument("--database", default="govkg", help="database to create (default govkg)")
    ap.add_argument("--password", default=DEFAULT_PASSWORD, help="root password")
    ap.add_argument("--bolt-port", type=int, default=0, help="0: pick a free port")
    ap.add_argument("--http-port", type=int, default=0, help="0: pick a free port")
    ap.add_argument("--exit-with-stdin", action="store_true",
                    help="stop when stdin closes (the test fixture's pipe), so no server outlives its parent")
    args = ap.parse_args(argv)

    root = Path(args.root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    # ArcadeDB writes ./log relative to the working directory: keep it inside root.
    os.chdir(root)
    os.environ.setdefault("ARCADEDB_JVM_ARGS", "-Xmx512m")
    os.environ.setdefault("ARCADEDB_JVM_ERROR_FILE", str(root / "log" / "hs_err_pid%p.log"))

    import arcadedb_embedded

    bolt_port = args.bolt_port or free_port()
    http_port = args.http_port or free_port()
    server = arcadedb_embedded.create_server(
        root_path=str(root / "databases"),
        root_password=args.password,
        config={
            "http_port": http_port,
            "host": "127.0.0.1",
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": bolt_port,
            # the HTTPS listener is unused but would otherwise take a fixed port range (2490-2499)
            "server_httpsIncomingPort": free_port(),
        },
    )
    stopping = threading.Event()

    def stop(signum=None, frame=None):
        if stopping.is_set():
            return
        stopping.set()
        try:
            server.stop()
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = time.monotonic()
    try:
        server.start()
        server.create_database(args.database)
    except Exception as e:  # report why, in one line, for the fixture's skip reason
        print(f"FAILED {type(e).__name__}: {e}".replace("\n", " "), flush=True)
        os._exit(1)
    info = {"bolt_port": bolt_port, "http_port": http_port, "database": args.database,
            "user": "root", "password": args.password, "seconds": round(time.monotonic() - started, 2)}
    print("READY " + json.dumps(info), flush=True)
    if args.exit_with_stdin:
        threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()

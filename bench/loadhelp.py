"""Small helpers shared by the server benchmarks (bench_web, bench_cds)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile of ``values`` (NaN when empty)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def start_server(
    database_url: str, port: int, probe: str, workers: int, **env: str
) -> subprocess.Popen[bytes]:
    """``thyref.web.server`` under uvicorn on 127.0.0.1:``port`` (``workers`` processes),
    once ``probe`` (a path) answers 200; extra ``env`` settings on top of the database."""
    settings = {
        **os.environ,
        "THYREF_DATABASE_URL": database_url,
        "THYREF_SECRET_KEY": "bench",
        "THYREF_SERVER_TIMING": "1",  # the benches read the server's own time from it
        "THYREF_RATE_LIMIT": "0",  # 50 clients on one address: no budget of public requests
        **env,
    }
    command = [
        sys.executable, "-m", "uvicorn", "thyref.web.server:app", "--host", "127.0.0.1",
        "--port", str(port), "--no-access-log", "--log-level", "warning",
        "--workers", str(workers), "--factory",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=settings, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")

"""Web benchmark: ``POST /api/v1/assess`` under concurrent load, and the case page time.

Starts ``uvicorn`` (as ``thyref serve`` does: one worker per core, no access log) on 127.0.0.1 on a
free port, in a subprocess, on a fresh SQLite database with the demo cases, then:

- 50 concurrent connections post a demo case to ``/api/v1/assess`` in a closed loop:
  p50/p99 latency, req/s. The load comes from ``wrk`` (Debian package, installed by
  ``make bench``) when present, else from httpx clients in this process, which on a
  2-core machine take CPU from the server and make the figures pessimistic;
- one signed-in client opens a case page repeatedly: the server's own time (the
  ``Server-Timing`` header) p50/p95, and the client-side time.

Targets (issue 4, 2-core machine): assess p99 < 50 ms at 50 clients; case page p95 < 100 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from loadhelp import free_port, percentile, start_server

CLIENTS = 50
REQUESTS = 4000
TIME_LIMIT_S = 30.0
WARMUP = 200
PAGE_REQUESTS = 200
CASE_ID = "demo-003"
# Server worker processes: as ``thyref serve`` starts by default (one per core, at most 4).
WORKERS = int(os.environ.get("THYREF_BENCH_WORKERS", str(max(1, min(4, os.cpu_count() or 1)))))
WRK_SECONDS = 10
WRK_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open(os.getenv("THYREF_BENCH_BODY"), "r")
wrk.body = f:read("*a")
f:close()
"""


def _ms(text: str) -> float:
    """A wrk duration ("850.12us", "12.30ms", "1.02s") in milliseconds."""
    match = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    assert match, text
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _load_wrk(base: str, body: bytes) -> dict[str, float]:
    """The load from ``wrk`` (C, one thread): the client takes little of the 2 cores, so the
    figures describe the server. Bounded by time (``WRK_SECONDS``)."""
    with tempfile.TemporaryDirectory(prefix="thyref-wrk-") as folder:
        body_path = Path(folder) / "body.json"
        body_path.write_bytes(body)
        script = Path(folder) / "post.lua"
        script.write_text(WRK_LUA)
        done = subprocess.run(
            ["wrk", "-t1", f"-c{CLIENTS}", f"-d{WRK_SECONDS}s", "--latency", "-s", str(script),
             f"{base}/api/v1/assess"],
            check=True, capture_output=True, text=True,
            env={**os.environ, "THYREF_BENCH_BODY": str(body_path)},
        )  # fmt: skip
    out = done.stdout
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    assert p50 and p99 and rps and total, out
    return {
        "load_client_wrk": 1.0,
        "server_workers": float(WORKERS),
        "assess_clients": float(CLIENTS),
        "assess_requests": float(total.group(1)),
        "assess_errors": float(errors.group(1)) if errors else 0.0,
        "assess_p50_ms": round(_ms(p50.group(1)), 2),
        "assess_p99_ms": round(_ms(p99.group(1)), 2),
        "assess_rps": round(float(rps.group(1)), 1),
    }


def _prepare(folder: Path) -> tuple[str, str]:
    """A migrated database with the demo cases; returns (url, demo password)."""
    from thyref.storage import Database
    from thyref.web.bootstrap import ensure_demo

    url = f"sqlite:///{folder / 'bench.db'}"
    db = Database(url)
    db.migrate()
    account = ensure_demo(db)
    db.dispose()
    return url, account.password


def _start(url: str, port: int) -> subprocess.Popen[bytes]:
    return start_server(url, port, "/api/v1/health", WORKERS)


async def _load(base: str, body: bytes) -> dict[str, float]:
    """50 clients, each with its own connection (one httpx client each: a shared pool of 50
    connections costs httpx itself more than the server's work)."""
    headers = {"content-type": "application/json"}
    latencies: list[float] = []
    server: list[float] = []
    errors = 0
    remaining = REQUESTS
    deadline = time.monotonic() + TIME_LIMIT_S

    async def worker() -> None:
        nonlocal remaining, errors
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            for _ in range(WARMUP // CLIENTS):
                await client.post("/api/v1/assess", content=body, headers=headers)
            await ready.wait()
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                start = time.perf_counter()
                response = await client.post("/api/v1/assess", content=body, headers=headers)
                latencies.append((time.perf_counter() - start) * 1000)
                timing = re.search(r"dur=([0-9.]+)", response.headers.get("server-timing", ""))
                if timing:
                    server.append(float(timing.group(1)))
                if response.status_code != 200:
                    errors += 1

    ready = asyncio.Event()
    tasks = [asyncio.create_task(worker()) for _ in range(CLIENTS)]
    await asyncio.sleep(2.0)  # let every client warm up before the clock starts
    began = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    single: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        for _ in range(300):
            start = time.perf_counter()
            await client.post("/api/v1/assess", content=body, headers=headers)
            single.append((time.perf_counter() - start) * 1000)
    return {
        "server_workers": float(WORKERS),
        "assess_clients": float(CLIENTS),
        "assess_requests": float(len(latencies)),
        "assess_errors": float(errors),
        "assess_p50_ms": round(percentile(latencies, 50), 2),
        "assess_p99_ms": round(percentile(latencies, 99), 2),
        "assess_rps": round(len(latencies) / elapsed, 1),
        "assess_server_p99_ms": round(percentile(server, 99), 2),
        "assess_one_client_p50_ms": round(percentile(single, 50), 2),
        "assess_one_client_p99_ms": round(percentile(single, 99), 2),
    }


def _case_page(base: str, password: str) -> dict[str, float]:
    server: list[float] = []
    client_side: list[float] = []
    with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as client:
        form = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf, "no CSRF token on the sign-in page"
        signed = client.post(
            "/login",
            data={"username": "demo", "password": password, "csrf_token": csrf.group(1)},
        )
        assert signed.status_code == 200, signed.status_code
        for _ in range(20):
            client.get(f"/cases/{CASE_ID}")
        for _ in range(PAGE_REQUESTS):
            start = time.perf_counter()
            response = client.get(f"/cases/{CASE_ID}")
            client_side.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            timing = re.search(r"dur=([0-9.]+)", response.headers.get("server-timing", ""))
            if timing:
                server.append(float(timing.group(1)))
    return {
        "case_page_server_p50_ms": round(percentile(server, 50), 2),
        "case_page_server_p95_ms": round(percentile(server, 95), 2),
        "case_page_client_p95_ms": round(percentile(client_side, 95), 2),
    }


def run() -> dict[str, float]:
    """Run both measurements on a fresh server; figures in ms and requests per second."""
    from thyref.demo import demo_cases

    case = next(c for c in demo_cases() if c.get("id") == CASE_ID)
    body = json.dumps(case).encode()
    with tempfile.TemporaryDirectory(prefix="thyref-bench-") as folder:
        url, password = _prepare(Path(folder))
        port = free_port()
        process = _start(url, port)
        base = f"http://127.0.0.1:{port}"
        try:
            if shutil.which("wrk"):
                results = _load_wrk(base, body)
            else:  # fallback: a Python client on the same cores (pessimistic figures)
                results = asyncio.run(_load(base, body))
            results.update(_case_page(base, password))
        finally:
            process.terminate()
            process.wait(timeout=10)
    return results


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:28s} {value:g}")

"""CDS Hooks benchmark: ``patient-view`` with prefetch, 20 concurrent clients on loopback.

Starts ``uvicorn`` (one worker per core, at most 4, as ``thyref serve``) on 127.0.0.1 on a
free port with one allowed JWT issuer (an ES384 key made here), then 20 clients post a
``patient-view`` request for a typical patient (the demo case ``demo-003`` exported as
FHIR and sent as prefetch) in a closed loop, each with a fresh signed JWT (signed before
the clock starts, so the client's signing does not count). Figures: client latency p50 and
p95, the server's own time (``Server-Timing``) p95, requests per second.

Two runs: ``warm`` sends the same chart data every time (an EHR re-opening a chart: the
server imports and assesses it once, then only checks the JWT and builds the card) and
``cold`` gives every request another ``patientId`` (a new case each time: FHIR import,
validation and assessment on every request). ``THYREF_BENCH_REQUESTS`` sets the number of
requests per run (default 1000), ``THYREF_BENCH_WORKERS`` the server's workers (default
as ``thyref serve``: one per core, at most 4).

Target (issue 11): p95 < 50 ms at 20 concurrent clients. The client runs in this process
on the same cores as the server: on a 2-core machine the figures are pessimistic.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec

CLIENTS = 20
REQUESTS = int(os.environ.get("THYREF_BENCH_REQUESTS", "1000"))
WARMUP = 40
CASE_ID = "demo-003"
ISSUER = "https://bench-ehr.example"
WORKERS = int(os.environ.get("THYREF_BENCH_WORKERS", str(max(1, min(4, os.cpu_count() or 1)))))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _request_body() -> dict[str, Any]:
    from thyref.demo import demo_cases
    from thyref.fhir.exporter import case_to_bundle

    case = next(c for c in demo_cases() if c.get("id") == CASE_ID)
    resources = [e["resource"] for e in case_to_bundle(case)["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")

    def search(kind: str) -> dict[str, Any]:
        found = [{"resource": r} for r in resources if r["resourceType"] == kind]
        return {"resourceType": "Bundle", "type": "searchset", "entry": found}

    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/bench", "patientId": patient["id"]},
        "prefetch": {
            "patient": patient,
            "conditions": search("Condition"),
            "bodyStructures": search("BodyStructure"),
            "observations": search("Observation"),
            "iodine": search("MedicationAdministration"),
            "medications": search("MedicationStatement"),
        },
    }


def _start(url: str, port: int, jwks: dict[str, Any]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "THYREF_DATABASE_URL": url,
        "THYREF_SECRET_KEY": "bench",
        "THYREF_CDS_ISSUERS": json.dumps({ISSUER: jwks}),
    }
    command = [
        sys.executable, "-m", "uvicorn", "thyref.web.server:app", "--host", "127.0.0.1",
        "--port", str(port), "--no-access-log", "--log-level", "warning",
        "--workers", str(WORKERS), "--factory",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/cds-services", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _bodies(body: dict[str, Any], count: int, cold: bool) -> list[bytes]:
    """The request bodies: one, repeated (warm), or one per request with its own patient."""
    if not cold:
        return [json.dumps(body).encode()] * count
    out = []
    for i in range(count):
        other = {**body, "context": {**body["context"], "patientId": f"bench-{i}"}}
        out.append(json.dumps(other).encode())
    return out


async def _load(url: str, bodies: list[bytes], tokens: list[str]) -> dict[str, float]:
    latencies: list[float] = []
    server: list[float] = []
    failures = 0
    queue = list(reversed(list(zip(tokens, bodies, strict=True))))

    async def worker() -> None:
        nonlocal failures
        async with httpx.AsyncClient(timeout=30) as client:
            while queue:
                token, body = queue.pop()
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                start = time.perf_counter()
                response = await client.post(url, content=body, headers=headers)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200 or not response.json()["cards"]:
                    failures += 1
                    continue
                latencies.append(elapsed)
                timing = re.search(r"dur=([0-9.]+)", response.headers.get("server-timing", ""))
                if timing:
                    server.append(float(timing.group(1)))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    wall = time.perf_counter() - started
    return {
        "patient_view_p50_ms": _percentile(latencies, 50),
        "patient_view_p95_ms": _percentile(latencies, 95),
        "patient_view_server_p95_ms": _percentile(server, 95),
        "patient_view_req_per_s": len(latencies) / wall,
        "patient_view_failures": float(failures),
        "clients": float(CLIENTS),
    }


def run() -> dict[str, float]:
    """Warm then cold figures, keys prefixed ``warm_`` and ``cold_``."""
    from thyref.storage import Database

    key = ec.generate_private_key(ec.SECP384R1())
    public = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks = {"keys": [{**public, "kid": "bench", "alg": "ES384"}]}
    body = _request_body()
    with tempfile.TemporaryDirectory(prefix="thyref-bench-cds-") as folder:
        db_url = f"sqlite:///{Path(folder) / 'cds.db'}"
        db = Database(db_url)
        db.migrate()
        db.dispose()
        port = _free_port()
        url = f"http://127.0.0.1:{port}/cds-services/thyref-patient-view"

        def tokens(count: int) -> list[str]:
            now = int(time.time())
            claims = {"iss": ISSUER, "aud": url, "iat": now, "exp": now + 240}
            return [
                jwt.encode({**claims, "jti": str(uuid.uuid4())}, key, algorithm="ES384",
                           headers={"kid": "bench"})
                for _ in range(count)
            ]  # fmt: skip

        process = _start(db_url, port, jwks)
        results: dict[str, float] = {"workers": float(WORKERS)}
        try:
            asyncio.run(_load(url, _bodies(body, WARMUP, False), tokens(WARMUP)))
            for name, cold in (("warm", False), ("cold", True)):
                found = asyncio.run(_load(url, _bodies(body, REQUESTS, cold), tokens(REQUESTS)))
                results |= {f"{name}_{key}": value for key, value in found.items()}
        finally:
            process.terminate()
            process.wait(timeout=10)
    return results


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:32s} {value:g}")

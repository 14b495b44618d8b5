"""CDS Hooks benchmark: ``patient-view`` with prefetch, 20 concurrent clients on loopback.

Starts ``uvicorn`` (one worker per core, at most 4, as ``thyref serve``) on 127.0.0.1 on a
free port with one allowed JWT issuer (an ES384 key made here), then 20 clients post a
``patient-view`` request for a typical patient (the demo case ``demo-003`` exported as
FHIR and sent as prefetch) in a closed loop, each with a fresh signed JWT (signed before
the clock starts, so the client's signing does not count). Figures: client latency p50 and
p95, the server's own time (``Server-Timing``) p95, requests per second.

Two runs: ``warm`` sends the same chart data every time (an EHR re-opening a chart: the
server imports and assesses it once, then only checks the JWT and builds the card) and
``cold`` gives every request another patient (its ``patientId``, the Patient's id and the
references to it: a new case each time: FHIR import,
validation and assessment on every request). ``THYREF_BENCH_REQUESTS`` sets the number of
requests per run (default 1000), ``THYREF_BENCH_WORKERS`` the server's workers (default
as ``thyref serve``: one per core, at most 4).

The load comes from ``wrk`` (Debian package, installed by ``make bench``; one thread, 20
connections, a Lua script that sends each pre-signed token and body once and stops after
``THYREF_BENCH_REQUESTS`` answers) when present, else from httpx clients in this process,
which on a 2-core machine take CPU from the server and make the figures pessimistic.

Target (issue 11): p95 < 50 ms at 20 concurrent clients.
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
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from loadhelp import free_port, percentile, start_server

CLIENTS = 20
REQUESTS = int(os.environ.get("THYREF_BENCH_REQUESTS", "1000"))
WARMUP = 40
CASE_ID = "demo-003"
ISSUER = "https://bench-ehr.example"
WORKERS = int(os.environ.get("THYREF_BENCH_WORKERS", str(max(1, min(4, os.cpu_count() or 1)))))


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
    issuers = json.dumps({ISSUER: jwks})
    public = f"http://127.0.0.1:{port}"  # the audience the bench's tokens name
    return start_server(
        url, port, "/cds-services", WORKERS, THYREF_CDS_ISSUERS=issuers, THYREF_CDS_URL=public
    )


def _bodies(body: dict[str, Any], count: int, cold: bool) -> list[bytes]:
    """The request bodies: one, repeated (warm), or one per request with its own patient."""
    if not cold:
        return [json.dumps(body).encode()] * count
    # another patient: the Patient's id and every reference to it (the service uses only
    # the resources of the patient in context)
    text = json.dumps(body)
    patient_id = body["context"]["patientId"]
    return [text.replace(patient_id, f"bench-{i}").encode() for i in range(count)]


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
        "patient_view_p50_ms": percentile(latencies, 50),
        "patient_view_p95_ms": percentile(latencies, 95),
        "patient_view_server_p95_ms": percentile(server, 95),
        "patient_view_req_per_s": len(latencies) / wall,
        "patient_view_failures": float(failures),
        "clients": float(CLIENTS),
    }


WRK_SECONDS = int(os.environ.get("THYREF_BENCH_SECONDS", "10"))
WRK_TOKENS_PER_S = 1500  # more than the server answers here: no token is sent twice

WRK_LUA = r"""
-- one pre-signed token per request (the server refuses a replayed jti), bodies cycled;
-- when the tokens run out the thread stops and RESULT says so (exhausted = 1)
local tokens, bodies = {}, {}
for line in io.lines(os.getenv("THYREF_BENCH_TOKENS")) do tokens[#tokens + 1] = line end
for line in io.lines(os.getenv("THYREF_BENCH_BODIES")) do bodies[#bodies + 1] = line end
local path = os.getenv("THYREF_BENCH_PATH")
local connections = tonumber(os.getenv("THYREF_BENCH_CLIENTS"))
sent, answered, bad, empty, exhausted = 0, 0, 0, 0, 0
server = {}

request = function()
  sent = sent + 1
  local i = math.min(sent, #tokens)
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. tokens[i],
    ["Content-Type"] = "application/json",
  }, bodies[((sent - 1) % #bodies) + 1])
end

response = function(status, headers, body)
  answered = answered + 1
  if status ~= 200 then bad = bad + 1
  elseif body:find('"cards":[]', 1, true) then empty = empty + 1 end
  local timing = headers["Server-Timing"] or headers["server-timing"]
  if timing then
    local dur = timing:match("dur=([0-9.]+)")
    if dur then server[#server + 1] = tonumber(dur) end
  end
  if sent >= #tokens - connections then
    exhausted = 1
    wrk.thread:stop()
  end
end

local threads = {}
setup = function(thread) threads[#threads + 1] = thread end

done = function(summary, latency, requests)
  local t = threads[1]
  local durations = t:get("server")
  table.sort(durations)
  local p95 = durations[math.max(1, math.ceil(#durations * 0.95))] or -1
  io.write(string.format("RESULT %d %d %d %d %.3f %.3f %.3f %.6f\n",
    summary.requests, t:get("bad"), t:get("empty"), t:get("exhausted"),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, p95,
    summary.duration / 1e6))
end
"""


def _load_wrk(url: str, bodies: list[bytes], tokens: list[str]) -> dict[str, float]:
    """The load from ``wrk`` (C, one thread, ``CLIENTS`` connections) for ``WRK_SECONDS``,
    each pre-signed token sent once."""
    with tempfile.TemporaryDirectory(prefix="thyref-wrk-cds-") as folder:
        here = Path(folder)
        (here / "tokens.txt").write_text("\n".join(tokens) + "\n")
        (here / "bodies.txt").write_bytes(b"\n".join(bodies) + b"\n")
        (here / "cds.lua").write_text(WRK_LUA)
        done = subprocess.run(
            ["wrk", "-t1", f"-c{CLIENTS}", f"-d{WRK_SECONDS}s", "--timeout", "10s", "-s",
             str(here / "cds.lua"), url],
            check=False, capture_output=True, text=True,
            env={
                **os.environ,
                "THYREF_BENCH_TOKENS": str(here / "tokens.txt"),
                "THYREF_BENCH_BODIES": str(here / "bodies.txt"),
                "THYREF_BENCH_CLIENTS": str(CLIENTS),
                "THYREF_BENCH_PATH": "/" + url.split("/", 3)[3],
            },
        )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
    found = re.search(r"^RESULT " + " ".join([r"(\S+)"] * 8) + "$", done.stdout, re.M)
    assert found, done.stdout + done.stderr
    total, bad, empty, exhausted, p50, p95, server_p95, seconds = map(float, found.groups())
    return {
        "patient_view_p50_ms": p50,
        "patient_view_p95_ms": p95,
        "patient_view_server_p95_ms": server_p95,
        "patient_view_req_per_s": total / seconds,
        "patient_view_failures": bad + empty,
        "patient_view_requests": total,
        "patient_view_tokens_exhausted": exhausted,
        "clients": float(CLIENTS),
        "load_client_wrk": 1.0,
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
        port = free_port()
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
                if shutil.which("wrk"):
                    count = WRK_TOKENS_PER_S * WRK_SECONDS
                    found = _load_wrk(url, _bodies(body, count, cold), tokens(count))
                else:  # fallback: a Python client on the same cores (pessimistic figures)
                    found = asyncio.run(_load(url, _bodies(body, REQUESTS, cold), tokens(REQUESTS)))
                results |= {f"{name}_{key}": value for key, value in found.items()}
        finally:
            process.terminate()
            process.wait(timeout=10)
    return results


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:32s} {value:g}")

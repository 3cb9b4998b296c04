"""Soak: 32 ordinary clients and a stream of adversarial requests against `triage serve` (not a test).

    .venv/bin/python bench/soak.py --model models/default [--seconds 600] [--clients 32] [--workers 1]

Starts `triage serve` from this source tree, waits for /readyz, then for `--seconds`: `--clients`
threads send corpus messages one after another (one in ten asks for evidence), while one thread
cycles through attacks — a 9,900-character message of short clauses with evidence, a 2 MB header,
connections that send nothing or trickle their head, a body that never completes, a 500,000-item
batch, a forged X-Request-ID. Prints the ordinary clients' requests, errors and p50/p99, what each
attack got back (an attack that is answered 200 where it should be refused, or a 5xx other than
the evidence lane's 503, is an error), and the server's RSS at start and at the end.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.service import corpus_texts, free_port, rss_mib, wait_ready  # noqa: E402


def start_server(model: Path, port: int, workers: int) -> subprocess.Popen:
    """`triage serve` run from this tree (PYTHONPATH), whatever the installed package is."""
    command = [sys.executable, "-c", "from serve.cli import main; main()", "serve", "--model", str(model)]
    command += ["--port", str(port), "--workers", str(workers)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "TRIAGE_BODY_TIMEOUT_S": "5"}
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def client(base: str, texts: list[str], until: float, offset: int, step: int) -> tuple[list[float], Counter]:
    """(latencies in ms of plain requests, status counts) of one client on a keep-alive connection."""
    latencies, statuses, k = [], Counter(), offset
    with httpx.Client(base_url=base, timeout=30) as http:
        while time.monotonic() < until:
            evidence = k % 10 == 0
            sent = time.perf_counter()
            try:
                answer = http.post(
                    f"/v1/classify?evidence={str(evidence).lower()}", json={"text": texts[k % len(texts)]}
                )
                statuses[answer.status_code] += 1
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
            if not evidence:
                latencies.append((time.perf_counter() - sent) * 1000)
            k += step
    return latencies, statuses


def raw(port: int, data: bytes, wait: float = 10, trickle: float = 0) -> str:
    """Send `data` on a fresh socket (a byte per `trickle` s if set); the answer's status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        try:
            if trickle:
                for byte in data:
                    connection.send(bytes([byte]))
                    time.sleep(trickle)
            else:
                connection.sendall(data)
            answer = connection.recv(4096)
        except (BrokenPipeError, ConnectionResetError):
            return "closed"
        except TimeoutError:
            return "kept open"
    return answer.split(b"\r\n", 1)[0].decode("latin-1") if answer else "closed"


HEAD = b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
CLAUSES = {"text": "Да. Нет. " * 1_100}
HUGE_BATCH = json.dumps({"items": [{"text": "a"}] * 500_000}).encode()


def clause_heavy(base: str, port: int) -> str:
    return str(httpx.post(base + "/v1/classify", json=CLAUSES, timeout=60).status_code)


def big_header(base: str, port: int) -> str:
    return raw(port, b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 2**21 + b"\r\n\r\n")


def idle(base: str, port: int) -> str:
    return raw(port, b"")


def trickled_head(base: str, port: int) -> str:
    return raw(port, b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 200, trickle=0.05)


def unfinished_body(base: str, port: int) -> str:
    return raw(port, HEAD + b'Content-Length: 100\r\n\r\n{"text')


def huge_batch(base: str, port: int) -> str:
    json_body = {"Content-Type": "application/json"}
    return str(
        httpx.post(base + "/v1/classify/batch", content=HUGE_BATCH, headers=json_body, timeout=60).status_code
    )


def forged_id(base: str, port: int) -> str:
    answer = httpx.get(base + "/healthz", headers={"X-Request-ID": "+7 916 123-45-67"})
    return "kept" if answer.headers.get("x-request-id") == "+7 916 123-45-67" else "replaced"


ATTACKS = {
    "clause-heavy evidence": (clause_heavy, {"200", "503"}),
    "2 MB header": (big_header, {"closed", "HTTP/1.1 400 Bad Request"}),
    "idle connection": (idle, {"closed"}),
    "trickled head": (trickled_head, {"closed"}),
    "unfinished body": (unfinished_body, {"HTTP/1.1 408 Request Timeout"}),
    "500,000-item batch": (huge_batch, {"413"}),
    "forged request id": (forged_id, {"replaced"}),
}
"""Each attack, and the outcomes that count as handled (anything else is an error)."""


def adversary(base: str, port: int, until: float) -> dict[str, Counter]:
    """Attacks one after another until `until`; outcomes per attack."""
    outcomes: dict[str, Counter] = {name: Counter() for name in ATTACKS}
    while time.monotonic() < until:
        for name, (attack, _) in ATTACKS.items():
            try:
                outcome = attack(base, port)
            except (httpx.HTTPError, OSError) as exc:
                outcome = type(exc).__name__
            outcomes[name][outcome] += 1
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    port, texts = free_port(), corpus_texts()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.model, port, args.workers)
    try:
        wait_ready(base, server)
        start_rss = rss_mib(server.pid)
        until = time.monotonic() + args.seconds
        with ThreadPoolExecutor(args.clients + 1) as pool:
            hostile = pool.submit(adversary, base, port, until)
            runs = list(pool.map(lambda k: client(base, texts, until, k, args.clients), range(args.clients)))
        report(runs, hostile.result(), start_rss, rss_mib(server.pid))
    finally:
        server.terminate()
        server.wait(30)


def report(runs: list, outcomes: dict, start_rss: float, end_rss: float) -> None:
    latencies = [ms for run in runs for ms in run[0]]
    statuses = sum((run[1] for run in runs), Counter())
    errors = sum(count for status, count in statuses.items() if status not in (200, 503))
    p50, p99 = np.percentile(latencies, [50, 99]) if latencies else (float("nan"),) * 2
    print(f"clients: {sum(statuses.values())} requests {dict(statuses)}  errors {errors}  "
          f"plain p50 {p50:.1f} ms  p99 {p99:.1f} ms")  # fmt: skip
    wrong = 0
    for name, seen in outcomes.items():
        refused = ATTACKS[name][1]
        bad = sum(count for outcome, count in seen.items() if outcome not in refused)
        wrong += bad
        print(f"attack {name:<22} {dict(seen)}  wrong {bad}")
    print(f"errors {errors + wrong}  RSS start {start_rss:.0f} MiB  end {end_rss:.0f} MiB "
          f"({100 * (end_rss / start_rss - 1):+.1f} %)")  # fmt: skip


if __name__ == "__main__":
    main()

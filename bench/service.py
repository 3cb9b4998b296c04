"""Latency, throughput and memory of the classification service, measured and printed (not a test).

    .venv/bin/python bench/service.py --model models/default [--seconds 60] [--clients 32] [--workers N]

Starts `triage serve --workers N` (default 0: the command's own default, one worker per core) in a
subprocess and waits for /readyz, warms it up, then for `--seconds` each: one client sending
corpus texts one after another as plain requests (`POST /v1/classify`, evidence as the default
has it), and `--clients` concurrent clients (threads, each an httpx client on a keep-alive
connection). Prints p50/p95/p99 latency, messages/s, errors, the server's RSS (VmRSS, summed
over its workers) after start-up, after warm-up and after the load, and the mean micro-batch size.
Server settings come from TRIAGE_ variables in the environment, as for `triage serve`.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def corpus_texts() -> list[str]:
    with (ROOT / "data" / "tickets" / "test.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(model: Path, port: int, workers: int = 1) -> subprocess.Popen:
    triage = Path(sys.executable).with_name("triage")
    command = (
        [str(triage)] if triage.exists() else [sys.executable, "-c", "from serve.cli import main; main()"]
    )
    command += ["serve", "--model", str(model), "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 180) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server was not ready in time")


def processes(pid: int) -> list[int]:
    """The server and its worker processes (`--workers` > 1 forks them)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(p for child in children for p in processes(int(child)))]


def rss_mib(pid: int) -> float:
    """VmRSS of the server, summed over its workers."""
    total = 0
    for process in processes(pid):
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            if line.startswith("VmRSS"):
                total += int(line.split()[1])
    return total / 1024


def one_client(base: str, texts: list[str], seconds: float, offset: int = 0, step: int = 1) -> tuple:
    """(latencies in ms, errors, elapsed seconds) of one client sending one message at a time."""
    latencies, errors, k = [], 0, offset
    with httpx.Client(base_url=base, timeout=10) as client:
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            sent = time.perf_counter()
            try:
                answer = client.post("/v1/classify", json={"text": texts[k % len(texts)]})  # as a user
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - sent) * 1000)
            errors += not ok
            k += step
        return latencies, errors, time.perf_counter() - started


def many_clients(base: str, texts: list[str], seconds: float, clients: int) -> tuple:
    """The same from `clients` threads at once, each a client with its own keep-alive connection.

    Threads with blocking clients, not one asyncio client: httpx's AsyncClient spends several ms
    of CPU per request at this concurrency (encode/httpx#3215), CPU the server then lacks.
    """
    with ThreadPoolExecutor(clients) as pool:
        runs = list(pool.map(lambda k: one_client(base, texts, seconds, k, clients), range(clients)))
    latencies = [ms for run in runs for ms in run[0]]
    return latencies, sum(run[1] for run in runs), max(run[2] for run in runs)


def batch_sizes(base: str) -> tuple[float, float]:
    """(forward passes, texts) so far, from the server's Prometheus metrics."""
    text = httpx.get(base + "/metrics").text
    values = dict(line.rsplit(" ", 1) for line in text.splitlines() if line.startswith("triage_batch_size_"))
    return float(values.get("triage_batch_size_count", 0)), float(values.get("triage_batch_size_sum", 0))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server and its workers (fields 14 and 15 of /proc/PID/stat)."""
    total = 0
    for process in processes(pid):
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def phase(name: str, pid: int, run) -> dict[str, float]:
    """Run one load phase and print its figures, with the CPU the server and the clients used."""
    cpu, own = cpu_seconds(pid), time.process_time()
    latencies, errors, elapsed = run()
    cpu, own = cpu_seconds(pid) - cpu, time.process_time() - own
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99])
    rate = len(latencies) / elapsed
    print(
        f"{name:<11} {len(latencies):6d} requests {rate:6.0f} msg/s  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  "
        f"p99 {p99:6.2f} ms  errors {errors}  server CPU {1000 * cpu / len(latencies):.2f} ms/msg "
        f"({cpu / elapsed:.2f} cores; clients {own / elapsed:.2f} cores)"
    )
    return {"p50": p50, "p99": p99, "rate": rate, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--seconds", type=float, default=60.0, help="Length of each load phase.")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Server processes (triage serve --workers); 0, the default, is one per core.",
    )
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="Seconds of concurrent load before measuring."
    )
    options = parser.parse_args()
    texts = corpus_texts()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(options.model, port, options.workers)
    try:
        ready = wait_ready(base, server)
        rss_start = rss_mib(server.pid)
        print(f"server ready in {ready:.1f} s; {len(texts)} corpus texts; RSS {rss_start:.0f} MiB")
        many_clients(base, texts, options.warmup, options.clients)
        one_client(base, texts, min(options.warmup, 2.0))
        rss_warm = rss_mib(server.pid)
        one = phase("1 client", server.pid, lambda: one_client(base, texts, options.seconds))
        before = batch_sizes(base)
        many = phase(
            f"{options.clients} clients",
            server.pid,
            lambda: many_clients(base, texts, options.seconds, options.clients),
        )
        after = batch_sizes(base)
        rss_end = rss_mib(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    passes, sent = after[0] - before[0], after[1] - before[1]
    print(
        f"micro-batches under {options.clients} clients: {sent / max(passes, 1):.1f} texts per forward pass"
    )
    growth = 100 * (rss_end - rss_warm) / rss_warm
    print(f"RSS: {rss_start:.0f} MiB ready, {rss_warm:.0f} MiB after warm-up, {rss_end:.0f} MiB after load "
          f"({growth:+.1f} % since warm-up)")  # fmt: skip
    n, errors = options.clients, one["errors"] + many["errors"]
    checks = [
        ("1 client p50 ≤ 5 ms", f"{one['p50']:.2f} ms", one["p50"] <= 5),
        ("1 client p99 ≤ 20 ms", f"{one['p99']:.2f} ms", one["p99"] <= 20),
        (f"{n} clients ≥ 600 msg/s", f"{many['rate']:.0f} msg/s", many["rate"] >= 600),
        (f"{n} clients p99 ≤ 150 ms", f"{many['p99']:.1f} ms", many["p99"] <= 150),
        ("0 errors", str(errors), errors == 0),
        ("RSS growth < 5 % after warm-up", f"{growth:+.1f} %", growth < 5),
    ]
    print("targets:")
    for target, value, ok in checks:
        print(f"  {target:<32} {value:>12}  {'met' if ok else 'MISSED'}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"(cores: {os.cpu_count()}, load average now {load}; clients and server share the machine)")


if __name__ == "__main__":
    main()

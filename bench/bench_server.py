"""Load on the HTTP service: many document requests from concurrent clients on loopback.

Run after the README's set-up (which installs the ``server`` extra)::

    .venv/bin/python bench/bench_server.py [--requests 500] [--clients 8] [--jobs 2]

It starts ``tcdocs serve`` on a free loopback port, sends the requests (every kind, PDF and
DOCX in turn, the examples with their references inline), and prints the errors, the
median and 95th-percentile latency and the requests per second. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import itertools
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import tcdocs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=None, help="the service's worker processes (default: cores)")
    args = parser.parse_args()

    bodies = [(kind, tcdocs.canonical_data(tcdocs.load(EXAMPLES / f"{kind}.yaml"))) for kind in tcdocs.kinds()]
    plan = list(itertools.islice(itertools.cycle([(k, b, f) for k, b in bodies for f in ("pdf", "docx")]), args.requests))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "tcdocs", "serve", "--port", str(port)]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the service did not start") from None
                    time.sleep(0.2)
            # One request per kind first, so the workers are warm before the clock starts.
            for kind, body in bodies:
                request(base, kind, body, "pdf")

            def one(item: tuple[str, bytes, str]) -> tuple[float, int]:
                start = time.perf_counter()
                status = request(base, *item)
                return time.perf_counter() - start, status

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.clients) as clients:
                results = list(clients.map(one, plan))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies = sorted(seconds for seconds, _ in results)
    errors = sum(1 for _, status in results if status != 200)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"{len(results)} requests from {args.clients} clients on loopback, {errors} errors")
    print(f"latency: median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")
    print(f"throughput: {len(results) / elapsed:.2f} requests per second ({elapsed:.1f} s in all)")


def request(base: str, kind: str, body: bytes, fmt: str) -> int:
    call = urllib.request.Request(f"{base}/v1/documents/{kind}?format={fmt}", data=body,
                                  headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(call, timeout=300) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


if __name__ == "__main__":
    main()

"""Load on the stored cases: concurrent users editing different documents of one case on two replicas over PostgreSQL.

Run after ``bash tests/run.sh`` (which installs Debian's ``postgresql``)::

    .venv/bin/python bench/bench_cases.py [--users 20] [--seconds 60] [--replicas 2]

It starts a PostgreSQL server of its own (as the tests do, on a free port of 127.0.0.1, thrown
away after), imports the example case with ten more sets of minutes so that every user has a
document of their own, adds one processledare per user, starts ``--replicas`` ``tcdocs serve``
processes on that database, and lets each user read their document and save a new version of
it, again and again, through the replicas in turn, for ``--seconds``. Then it counts: requests,
errors (any answer but 200), lost versions (a save answered 200 whose version is not in the
store with its text), and the latency median and 95th percentile. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tcdocs.store import User, import_folder, open_store  # noqa: E402
from tests.databases import Server, binaries  # noqa: E402  (the tests' throwaway PostgreSQL)
from tests.test_server import start  # noqa: E402

EXAMPLES = ROOT / "examples"
ADMIN = User("Ada Admin", "admin")


def call(base: str, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any, float]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        with error:
            raw, status = error.read(), error.code
    return status, json.loads(raw), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--replicas", type=int, default=2)
    options = parser.parse_args()
    programs = binaries()
    if programs is None:
        sys.exit("PostgreSQL is not installed (Debian's postgresql package; bash tests/run.sh installs it as root)")
    server = Server(programs)
    server.start()
    try:
        url = server.new_database()
        with tempfile.TemporaryDirectory() as folder:
            minutes = (EXAMPLES / "styrgruppsprotokoll.yaml").read_text(encoding="utf-8")
            for path in EXAMPLES.glob("*.yaml"):
                (Path(folder) / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
            names = sorted(path.name for path in EXAMPLES.glob("*.yaml"))
            for number in range(2, options.users - len(names) + 2):
                (Path(folder) / f"styrgruppsprotokoll-{number}.yaml").write_text(minutes, encoding="utf-8")
            with open_store(url) as store:
                case, _ = import_folder(store, Path(folder), by=ADMIN)
                documents = [version.document for version in store.documents(case.id, by=ADMIN)][: options.users]
                tokens = [store.add_user(f"Användare {n}", "admin", by=ADMIN)[1] for n in range(options.users)]
        replicas = [start("--jobs", "1", "--db", url) for _ in range(options.replicas)]
        bases = [next(replica).base for replica in replicas]
        print(f"{options.users} users, {len(documents)} documents of case {case.id}, {len(bases)} replicas, {options.seconds:g} s")
        latencies: list[float] = []
        errors: list[str] = []
        saved: list[tuple[str, int, str]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + options.seconds

        def work(user: int) -> None:
            name, token, turn = documents[user], tokens[user], user
            while time.monotonic() < deadline:
                base = bases[turn % len(bases)]
                turn += 1
                status, body, took = call(base, token, "GET", f"/v1/cases/{case.id}/documents/{name}")
                with lock:
                    latencies.append(took)
                if status != 200:
                    with lock:
                        errors.append(f"GET {name}: {status} {body}")
                    continue
                text = body["text"] + f"# user {user}, save {turn}\n"
                save = {"text": text, "base": body["version"]["version"], "note": str(turn)}
                status, body, took = call(base, token, "PUT", f"/v1/cases/{case.id}/documents/{name}", save)
                with lock:
                    latencies.append(took)
                    if status == 200:
                        saved.append((name, body["version"]["version"], text))
                    else:
                        errors.append(f"PUT {name}: {status} {body}")

        threads = [threading.Thread(target=work, args=(user,)) for user in range(options.users)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        for replica in replicas:
            replica.close()
        lost = 0
        with open_store(url) as store:
            for name, number, text in saved:
                _, kept = store.read(case.id, name, number, by=ADMIN)
                lost += kept != text
        ordered = sorted(latencies)
        print(f"requests: {len(latencies)} ({len(latencies) / elapsed:.1f} per second), saves: {len(saved)}")
        print(f"errors: {len(errors)}, lost versions: {lost}")
        print(f"latency median {statistics.median(ordered) * 1000:.0f} ms, p95 {ordered[int(len(ordered) * 0.95)] * 1000:.0f} ms")
        for error in errors[:5]:
            print(f"  {error}")
        sys.exit(1 if errors or lost else 0)
    finally:
        server.stop()


if __name__ == "__main__":
    main()

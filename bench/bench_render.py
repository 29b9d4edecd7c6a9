"""How long one render of the example agreement takes, per format, in a warm process.

Run after the README's set-up: ``.venv/bin/python bench/bench_render.py [--runs N]``.
It prints the median and the spread of N renders (default 20) after one warm-up
render, plus the time a cold ``tcdocs render`` process takes for both formats.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tcdocs

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "samverkansavtal.yaml"


def timed(function, runs: int) -> list[float]:
    function()  # warm-up: imports, template compilation, font loading
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    doc = tcdocs.load(EXAMPLE)
    rows = [
        ("load + validate YAML", timed(lambda: tcdocs.load(EXAMPLE), args.runs)),
        ("render DOCX", timed(lambda: tcdocs.render(doc, "docx"), args.runs)),
        ("render PDF", timed(lambda: tcdocs.render(doc, "pdf"), args.runs)),
    ]
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "tcdocs", "render", str(EXAMPLE), "--out", out]
        cold = timed(lambda: subprocess.run(command, check=True, capture_output=True), max(3, args.runs // 4))
        rows.append(("cold CLI, both formats", cold))
    print(f"example: {EXAMPLE.name}; {args.runs} runs after a warm-up")
    for name, times in rows:
        print(f"{name:<26} median {statistics.median(times) * 1000:7.1f} ms   min {min(times) * 1000:7.1f}   max {max(times) * 1000:7.1f}")


if __name__ == "__main__":
    main()

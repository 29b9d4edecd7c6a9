"""Each speed lever of tcdocs against the code without it, side by side in turns.

Run after the README's set-up::

    .venv/bin/python bench/levers.py [--rounds 5] [--per-kind 1] [--only gc,parse,docx,pdf,lookup,cold,worker]

Warm levers take turns in this process, a round of every document at a time, the order
swapped every round; cold ones take turns as fresh processes. Each prints the median seconds
with and without the lever and the median of the rounds' ratios (with ÷ without: below 1
is faster).

- ``gc``: a warm PDF with the collector's threshold raised and the warm heap frozen
  (:mod:`tcdocs.process`), against Python's defaults;
- ``parse``: a warm PDF with the house page parsed once, against lxml's parse for the
  check and WeasyPrint's for the layout (``tools/without_levers.py``);
- ``docx``: a warm DOCX with the house Word file's templates compiled once, against
  compiled at every render;
- ``pdf``: ``gc`` and ``parse`` together;
- ``lookup``: ``import weasyprint`` in a fresh process with the library lookup answered from
  one ``ldconfig -p``, against ``ctypes.util.find_library`` as it is;
- ``cold``: ``python -m tcdocs render`` of one document to PDF (the command's process set up
  by :func:`tcdocs.process.start`) against the same command through :func:`tcdocs.cli.main`
  in a plain process;
- ``worker``: importing what a service worker runs (:mod:`tcdocs.jobs`) against
  :mod:`tcdocs.server.workers`, where it lived before, in a fresh process.

This is a measurement, not a test: the machines are shared, so figures vary from run to run.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import tcdocs
from tcdocs.process import GC_THRESHOLD

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from benchmark import documents
from without_levers import library_levers

Switch = Callable[[], AbstractContextManager[object]]


@contextmanager
def calm_collector() -> Iterator[None]:
    """The collector as a process of tcdocs has it (:mod:`tcdocs.process`), within the block."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


@contextmanager
def both(*switches: Switch) -> Iterator[None]:
    with switches[0]():
        if len(switches) > 1:
            with both(*switches[1:]):
                yield
        else:
            yield


def warm(docs: list[tcdocs.Document], fmt: str, on: Switch, off: Switch, rounds: int) -> tuple[float, float, float]:
    """Median seconds per document with the lever (*on*) and without (*off*), and the median ratio of the rounds."""
    for switch in (on, off):
        with switch():
            tcdocs.render(docs[0], fmt)
    with_times: list[float] = []
    without_times: list[float] = []
    ratios = []
    for number in range(rounds):
        # A round renders every document with the lever, then every one without (the order
        # swapped every round), so that each side runs as a process would, many renders in a row.
        totals = {True: 0.0, False: 0.0}
        for lever in (True, False) if number % 2 == 0 else (False, True):
            with (on if lever else off)():
                for doc in docs:
                    start = time.perf_counter()
                    tcdocs.render(doc, fmt)
                    seconds = time.perf_counter() - start
                    totals[lever] += seconds
                    (with_times if lever else without_times).append(seconds)
        ratios.append(totals[True] / totals[False])
    return statistics.median(with_times), statistics.median(without_times), statistics.median(ratios)


def cold(with_lever: list[str], without: list[str], rounds: int) -> tuple[float, float, float]:
    """Median wall seconds of two commands run in turns, and the median of the pairs' ratios."""
    times: dict[bool, list[float]] = {True: [], False: []}
    for command in (with_lever, without):
        subprocess.run(command, check=True, capture_output=True)
    for number in range(rounds):
        for lever in (True, False) if number % 2 == 0 else (False, True):
            start = time.perf_counter()
            subprocess.run(with_lever if lever else without, check=True, capture_output=True)
            times[lever].append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(times[True], times[False], strict=True)]
    return statistics.median(times[True]), statistics.median(times[False]), statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of turns (default 5; cold ones run twice as many)")
    parser.add_argument("--per-kind", type=int, default=1, help="documents of each kind in the warm rounds (default 1)")
    parser.add_argument("--only", default="gc,parse,docx,pdf,lookup,cold,worker", help="the levers to measure")
    args = parser.parse_args()
    wanted = args.only.split(",")
    python = sys.executable
    print(f"tcdocs {tcdocs.__version__}, Python {sys.version.split()[0]}, {args.rounds} rounds")
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        docs = []
        for number, data in enumerate(documents(args.per_kind)):
            path = folder / f"{number:03d}-{data['kind']}.yaml"
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            docs.append(tcdocs.load(path))
        none: Switch = nullcontext

        def parse_off() -> AbstractContextManager[object]:
            return library_levers("parse")

        def docx_off() -> AbstractContextManager[object]:
            return library_levers("docx")

        warm_levers: dict[str, tuple[str, str, Switch, Switch]] = {
            "gc": ("collector: threshold and freeze, warm PDF", "pdf", calm_collector, none),
            "parse": ("house page parsed once, warm PDF", "pdf", none, parse_off),
            "docx": ("Word templates compiled once, warm DOCX", "docx", none, docx_off),
            "pdf": ("collector and one parse together, warm PDF", "pdf", calm_collector, parse_off),
        }
        for name, (label, fmt, on, off) in warm_levers.items():
            if name in wanted:
                results.append((label, *warm(docs, fmt, on, off, args.rounds)))
                print(f"{label}: done", flush=True)

        one = folder / "000-samverkansavtal.yaml"
        plain = f"from tcdocs.process import start; {'{}'}import weasyprint"
        cold_levers = {
            "lookup": (
                "library lookup: import weasyprint, cold",
                [python, "-c", plain.format("start(); ")],
                [python, "-c", plain.format("")],
            ),
            "cold": (
                "tcdocs render of one PDF, cold",
                [python, "-m", "tcdocs", "render", str(one), "-f", "pdf", "--out", str(folder / "a")],
                [python, "-c", "import sys; from tcdocs.cli import main; sys.exit(main(sys.argv[1:]))",
                 "render", str(one), "-f", "pdf", "--out", str(folder / "b")],
            ),
            "worker": (
                "a service worker's imports, cold",
                [python, "-c", "import tcdocs.jobs"],
                [python, "-c", "import tcdocs.server.workers"],
            ),
        }
        for name, (label, command, baseline) in cold_levers.items():
            if name in wanted:
                results.append((label, *cold(command, baseline, args.rounds * 2)))
                print(f"{label}: done", flush=True)

    print(f"\n{'lever':<46} {'with':>9} {'without':>9} {'ratio':>7}")
    for label, with_lever, without, ratio in results:
        print(f"{label:<46} {with_lever:8.3f}s {without:8.3f}s {ratio:7.3f}")


if __name__ == "__main__":
    main()

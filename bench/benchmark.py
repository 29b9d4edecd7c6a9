"""tcdocs against the LibreOffice route and the bare engine, for one document and for batches.

Run after the README's set-up (LibreOffice is optional; its comparisons are skipped
with a message where ``soffice`` is not installed)::

    .venv/bin/python bench/benchmark.py [--per-kind 10] [--batch 300]

It makes ``--per-kind`` documents of each kind from the examples, with varied names and
sizes (a samverkansavtal with up to 12 parties, a protocol with long assessments), and
prints the median seconds per document and per page, and five ratios against their
targets on a 2-core machine:

1. tcdocs PDF per document in a warm process, against LibreOffice converting tcdocs's own
   DOCX of the same documents in one ``soffice --headless --convert-to pdf`` call (≥ 2×);
2. one document from a cold ``tcdocs render`` process, against one cold ``soffice``
   conversion (tcdocs no slower: ≥ 1×);
3. tcdocs PDF against a bare ``weasyprint.HTML(string=...).write_pdf()`` of the same HTML
   with default options (≤ 0.8×);
4. a batch of ``--batch`` documents with ``--jobs 2`` against ``--jobs 1`` (≥ 1.7×);
5. a worker's peak memory after ``--batch`` documents against after 20 (≤ 1.2×);
6. tcdocs rendering the samverkansavtal example to DOCX, against python-docx making a
   document from its default template with 60 paragraphs and saving it (≤ 3×);
7. tcdocs PDF per document where HarfBuzz's subsetter is not installed (fontTools
   subsets the fonts) against where it is, each in a warm process of its own.

It also prints, in one run, the four figures of the README's table as ratios to the first:
tcdocs's warm PDF per document, its warm DOCX per document, a cold ``tcdocs render`` of one
document, and LibreOffice per additional document on the same DOCX (its batch call against
its call with one file). ``bench/levers.py`` measures each of tcdocs's speed levers against
the code without it.

``--only 6,7`` runs only the comparisons named, for a quick look.

This is a measurement, not a test: the machines are shared, so figures vary from run to run.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import tcdocs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REGIONS = ["Nordvik", "Älvdalen", "Kustbygden", "Bergslagen Syd", "Österå", "Mälarstrand", "Fjällgränsen", "Skärgården"]
FIRST_NAMES = ["Anna", "Björn", "Cecilia", "David", "Elin", "Fredrik", "Greta", "Hassan", "Ingrid", "Johan", "Karin", "Leo"]


def luhn_number(serial: int, prefix: str = "212999") -> str:
    """A fictitious organisation number with a valid check digit."""
    body = f"{prefix}{serial:03d}"
    total = 0
    for index, char in enumerate(body):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return f"{body[:6]}-{body[6:]}{(10 - total % 10) % 10}"


def example(kind: str) -> dict[str, Any]:
    """The example of *kind* as data, with the documents it names written in (as the service gets them)."""
    data = json.loads(tcdocs.canonical_data(tcdocs.load(EXAMPLES / f"{kind}.yaml")))
    assert isinstance(data, dict)
    return data


def grow_agreement(data: dict[str, Any], index: int) -> dict[str, Any]:
    """The samverkansavtal with 3 to 12 parties."""
    region = REGIONS[index % len(REGIONS)]  # in the parties' names: the region stays the case's (a folder is one case)
    count = 3 + index % 10
    template = data["parties"][1]
    parties = [data["parties"][0]]
    for n in range(1, count):
        party = copy.deepcopy(template)
        party["name"] = f"{region}s kommun {n}" if n % 4 else f"{region} Industriskola {n} AB"
        party["org_number"] = luhn_number(100 + n)
        party["signatory"] = {"name": f"{FIRST_NAMES[n % 12]} {region[:3]}son", "capacity": "Kommunstyrelsens ordförande", "place": region}
        parties.append(party)
    data["parties"] = parties
    data["local_colleges"] = []
    financing = data.get("financing")
    if financing and financing.get("model") == "per_invanare":
        # The common costs add up to the parties' shares, as the model requires.
        shares = Decimal(financing["amount"]) * sum(party.get("inhabitants") or 0 for party in parties)
        others = sum(Decimal(cost["amount"]) for cost in financing["costs"][1:])
        rest = Decimal(financing["rts_fee"]) + Decimal(financing["marketing"]) + others
        financing["costs"][0]["amount"] = str(shares - rest)
    return data


def grow_protocol(data: dict[str, Any], index: int) -> dict[str, Any]:
    """The granskningsprotokoll with assessments that grow long with *index*."""
    for assessment in data["assessments"].values():
        assessment["observations"] = "\n\n".join([assessment["observations"]] * (1 + index % 4))
    return data


def grow_minutes(data: dict[str, Any], index: int) -> dict[str, Any]:
    """The minutes of a meeting with one to three times the items."""
    data["items"] = data["items"] * (1 + index % 3)
    return data


VARIANTS: dict[str, Callable[[dict[str, Any], int], dict[str, Any]]] = {
    "samverkansavtal": grow_agreement,
    "granskningsprotokoll": grow_protocol,
    "styrgruppsprotokoll": grow_minutes,
}
"""How some kinds grow from one document to the next; every other kind is its example as it is."""


def documents(per_kind: int) -> list[dict[str, Any]]:
    """*per_kind* documents of every registered kind."""
    examples = {kind: example(kind) for kind in tcdocs.kinds()}
    docs = []
    for index in range(per_kind):
        for kind, data in examples.items():
            vary = VARIANTS.get(kind)
            docs.append(vary(copy.deepcopy(data), index) if vary else copy.deepcopy(data))
    return docs


def median_time(function: Callable[[], object], runs: int = 1) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pages(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def bare_html(doc: tcdocs.Document) -> tuple[str, str]:
    """The same page tcdocs lays out, with the house stylesheet in its head, as a plain WeasyPrint user would."""
    from tcdocs.backends.pdf import page_html
    from tcdocs.rendering import content_for
    from tcdocs.resources import template_roots
    from tcdocs.wording import house_css

    roots = template_roots()
    css, folder = house_css(roots)
    html = page_html(content_for(doc), roots).replace("</head>", f"<style>{css}</style></head>")
    return html, folder.as_uri() + "/"


def peak_memory_worker(folder: Path, count: int) -> str:
    """Run a fresh process that renders *count* documents and reports its peak RSS after 20 and after all."""
    code = f"""
import resource, sys, itertools
from pathlib import Path
import tcdocs
files = sorted(Path({str(folder)!r}).glob("*.yaml"))
marks = {{}}
for n, path in enumerate(itertools.islice(itertools.cycle(files), {count}), start=1):
    tcdocs.render(tcdocs.load(path), "pdf")
    if n in (20, {count}):
        marks[n] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(marks[20], marks[{count}])
"""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def docx_against_python_docx(rounds: int = 30) -> tuple[float, float]:
    """Median seconds of tcdocs's DOCX of the samverkansavtal example and of the python-docx
    baseline, taking turns in this process."""
    import docx

    doc = tcdocs.load(EXAMPLES / "samverkansavtal.yaml")

    def baseline() -> None:
        document = docx.Document()
        for _ in range(60):
            document.add_paragraph("Parterna har tagit del av avtalet och godkänner dess innehåll. " * 2)
        document.save(io.BytesIO())

    tcdocs.render(doc, "docx")
    baseline()
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(median_time(lambda: tcdocs.render(doc, "docx")))
        theirs.append(median_time(baseline))
    return statistics.median(ours), statistics.median(theirs)


WARM_RENDER = """
import json, statistics, sys, time
from pathlib import Path
{prelude}
import tcdocs
from tcdocs.backends import pdf
docs = [tcdocs.load(path) for path in sorted(Path(sys.argv[1]).glob("*.yaml"))]
tcdocs.render(docs[0], "pdf")
times = []
for doc in docs:
    start = time.perf_counter()
    tcdocs.render(doc, "pdf")
    times.append(time.perf_counter() - start)
print(json.dumps({{"subsetter": pdf.SUBSETTER, "median": statistics.median(times)}}))
"""
WITHOUT_SUBSETTER = (
    f"import sys; sys.path.insert(0, {str(ROOT / 'tools')!r}); "
    "from without_subsetter import _refuse_subsetter; _refuse_subsetter()"
)


def with_and_without_subsetter(folder: Path) -> dict[str, float]:
    """Median seconds per PDF in a warm process with HarfBuzz's subsetter, and in one without it."""
    found = {}
    for prelude in ("", WITHOUT_SUBSETTER):
        done = subprocess.run([sys.executable, "-c", WARM_RENDER.format(prelude=prelude), str(folder)],
                              capture_output=True, text=True, check=True)
        result = json.loads(done.stdout)
        found[result["subsetter"]] = result["median"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=10, help="documents of each kind (default 10)")
    parser.add_argument("--batch", type=int, default=300, help="documents in the batch comparison (default 300)")
    parser.add_argument("--only", help="run only these comparisons, e.g. 6,7")
    args = parser.parse_args()
    if args.only:
        quick(set(args.only.split(",")), args.per_kind)
        return
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"tcdocs {tcdocs.__version__}, Python {sys.version.split()[0]}, {cores} cores, "
          f"LibreOffice: {soffice or 'not installed'}")

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        sources = work / "in"
        sources.mkdir()
        docs = []
        for number, data in enumerate(documents(args.per_kind)):
            path = sources / f"{number:03d}-{data['kind']}.yaml"
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            docs.append(tcdocs.load(path))
        print(f"{len(docs)} documents, {args.per_kind} of each of {len(tcdocs.kinds())} kinds")

        # Warm up: imports, templates, the house style and fonts.
        import weasyprint

        tcdocs.render(docs[0], "pdf")
        weasyprint.HTML(string=bare_html(docs[0])[0], base_url=bare_html(docs[0])[1]).write_pdf()
        # tcdocs and the bare engine take turns on each document, three times each, so that
        # the machine's drift during the run does not favour either; each takes its median.
        per_doc, per_page, bare, page_count = [], [], [], 0
        for doc in docs:
            html, base = bare_html(doc)
            ours_times, bare_times = [], []
            for _ in range(3):
                start = time.perf_counter()
                pdf = tcdocs.render(doc, "pdf")
                ours_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                weasyprint.HTML(string=html, base_url=base).write_pdf()
                bare_times.append(time.perf_counter() - start)
            count = pages(pdf)
            per_doc.append(statistics.median(ours_times))
            per_page.append(per_doc[-1] / count)
            bare.append(statistics.median(bare_times))
            page_count += count
        ours = statistics.median(per_doc)
        print(f"\ntcdocs PDF, warm process: median {ours:.3f} s per document, {statistics.median(per_page):.3f} s per page "
              f"({page_count} pages)", flush=True)
        docx_warm = statistics.median([median_time(lambda doc=doc: tcdocs.render(doc, "docx"), 3) for doc in docs])
        print(f"tcdocs DOCX, warm process: median {docx_warm * 1000:.1f} ms per document", flush=True)
        one_yaml = sources / "000-samverkansavtal.yaml"
        cold_tcdocs = median_time(lambda: subprocess.run(
            [sys.executable, "-m", "tcdocs", "render", str(one_yaml), "-f", "pdf", "--out", str(work / "cold")],
            check=True, capture_output=True), 3)
        print(f"tcdocs render of one document to PDF, cold process: {cold_tcdocs:.2f} s", flush=True)
        lo_more: float | None = None

        # The same documents through a warm batch with one worker per core (forked after warm-up).
        from tcdocs.batch import default_jobs, render_files

        pooled_out = work / "pooled"
        start = time.perf_counter()
        outcomes = render_files(sorted(sources.glob("*.yaml")), pooled_out, ("pdf",), jobs=default_jobs())
        pooled = (time.perf_counter() - start) / len(outcomes)
        assert all(outcome.ok for outcome in outcomes)
        print(f"tcdocs PDF, warm batch with {default_jobs()} workers: {pooled:.3f} s per document (throughput)", flush=True)

        results: list[tuple[str, float | None, str, Callable[[float], bool]]] = []

        # 3. The bare engine on the same HTML (measured above, in turns with tcdocs).
        bare_median = statistics.median(bare)
        print(f"bare WeasyPrint, same HTML, default options: median {bare_median:.3f} s per document")

        # 1. LibreOffice converting tcdocs's DOCX in one batch call.
        if soffice:
            docx_dir, lo_out = work / "docx", work / "lo"
            docx_dir.mkdir()
            for number, doc in enumerate(docs):
                (docx_dir / f"{number:03d}.docx").write_bytes(tcdocs.render(doc, "docx"))
            files = sorted(str(p) for p in docx_dir.glob("*.docx"))
            profile = f"-env:UserInstallation={(work / 'lo-profile').as_uri()}"
            subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(work / "lo-warm"), files[0]],
                           check=True, capture_output=True)
            start = time.perf_counter()
            subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(lo_out), *files],
                           check=True, capture_output=True)
            lo_all = time.perf_counter() - start
            lo_batch = lo_all / len(files)
            lo_one = median_time(lambda: subprocess.run(
                [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(work / "lo-one"), files[0]],
                check=True, capture_output=True), 3)
            lo_more = (lo_all - lo_one) / (len(files) - 1)
            print(f"LibreOffice, one batch call over the same documents' DOCX: {lo_batch:.3f} s per document, "
                  f"{lo_more:.3f} s per additional document (the call with {len(files)} against the call with one)")
            results.append(("1. LibreOffice batch / tcdocs warm, per document", lo_batch / ours, "≥ 2", lambda r: r >= 2))
            results.append(("   (the same, tcdocs with a worker per core)", lo_batch / pooled, "", lambda r: True))

            # 2. Cold: one document each.
            one_docx = docx_dir / "000.docx"
            cold_lo = median_time(lambda: subprocess.run(
                [soffice, f"-env:UserInstallation={(work / 'lo-cold').as_uri()}", "--headless", "--convert-to", "pdf",
                 "--outdir", str(work / "cold-lo"), str(one_docx)], check=True, capture_output=True), 3)
            print(f"one document, cold process: tcdocs {cold_tcdocs:.2f} s, LibreOffice {cold_lo:.2f} s")
            results.append(("2. LibreOffice cold / tcdocs cold", cold_lo / cold_tcdocs, "≥ 1", lambda r: r >= 1))
        else:
            print("LibreOffice is not installed (apt-get install libreoffice-writer-nogui): comparisons 1 and 2 skipped")
            results.append(("1. LibreOffice batch / tcdocs warm, per document", None, "≥ 2", lambda r: r >= 2))
            results.append(("2. LibreOffice cold / tcdocs cold", None, "≥ 1", lambda r: r >= 1))
        results.append(("3. tcdocs / bare WeasyPrint, per document", ours / bare_median, "≤ 0.8", lambda r: r <= 0.8))

        # 4. A batch with two workers against one.
        batch = work / "batch"
        batch.mkdir()
        originals = sorted(sources.glob("*.yaml"))
        for number in range(args.batch):
            shutil.copy(originals[number % len(originals)], batch / f"dokument-{number:04d}.yaml")
        timings = {}
        for jobs in (1, 2):
            command = [sys.executable, "-m", "tcdocs", "render", *map(str, sorted(batch.glob("*.yaml"))), "-f", "pdf",
                       "--jobs", str(jobs), "--out", str(work / f"out-{jobs}")]
            timings[jobs] = median_time(lambda command=command: subprocess.run(command, check=True, capture_output=True))
            print(f"batch of {args.batch}, --jobs {jobs}: {timings[jobs]:.1f} s ({timings[jobs] / args.batch:.3f} s per document)")
        results.append((f"4. batch of {args.batch}: --jobs 1 / --jobs 2", timings[1] / timings[2], "≥ 1.7", lambda r: r >= 1.7))

        # 5. Memory stays flat.
        after_20, after_all = map(int, peak_memory_worker(sources, args.batch).split())
        print(f"worker peak memory: {after_20 / 1024:.0f} MiB after 20 documents, {after_all / 1024:.0f} MiB after {args.batch}")
        results.append((f"5. peak memory after {args.batch} / after 20", after_all / after_20, "≤ 1.2", lambda r: r <= 1.2))

        results += later_comparisons({"6", "7"}, sources)
    show(results)
    print("\nagainst tcdocs' warm PDF per document")
    print(f"  warm PDF, per document                         {ours:.3f} s   1.00")
    print(f"  warm DOCX, per document                        {docx_warm:.3f} s   {docx_warm / ours:.2f}")
    print(f"  cold tcdocs render, one document               {cold_tcdocs:.3f} s   {cold_tcdocs / ours:.2f}")
    if lo_more is not None:
        print(f"  LibreOffice, per additional document (DOCX)    {lo_more:.3f} s   {lo_more / ours:.2f}")


def later_comparisons(wanted: set[str], sources: Path) -> list[tuple[str, float | None, str, Callable[[float], bool]]]:
    """Comparisons 6 and 7: the DOCX against python-docx, the PDF with and without HarfBuzz's subsetter."""
    results: list[tuple[str, float | None, str, Callable[[float], bool]]] = []
    if "6" in wanted:
        ours, baseline = docx_against_python_docx()
        print(f"DOCX of the samverkansavtal example: tcdocs {ours * 1000:.1f} ms, python-docx baseline {baseline * 1000:.1f} ms")
        results.append(("6. tcdocs DOCX / python-docx baseline", ours / baseline, "≤ 3", lambda r: r <= 3))
    if "7" in wanted:
        found = with_and_without_subsetter(sources)
        harfbuzz, fonttools = found.get("harfbuzz"), found.get("fonttools")
        if harfbuzz is None:
            print("HarfBuzz's subsetter is not installed (apt-get install libharfbuzz-subset0): comparison 7 skipped")
        else:
            print(f"PDF per document, warm: {harfbuzz:.3f} s with HarfBuzz's subsetter, {fonttools:.3f} s with fontTools")
        ratio = None if harfbuzz is None or fonttools is None else fonttools / harfbuzz
        results.append(("7. PDF without / with HarfBuzz's subsetter", ratio, "", lambda r: True))
    return results


def quick(wanted: set[str], per_kind: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        sources = Path(scratch)
        for number, data in enumerate(documents(per_kind)):
            (sources / f"{number:03d}-{data['kind']}.yaml").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        show(later_comparisons(wanted, sources))


def show(results: list[tuple[str, float | None, str, Callable[[float], bool]]]) -> None:
    print("\nratio                                              value   target  met")
    for name, value, target, met in results:
        shown = "skipped" if value is None else f"{value:6.2f}"
        verdict = "" if value is None or not target else ("yes" if met(value) else "NO")
        print(f"{name:<50} {shown:>7}   {target:<6}  {verdict}")
    print(f"\npeak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

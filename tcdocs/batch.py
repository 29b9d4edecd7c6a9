"""Rendering and validating many data files in one run, each failing alone, on every core."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ._version import __version__
from .errors import OutputError, Problem, TcdocsError, UsageError, shown
from .messages import Message
from .models.base import Document
from .models.styrgruppsprotokoll import Styrgruppsprotokoll
from .options import DEFAULT_OPTIONS, RenderOptions
from .output import output_path, write_all_atomic
from .process import settle, start
from .rendering import render_formats
from .road import load_in_case
from .timelimit import alarm

__all__ = ["Outcome", "default_jobs", "render_files", "report_json", "validate_files", "warm_up"]


@dataclass
class Outcome:
    """What became of one input file: the files written with their SHA-256, or the error, and any warnings."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    error: TcdocsError | None = None
    warnings: list[Problem] = field(default_factory=list)
    digests: dict[Path, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def default_jobs() -> int:
    """How many documents render at once by default: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def render_files(
    sources: Iterable[Path],
    out_dir: Path,
    formats: Sequence[str],
    options: RenderOptions = DEFAULT_OPTIONS,
    paragraph: int | None = None,
    jobs: int = 1,
    progress: Callable[[Outcome], None] | None = None,
    timeout: float | None = None,
) -> list[Outcome]:
    """Render each YAML file in *sources* into *out_dir*, named after the file's stem.

    A file is written only when all of its formats rendered, so a failure leaves
    earlier output untouched. Two inputs that would write the same name (also when
    they differ only in case) are refused rather than overwriting each other.
    With *paragraph*, each file must be minutes (a styrgruppsprotokoll) and only an
    extract of that § is written, named ``STEM-paragraf-N``. The copy for the web
    (``options.publish``) is named ``STEM-webb`` (``STEM-paragraf-N-webb``).

    With *jobs* above 1, files render in that many worker processes; *progress* is
    called with each outcome as it is ready. The outcomes come back in input order.

    With a *timeout*, a file whose render takes longer is stopped by an alarm
    (:func:`tcdocs.timelimit.alarm`) in the process that renders it: a worker, or with
    *jobs* 1 this process, whose SIGALRM is then the run's (as in the command line).
    """
    outcomes: list[Outcome] = []
    tasks: list[tuple[Outcome, dict[str, Path]]] = []
    claimed: dict[str, Path] = {}
    for source in sources:
        outcome = Outcome(source)
        outcomes.append(outcome)
        try:
            stem = source.stem if paragraph is None else f"{source.stem}-paragraf-{paragraph}"
            stem += "-webb" if options.publish else ""
            targets = {name: output_path(out_dir, stem, name) for name in formats}
            for target in targets.values():
                owner = claimed.get(str(target).casefold())
                if owner is not None:
                    raise OutputError(target, Message("{owner} already writes this name in this run; rename one input", owner=shown(owner)))
        except TcdocsError as exc:
            outcome.error = exc
            if progress is not None:
                progress(outcome)
            continue
        for target in targets.values():
            claimed[str(target).casefold()] = source
        tasks.append((outcome, targets))

    if jobs <= 1 or len(tasks) <= 1:
        for outcome, targets in tasks:
            _render_one(outcome, targets, formats, options, paragraph, timeout)
            if progress is not None:
                progress(outcome)
        return outcomes

    warm_up(formats, options)  # before the fork, so that every worker starts warm
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=_context(), initializer=_worker_start) as pool:
        futures = {
            pool.submit(_render_in_worker, Outcome(outcome.source), targets, formats, options, paragraph, timeout): outcome
            for outcome, targets in tasks
        }
        for future in as_completed(futures):
            outcome = futures[future]
            try:
                done = future.result()
            except Exception as exc:  # a worker that died (killed, out of memory) fails its file only
                outcome.error = TcdocsError(Message("the worker rendering this file stopped: {error}", error=exc))
            else:
                outcome.outputs, outcome.error, outcome.warnings, outcome.digests = (done.outputs, done.error, done.warnings, done.digests)
            if progress is not None:
                progress(outcome)
    return outcomes


def _worker_start() -> None:
    # A worker is one of tcdocs' own processes (tcdocs.process); forked, it starts warm.
    start()
    settle()


def _context() -> multiprocessing.context.BaseContext:
    # fork shares the warmed-up parent (templates compiled, fonts loaded) at no cost;
    # where there is no fork, workers start fresh and warm up on their first file.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def warm_up(formats: Sequence[str], options: RenderOptions = DEFAULT_OPTIONS) -> None:
    """Do the work that does not depend on a document: import the backends, compile the
    wording templates, parse the house stylesheet and load its fonts, build the house Word
    file, look up the locale."""
    from .backends import backend
    from .formatting import formatter
    from .models import KINDS
    from .resources import template_roots
    from .wording import environment

    formatter(options.locale)
    for name in formats:
        backend(name)
    roots = template_roots(options.templates)
    env = environment(roots)
    try:
        for model in KINDS.values():
            env.get_template(model.template())
        if "pdf" in formats:
            from .backends.pdf import PAGE_TEMPLATE, _house_style

            env.get_template(PAGE_TEMPLATE)
            _house_style(roots)
        if "docx" in formats:
            from .backends.docx import _house_file

            _house_file(roots)
    except Exception:  # a broken user template: each file that uses it reports it, located
        return


def _render_in_worker(
    outcome: Outcome, targets: dict[str, Path], formats: Sequence[str], options: RenderOptions, paragraph: int | None, timeout: float | None
) -> Outcome:
    _render_one(outcome, targets, formats, options, paragraph, timeout)
    return outcome


def _render_one(
    outcome: Outcome, targets: dict[str, Path], formats: Sequence[str], options: RenderOptions, paragraph: int | None, timeout: float | None
) -> None:
    try:
        doc, outcome.warnings = load_in_case(outcome.source)
        if paragraph is not None:
            doc = _extract(doc, paragraph)
        with alarm(timeout):
            rendered = render_formats(doc, formats, options)
        write_all_atomic({target: rendered[name] for name, target in targets.items()})
        for name, target in targets.items():
            outcome.outputs.append(target)
            outcome.digests[target] = hashlib.sha256(rendered[name]).hexdigest()
    except TcdocsError as exc:
        outcome.error = exc


def _extract(doc: Document, paragraph: int) -> Document:
    if not isinstance(doc, Styrgruppsprotokoll):
        raise UsageError(
            Message("--paragraph makes an extract of minutes (styrgruppsprotokoll); this is a {kind}", kind=doc.kind_title.lower())
        )
    return doc.with_extract(paragraph)


def validate_files(sources: Iterable[Path]) -> list[Outcome]:
    """Load and validate each file in *sources*; nothing is written."""
    outcomes = []
    for source in sources:
        outcome = Outcome(source)
        try:
            outcome.warnings = load_in_case(source).warnings
        except TcdocsError as exc:
            outcome.error = exc
        outcomes.append(outcome)
    return outcomes


def report_json(outcomes: Sequence[Outcome]) -> str:
    """A JSON report of a run: each input's status, outputs with their SHA-256, warnings and error."""
    files = []
    for outcome in outcomes:
        entry: dict[str, object] = {
            "source": shown(outcome.source),
            "status": "ok" if outcome.ok else "failed",
            "outputs": [{"path": shown(path), "sha256": outcome.digests.get(path, "")} for path in outcome.outputs],
            "warnings": [str(warning) for warning in outcome.warnings],
        }
        if outcome.error is not None:
            entry["error"] = outcome.error.format()
        files.append(entry)
    failed = sum(1 for outcome in outcomes if not outcome.ok)
    summary = {"tcdocs": __version__, "files": len(outcomes), "ok": len(outcomes) - failed, "failed": failed}
    return json.dumps({**summary, "results": files}, ensure_ascii=False, indent=2) + "\n"

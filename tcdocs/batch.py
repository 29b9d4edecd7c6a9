"""Rendering and validating many data files in one run, each failing alone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError, Problem, TcdocsError, UsageError
from .loader import load_checked
from .models.base import Document
from .models.styrgruppsprotokoll import Styrgruppsprotokoll
from .output import output_path, write_atomic
from .rendering import DEFAULT_OPTIONS, RenderOptions, render_formats

__all__ = ["Outcome", "render_files", "validate_files"]


@dataclass
class Outcome:
    """What became of one input file: the files written, or the error that stopped it, and any warnings."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    error: TcdocsError | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def render_files(
    sources: Iterable[Path],
    out_dir: Path,
    formats: Sequence[str],
    options: RenderOptions = DEFAULT_OPTIONS,
    paragraph: int | None = None,
) -> list[Outcome]:
    """Render each YAML file in *sources* into *out_dir*, named after the file's stem.

    A file is written only when all of its formats rendered, so a failure leaves
    earlier output untouched. Two inputs that would write the same name (also when
    they differ only in case) are refused rather than overwriting each other.
    With *paragraph*, each file must be minutes (a styrgruppsprotokoll) and only an
    extract of that § is written, named ``STEM-paragraf-N``.
    """
    outcomes: list[Outcome] = []
    claimed: dict[str, Path] = {}
    for source in sources:
        outcome = Outcome(source)
        outcomes.append(outcome)
        try:
            stem = source.stem if paragraph is None else f"{source.stem}-paragraf-{paragraph}"
            targets = {name: output_path(out_dir, stem, name) for name in formats}
            for target in targets.values():
                owner = claimed.get(str(target).casefold())
                if owner is not None:
                    raise OutputError(target, f"{owner} already writes this name in this run; rename one input")
            doc, outcome.warnings = load_checked(source)
            if paragraph is not None:
                doc = _extract(doc, paragraph)
            rendered = render_formats(doc, formats, options)
            for name, target in targets.items():
                write_atomic(target, rendered[name])
                claimed[str(target).casefold()] = source
                outcome.outputs.append(target)
        except TcdocsError as exc:
            outcome.error = exc
    return outcomes


def _extract(doc: Document, paragraph: int) -> Document:
    if not isinstance(doc, Styrgruppsprotokoll):
        raise UsageError(f"--paragraph makes an extract of minutes (styrgruppsprotokoll); this is a {doc.kind_title.lower()}")
    return doc.with_extract(paragraph)


def validate_files(sources: Iterable[Path]) -> list[Outcome]:
    """Load and validate each file in *sources*; nothing is written."""
    outcomes = []
    for source in sources:
        outcome = Outcome(source)
        try:
            outcome.warnings = load_checked(source).warnings
        except TcdocsError as exc:
            outcome.error = exc
        outcomes.append(outcome)
    return outcomes

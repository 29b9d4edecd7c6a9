"""The second stage: a validated model to finished DOCX and PDF bytes, with one options object."""

from __future__ import annotations

import dataclasses
import math
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .backends import FORMATS, backend
from .content import Content
from .errors import RenderTimeout, UsageError
from .formatting import DEFAULT_LOCALE
from .messages import Message
from .models.base import Document
from .output import write_atomic
from .wording import render_content, template_roots

__all__ = ["DEFAULT_OPTIONS", "PDF_VARIANTS", "RenderOptions", "canonical_data", "render", "render_formats"]

PDF_VARIANTS: dict[str, str] = {
    "pdf/a-2b": "PDF/A-2b, for archiving",
    "pdf/a-3b": "PDF/A-3b, for archiving, with the input data embedded",
    "pdf/ua-1": "PDF/UA-1, tagged and accessible",
}
"""The PDF variants tcdocs offers besides a plain PDF, with what each is for."""


MIN_TIMEOUT = 0.01
MAX_TIMEOUT = 86400.0
"""The time limits a render may be given, in seconds: a day at most."""


@dataclass(frozen=True)
class RenderOptions:
    """How documents are rendered; the library and the command line share these defaults.

    ``locale``: the Babel locale for dates, amounts and lists (``sv_SE``).
    ``templates``: a folder whose templates override the built-in ones, or None.
    ``pdf_variant``: None for a plain PDF, or one of :data:`PDF_VARIANTS`.
    ``timeout``: seconds one document may take before it is stopped, or None for no
    limit. The limit works where signals do: in the main thread of a POSIX process.
    """

    locale: str = DEFAULT_LOCALE
    templates: Path | None = None
    pdf_variant: str | None = None
    timeout: float | None = 120.0

    def __post_init__(self) -> None:
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            raise UsageError(
                Message("unknown PDF variant '{variant}'; use one of: {known}", variant=self.pdf_variant, known=", ".join(PDF_VARIANTS))
            )
        if self.templates is not None and not Path(self.templates).is_dir():
            raise UsageError(Message("the template folder {folder} does not exist", folder=self.templates))
        if self.timeout is not None and not (math.isfinite(self.timeout) and MIN_TIMEOUT <= self.timeout <= MAX_TIMEOUT):
            raise UsageError(
                Message("the time limit must be a number of seconds from {least:g} to {most:g}", least=MIN_TIMEOUT, most=MAX_TIMEOUT)
            )


DEFAULT_OPTIONS = RenderOptions()


def canonical_data(doc: Document) -> bytes:
    """The document's data as canonical JSON: what its PDF's provenance hash is taken of.

    Documents named by path (a hängavtal's main agreement) are included in full, so
    the data alone renders the same document again.
    """
    return doc.model_dump_json(indent=1).encode("utf-8") + b"\n"


def content_for(doc: Document, options: RenderOptions = DEFAULT_OPTIONS) -> Content:
    """The checked content of *doc*, which every format is laid out from."""
    content = render_content(doc, options.locale, options.templates)
    return dataclasses.replace(content, data=canonical_data(doc))


class _Timeout(BaseException):
    # A BaseException, so that no ``except Exception`` inside a backend swallows it.
    pass


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the block with :class:`RenderTimeout` after *seconds*, where signals allow it."""
    usable = seconds is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    assert seconds is not None
    armed = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
        if armed[0]:
            raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            # Disarmed first: an alarm that fires while the block ends must not escape.
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except _Timeout:
        raise RenderTimeout(
            Message("the render took longer than {seconds:g} s and was stopped; check the templates for a runaway loop", seconds=seconds)
        ) from None


def render_formats(doc: Document, formats: Sequence[str] = FORMATS, options: RenderOptions = DEFAULT_OPTIONS) -> dict[str, bytes]:
    """Render *doc* once into each of *formats*; the wording is rendered only once.

    Raises :class:`~tcdocs.errors.TemplateError`, :class:`~tcdocs.errors.RenderError`
    (also when the time limit is reached) or :class:`~tcdocs.errors.UsageError` for an
    unknown format.
    """
    writers = {name: backend(name) for name in formats}
    roots = template_roots(options.templates)
    with time_limit(options.timeout):
        content = content_for(doc, options)
        return {name: writer.write(content, roots, options) for name, writer in writers.items()}


def render(
    doc: Document,
    format: str = "pdf",
    output: str | Path | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> bytes:
    """Render *doc* as ``"pdf"`` or ``"docx"`` and return the file's bytes.

    With *output*, the bytes are also written there atomically: an existing file is
    replaced only by a complete new one. Raises a :class:`~tcdocs.errors.TcdocsError`.
    """
    data = render_formats(doc, (format,), options)[format]
    if output is not None:
        write_atomic(Path(output), data)
    return data

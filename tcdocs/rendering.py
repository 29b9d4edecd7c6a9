"""The second stage: a validated model to finished DOCX and PDF bytes, with one options object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .backends import FORMATS, backend
from .content import Content
from .formatting import DEFAULT_LOCALE
from .models.base import Document
from .output import write_atomic
from .wording import render_content, template_roots

__all__ = ["DEFAULT_OPTIONS", "RenderOptions", "render", "render_formats"]


@dataclass(frozen=True)
class RenderOptions:
    """How documents are rendered; the library and the command line share these defaults.

    ``locale``: the Babel locale for dates, amounts and lists (``sv_SE``).
    ``templates``: a folder whose templates override the built-in ones, or None.
    """

    locale: str = DEFAULT_LOCALE
    templates: Path | None = None


DEFAULT_OPTIONS = RenderOptions()


def content_for(doc: Document, options: RenderOptions = DEFAULT_OPTIONS) -> Content:
    """The checked content of *doc*, which every format is laid out from."""
    return render_content(doc, options.locale, options.templates)


def render_formats(
    doc: Document, formats: Sequence[str] = FORMATS, options: RenderOptions = DEFAULT_OPTIONS
) -> dict[str, bytes]:
    """Render *doc* once into each of *formats*; the wording is rendered only once.

    Raises :class:`~tcdocs.errors.TemplateError`, :class:`~tcdocs.errors.RenderError`
    or :class:`~tcdocs.errors.UsageError` for an unknown format.
    """
    writers = {name: backend(name) for name in formats}
    content = content_for(doc, options)
    roots = template_roots(options.templates)
    return {name: writer.write(content, roots) for name, writer in writers.items()}


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

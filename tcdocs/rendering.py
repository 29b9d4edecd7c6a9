"""The second stage: a validated model to finished DOCX and PDF bytes, with one options object."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from .backends import FORMATS, backend
from .content import Content
from .editions import for_publication, mark
from .models.base import Document
from .options import DEFAULT_OPTIONS, RenderOptions
from .output import write_atomic
from .resources import template_roots
from .wording import render_content

__all__ = ["canonical_data", "content_for", "render", "render_formats"]


def canonical_data(doc: Document) -> bytes:
    """The document's data as canonical JSON: what its PDF's provenance hash is taken of.

    Documents named by path (a hängavtal's main agreement) are included in full, so
    the data alone renders the same document again.
    """
    return doc.model_dump_json(indent=1).encode("utf-8") + b"\n"


def content_for(doc: Document, options: RenderOptions = DEFAULT_OPTIONS) -> Content:
    """The checked content of *doc*, which every format is laid out from: marked as a draft when
    *doc* is one, and the copy for the web with ``options.publish`` (:mod:`tcdocs.editions`)."""
    content = render_content(for_publication(doc) if options.publish else doc, options.locale, options.templates)
    return dataclasses.replace(mark(content, doc, options), data=canonical_data(doc))


def render_formats(doc: Document, formats: Sequence[str] = FORMATS, options: RenderOptions = DEFAULT_OPTIONS) -> dict[str, bytes]:
    """Render *doc* once into each of *formats*; the wording is rendered only once.

    Raises :class:`~tcdocs.errors.TemplateError`, :class:`~tcdocs.errors.RenderError`
    or :class:`~tcdocs.errors.UsageError` for an unknown format. It sets no time limit and
    changes nothing of the process (signals, logging): it may run in any thread.
    """
    writers = {name: backend(name) for name in formats}
    roots = template_roots(options.templates)
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

"""Output backends, one module per format, each imported only when it is first used."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol

from ..content import Content
from ..errors import UsageError
from ..messages import Message
from ..options import RenderOptions

__all__ = ["FORMATS", "Backend", "backend"]

FORMATS: tuple[str, ...] = ("docx", "pdf")
"""The formats tcdocs writes, in the order ``--format all`` writes them."""


class Backend(Protocol):
    """What a backend module offers: checked content in, a finished file's bytes out."""

    def write(self, content: Content, roots: tuple[Path, ...], options: RenderOptions) -> bytes: ...


def backend(name: str) -> Backend:
    """Import and return the backend for format *name*; raise :class:`UsageError` if unknown."""
    if name not in FORMATS:
        raise UsageError(Message("unknown format '{name}'; use one of: {known}", name=name, known=", ".join(FORMATS)))
    module: Backend = importlib.import_module(f"{__name__}.{name}")
    return module

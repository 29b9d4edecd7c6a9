"""References from one document to another: by path to its YAML file, or given inline.

A hängavtal names the samverkansavtal it attaches to and a beslut names the
granskningsprotokoll it decides on. Either may be written as a path to the other
document's YAML file, relative to the referring file; the referred file is then
loaded and validated as well, and its problems are reported naming both files.
A field of this kind is declared as::

    Annotated[
        Annotated[Full, Tag(document_tag(Full))] | Annotated[Reference, Tag(REFERENCE_TAG)],
        Discriminator(shape_of(Full)),
        BeforeValidator(loader_for(Full, "field")),
    ]
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import ValidationInfo

from .base import Document

__all__ = ["REFERENCE_TAG", "document_tag", "load_reference", "loader_for", "shape_of"]

# The files being read through references right now, so that a loop is an error, not a recursion.
_LOADING: ContextVar[frozenset[Path]] = ContextVar("tcdocs_loading", default=frozenset())


REFERENCE_TAG = "<reference>"
"""The union tag for a document written out by hand. Tags are in angle brackets, which no
field name has, so that the loader can drop them from the field paths it reports."""


def document_tag(expected: type[Document]) -> str:
    """The union tag for a full document of kind *expected*."""
    return f"<{expected.kind_title.lower()}>"


def shape_of(expected: type[Document]) -> Callable[[Any], str]:
    """A discriminator for "the full document, or a reference to it": a mapping with
    ``kind`` (or a model of *expected*) is the full document, anything else the reference."""

    def shape(value: Any) -> str:
        if isinstance(value, expected) or (isinstance(value, dict) and "kind" in value):
            return document_tag(expected)
        return REFERENCE_TAG

    return shape


def loader_for(expected: type[Document], field: str) -> Callable[[Any, ValidationInfo], Any]:
    """A before-validator that replaces a path by the document of kind *expected* it names."""

    def load_path(value: Any, info: ValidationInfo) -> Any:
        return load_reference(value, info, expected, field)

    return load_path


def load_reference(value: Any, info: ValidationInfo, expected: type[Document], field: str) -> Any:
    """Replace a path in *value* by the validated document it names; leave anything else as it is.

    Raises ``ValueError`` (reported at the referring field) if the file cannot be
    read, does not validate or holds another kind of document than *expected*.
    """
    if not isinstance(value, str):
        return value
    from ..errors import LoadError
    from ..loader import load

    context = info.context or {}
    if context.get("allow_paths") is False:
        raise ValueError(f"give the {expected.kind_title.lower()} inline as a mapping; a path to a file is not accepted here")
    base = context.get("base_dir")
    target = Path(value) if base is None else Path(base) / value
    label = expected.kind_title.lower()
    chain = _LOADING.get()
    if target.resolve() in chain:
        raise ValueError(f"{value!r} refers back to a file that is being read; a document cannot refer to itself")
    token = _LOADING.set(chain | {target.resolve()})
    try:
        doc = load(target)
    except LoadError as exc:
        details = "\n".join(f"    {problem}" for problem in exc.problems)
        raise ValueError(f"the {label} {value!r} it refers to cannot be used:\n{details}") from None
    finally:
        _LOADING.reset(token)
    if not isinstance(doc, expected):
        raise ValueError(f"{value!r} holds a {doc.kind_title.lower()}, not a {label}; {field} must name a {label}")
    return doc

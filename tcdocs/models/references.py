"""References from one document to another: by the name of its file, or given inline.

A hängavtal names the samverkansavtal it attaches to and a beslut names the
granskningsprotokoll it decides on. Either may be written as the name of the other
document's file; whoever reads the referring document follows the name (the loader:
a file beside it on the disk, or a file uploaded with it), and the other document's
problems are reported naming both files.
A field of this kind is declared as::

    Annotated[
        Annotated[Full, Tag(document_tag(Full))] | Annotated[Reference, Tag(REFERENCE_TAG)],
        Discriminator(shape_of(Full)),
        BeforeValidator(loader_for(Full, "field")),
    ]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from pydantic import ValidationInfo

from ..messages import Lines, Message
from .base import Document

__all__ = ["REFERENCE_TAG", "Loader", "document_tag", "load_reference", "loader_for", "shape_of"]

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


class Loader:
    """A before-validator that replaces a name by the document of kind *expected* it names.

    It is also how a field is known to name another document
    (:func:`~tcdocs.models.base.referred`): the schema marks such a field, so that a form
    offers the other document's file.
    """

    def __init__(self, expected: type[Document], field: str) -> None:
        self.expected = expected
        self.field = field

    def __call__(self, value: Any, info: ValidationInfo) -> Any:
        return load_reference(value, info, self.expected, self.field)


def loader_for(expected: type[Document], field: str) -> Loader:
    """A before-validator that replaces a path by the document of kind *expected* it names."""
    return Loader(expected, field)


def load_reference(value: Any, info: ValidationInfo, expected: type[Document], field: str) -> Any:
    """Replace a name in *value* by the validated document it names; leave anything else as it is.

    The name is followed by whoever reads the referring document, through the
    validation context's ``resolve``: files beside it, or files uploaded with it.
    Raises ``ValueError`` (reported at the referring field) if there is no such
    document, it does not validate or it is another kind of document than *expected*.
    """
    if not isinstance(value, str):
        return value
    from ..errors import LoadError

    value = unicodedata.normalize("NFC", value)  # a name is said one way, as every text is

    context = info.context or {}
    label = expected.kind_title.lower()
    resolve: Callable[[str, type[Document], str | None], Document] | None = context.get("resolve")
    if resolve is None:
        raise ValueError(Message("give the {label} itself, not the name of its file: here no file is read", label=label))
    try:
        doc = resolve(value, expected, context.get("file"))
    except LoadError as exc:
        raise ValueError(
            Message("the {label} '{name}' it refers to cannot be used:\n{details}", label=label, name=value, details=Lines(exc.problems))
        ) from None
    if not isinstance(doc, expected):
        raise ValueError(
            Message(
                "'{name}' holds a {other}, not a {label}; {field} must name a {label}",
                name=value,
                other=doc.kind_title.lower(),
                label=label,
                field=field,
            )
        )
    return doc

"""Which words of a document come from which field: values traced through the wording templates.

While a wording template renders, every value it reads from a field of the document's data
(``{{ p.represented_by }}``) carries the field's path, and the text it becomes is marked in
the content as ``<span data-field="parties.2.represented_by">``. The DOCX writer makes each
mark a content control tagged with the path, so that the words of a Word file that come
back edited can be told from the wording around them (:mod:`tcdocs.edits`); the PDF and the
preview drop the marks, and lay out the same text as before.

The trace follows a value as long as the text stays the value's own: through the filters
that keep its letters in place (``upfirst``, ``nobreak``, ``lines``, ``paragraphs``), through
the formatter (``fmt.date``, ``fmt.money``, ``fmt.list``), and through ``join``. Text a
template builds around a value (``"Teknikcollege " ~ doc.region``) is wording, and counts as
such. Only the fields of a model are traced, never what a model computes (a period's end,
a party's share of the costs): those cannot be written back.

The field paths of one render are kept in a context variable set for the render's
duration only (:func:`tracing`), so renders in other threads or tasks never see them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape
from pydantic import BaseModel

from .content import FIELD_ATTRIBUTE, FIELD_TAG
from .formatting import Formatter

__all__ = [
    "FIELD_ATTRIBUTE",
    "FieldFormatter",
    "Traced",
    "field_of",
    "field_span",
    "joined",
    "keeping",
    "marked",
    "paragraph_parts",
    "parse_tag",
    "tag_of",
    "traced_item",
    "tracing",
]

_LONGEST = 190  # a mark holds at most 200 characters, a paragraph's number included (FIELD_TAG)

Segment = tuple[int, int, str]
"""Where a field's text stands in a traced string: start, end and the field's path."""


class Traced(str):
    """Text of which some stretches (*segments*) are the text of a field, by its dotted path."""

    segments: tuple[Segment, ...]

    def __new__(cls, text: str, segments: tuple[Segment, ...]) -> Traced:
        self = super().__new__(cls, text)
        self.segments = segments
        return self

    @classmethod
    def whole(cls, text: str, path: str) -> Traced:
        """*text*, all of it the text of the field at *path*."""
        return cls(text, ((0, len(text), path),) if text else ())


class _Date(dt.date):
    field: str


class _Time(dt.time):
    field: str


class _Decimal(Decimal):
    field: str


class _Int(int):
    field: str


def _trace(value: Any, path: str) -> Any:
    """*value* as it travels through a template, knowing the field it came from."""
    traced: Any
    if type(value) is str:
        return Traced.whole(value, path)
    if type(value) is dt.date:
        traced = _Date(value.year, value.month, value.day)
    elif type(value) is dt.time:
        traced = _Time(value.hour, value.minute, value.second)
    elif type(value) is Decimal:
        traced = _Decimal(value)
    elif type(value) is int:
        traced = _Int(value)
    elif type(value) is list and any(type(item) in (str, dt.date, Decimal, int) for item in value):
        return [_trace(item, f"{path}.{index}") for index, item in enumerate(value)]
    else:
        return value
    traced.field = path
    return traced


def field_of(value: Any) -> str | None:
    """The path of the field *value* came from, if it is all of one field."""
    if isinstance(value, Traced):
        if len(value.segments) == 1 and value.segments[0][:2] == (0, len(value)):
            return value.segments[0][2]
        return None
    return getattr(value, "field", None) if isinstance(value, _Date | _Time | _Decimal | _Int) else None


# --- which objects of the data stand at which path ------------------------------------------------------


class _Fields:
    """The data being rendered: the path of each of its models, lists and mappings, and of each of its texts.

    A text is also known by the object it is, because a model's method hands on its fields' very
    objects (``party.signer()`` builds a signature block from the party's name and signatory), and
    so the block's name is still the field's. One-letter texts are left out: Python shares them.
    """

    def __init__(self, doc: BaseModel) -> None:
        self.paths: dict[int, str] = {}
        self.texts: dict[int, str] = {}
        self._walk(doc, "")

    def _walk(self, value: Any, path: str) -> None:
        if isinstance(value, BaseModel):
            if id(value) in self.paths:
                return
            self.paths[id(value)] = path
            for name in type(value).model_fields:
                self._walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, list | tuple | dict):
            self.paths[id(value)] = path
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                self._walk(item, f"{path}.{key}")
        elif type(value) is str and len(value) > 1:
            # A text object at two places (a model that copies one field into another) names neither.
            self.texts[id(value)] = "" if id(value) in self.texts else path


_FIELDS: ContextVar[_Fields | None] = ContextVar("tcdocs_fields", default=None)


@contextmanager
def tracing(doc: BaseModel) -> Iterator[None]:
    """Trace the fields of *doc* in the templates rendered within (in this thread or task only)."""
    token = _FIELDS.set(_Fields(doc))
    try:
        yield
    finally:
        _FIELDS.reset(token)


def traced_item(owner: Any, key: Any, value: Any) -> Any:
    """*value*, read from *owner* as ``owner.key`` or ``owner[key]`` by a template, traced if it is a
    field of the data being rendered. The sandbox asks this for every attribute and item it gives."""
    fields = _FIELDS.get()
    if fields is None:
        return value
    base = fields.paths.get(id(owner))
    if base is None:
        return _known_text(fields, value)
    if isinstance(owner, BaseModel):
        if not isinstance(key, str) or key not in type(owner).model_fields:
            return _known_text(fields, value)  # a property or a method: computed, unless it hands on a field's text
    elif isinstance(owner, list | tuple):
        if not isinstance(key, int) or isinstance(key, bool):
            return value
        key = key % len(owner) if owner else key
    elif not isinstance(owner, dict) or not isinstance(key, str) or not FIELD_TAG.fullmatch(key):
        return value  # a mapping's key that cannot stand in a mark: the value is wording's
    path = f"{base}.{key}" if base else str(key)
    return _trace(value, path) if len(path) <= _LONGEST else value


def _known_text(fields: _Fields, value: Any) -> Any:
    if type(value) is str:
        path = fields.texts.get(id(value))
        if path:
            return Traced.whole(value, path)
    return value


# --- how traced text is marked in the content --------------------------------------------------------


def tag_of(path: str, part: int | None = None) -> str:
    """The mark of a field's text in the content and in the Word file: its path, and for a text
    of several paragraphs, the paragraph (``answers.0.answer#2``)."""
    return path if part is None else f"{path}#{part}"


def parse_tag(tag: str) -> tuple[tuple[str | int, ...], int | None] | None:
    """A mark's field path (list positions as numbers) and paragraph; None if *tag* is none of tcdocs'."""
    if not FIELD_TAG.fullmatch(tag):
        return None
    path, _, part = tag.partition("#")
    if not all(path.split(".")):
        return None
    return tuple(int(p) if p.isdigit() else p for p in path.split(".")), int(part) if part else None


def field_span(text: str, tag: str) -> Markup:
    """*text* (escaped, unless it is markup already) marked as the text of the field *tag* names."""
    return Markup(f'<span data-field="{escape(tag)}">{escape(text)}</span>')


def marked(value: Any) -> Any:
    """What a template writes for *value*: traced text with its fields marked, anything else as it is.

    This is the template environment's ``finalize``: it sees every ``{{ … }}`` before it is escaped.
    """
    fields = _FIELDS.get()
    if fields is not None:
        value = _known_text(fields, value)
    if isinstance(value, Traced):
        out: list[Markup] = []
        at = 0
        for start, end, path in value.segments:
            out.append(escape(value[at:start]))
            out.append(field_span(value[start:end], path))
            at = end
        out.append(escape(value[at:]))
        return Markup("").join(out)
    whole = field_of(value)
    if whole is not None:
        return field_span(str(value), whole)
    return value


def keeping(function: Callable[[str], str]) -> Callable[[Any], Any]:
    """A text filter that keeps every letter in its place (``upfirst``, ``nobreak``), made to keep the trace."""

    def keep(value: Any) -> Any:
        result = function(value)
        if isinstance(value, Traced) and len(result) == len(value):
            return Traced(result, value.segments)
        return result

    keep.__doc__ = function.__doc__
    return keep


def joined(pieces: Iterable[Any], separator: str = "") -> Traced | str:
    """*pieces* joined by *separator*, each piece's fields traced at its new place."""
    out: list[str] = []
    segments: list[Segment] = []
    at = 0
    for index, piece in enumerate(pieces):
        if index:
            out.append(separator)
            at += len(separator)
        text = str(piece)
        segments.extend((at + start, at + end, path) for start, end, path in _segments(piece))
        out.append(text)
        at += len(text)
    text = "".join(out)
    return Traced(text, tuple(segments)) if segments else text


def _segments(value: Any) -> tuple[Segment, ...]:
    if isinstance(value, Traced):
        return value.segments
    path = field_of(value)
    return ((0, len(str(value)), path),) if path is not None else ()


def paragraph_parts(value: Any, blocks: list[str]) -> list[Markup]:
    """Each paragraph of a traced text, marked as its part of the field (``#1``, ``#2`` …) when there
    are several; *blocks* are the paragraphs as the ``paragraphs`` filter writes them."""
    path = field_of(value)
    if path is None:
        return [escape(block) for block in blocks]
    if len(blocks) == 1:
        return [field_span(blocks[0], path)]
    return [field_span(block, tag_of(path, index)) for index, block in enumerate(blocks, start=1)]


class FieldFormatter(Formatter):
    """The formatter templates get as ``fmt``: a value from a field stays marked as that field's text.

    Each method formats as :class:`~tcdocs.formatting.Formatter` does; what it returns for a
    traced value is traced to the same field, so ``22 november 2026`` in a Word file is known
    to be the visit's date.
    """

    def date(self, value: dt.date) -> str:
        return _same_field(value, super().date(value))

    def time(self, value: dt.time) -> str:
        return _same_field(value, super().time(value))

    def isodate(self, value: dt.date) -> str:
        return _same_field(value, super().isodate(value))

    def money(self, value: Decimal | int) -> str:
        return _same_field(value, super().money(value))

    def number(self, value: Decimal | int) -> str:
        return _same_field(value, super().number(value))

    def count(self, value: int, neuter: bool = False) -> str:
        return _same_field(value, super().count(value, neuter))

    def list(self, items: Iterable[str]) -> str:
        values = list(items)
        text = super().list(values)
        if not any(_segments(item) for item in values):
            return text
        # Where each item stands in the list as Babel writes it: format placeholders, then find them.
        marks = [f"\ue000{index}\ue001" for index in range(len(values))]
        pattern = super().list(marks)
        pieces = re.split("(\ue000[0-9]+\ue001)", pattern)
        return joined(values[int(piece[1:-1])] if piece.startswith("\ue000") else piece for piece in pieces if piece)


def _same_field(value: Any, text: str) -> str:
    path = field_of(value)
    return Traced.whole(text, path) if path is not None else text

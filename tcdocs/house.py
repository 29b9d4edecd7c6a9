"""The house style's measures: one typed object, read from ``house/house.toml``, that every layout takes its values from.

The PDF's stylesheet (``house/house.css.j2``), the Word file every DOCX is written into,
the table column widths and the page header's checks all read one :class:`House`, so
changing a margin or a font size is one edit, and both formats follow it. A template
folder's ``house/house.toml`` changes only the values it gives; the rest stay the
built-in ones.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import TemplateError
from .fonts import MM_PER_PT
from .messages import Message
from .resources import template_file, template_roots

__all__ = ["HOUSE_FILE", "Cells", "House", "Page", "Rule", "Type", "house"]

HOUSE_FILE = "house/house.toml"

Length = Annotated[float, Field(ge=0, le=1000)]
Colour = Annotated[str, Field(pattern=r"^[0-9A-Fa-f]{6}$")]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Type(_Part):
    """How one kind of text is set: its size (pt), line height (a share of the size), space around (mm).

    Without a line height of its own, text takes that of the text around it: in the PDF, of
    the element it stands in; in Word, whose styles know no surroundings, of the body.
    """

    size: Annotated[float, Field(gt=0, le=200)]
    line: Annotated[float, Field(gt=0, le=5)] | None = None
    before: Length = 0
    after: Length = 0
    bold: bool = False
    italic: bool = False
    colour: Colour | None = None
    """None: the house's text colour."""

    def line_pt(self, around: float) -> float:
        """The height of one line in pt, where the text around has line height *around*."""
        return self.size * (self.line or around)


class Rule(_Part):
    """A line drawn by the house: its width (pt) and colour."""

    width: Annotated[float, Field(gt=0, le=10)]
    colour: Colour

    @property
    def width_mm(self) -> float:
        return self.width * MM_PER_PT


class Cells(_Part):
    """How a kind of table pads its cells (mm: top, right, bottom, left), and its rules."""

    padding: tuple[Length, Length, Length, Length]
    rule: Rule | None = None
    heading: Colour | None = None
    """The background of a heading cell, or None."""


class Page(_Part):
    width: Length
    height: Length
    top: Length
    right: Length
    bottom: Length
    left: Length

    @property
    def text_width(self) -> float:
        """The width of the text area, in mm."""
        return self.width - self.left - self.right


class Header(_Part):
    top: Length
    split: Annotated[float, Field(gt=0, lt=1)]
    gap: Length
    issuer: Type
    text: Type


class Footer(_Part):
    gap: Length
    padding: Length
    rule: Rule
    text: Type


class ListStyle(_Part):
    indent: Length
    item_after: Length


class Tables(_Part):
    size: Annotated[float, Field(gt=0, le=200)]
    line: Annotated[float, Field(gt=0, le=5)]
    grid: Cells
    plain: Cells

    @property
    def type(self) -> Type:
        return Type(size=self.size, line=self.line)


class Signatures(_Part):
    padding: tuple[Length, Length, Length, Length]
    size: Annotated[float, Field(gt=0, le=200)]
    line: Annotated[float, Field(gt=0, le=5)]
    party_after: Length
    place: Length
    signature: Length
    rule: Rule
    rule_space: Annotated[float, Field(ge=0, le=31)]

    @property
    def type(self) -> Type:
        return Type(size=self.size, line=self.line)


class House(_Part):
    """Every measure of the house style. See ``templates/house/house.toml`` for what each one is."""

    font: str
    word_font: str
    colour: Colour
    page: Page
    header: Header
    footer: Footer
    body: Type
    h1: Type
    h2: Type
    h3: Type
    lead: Type
    note: Type
    label: Type
    lists: ListStyle
    table: Tables
    signatures: Signatures

    def cells(self, kind: str) -> Cells:
        """How a table of class *kind* (``grid``, ``plain``, ``signatures``) pads its cells; grid if unknown."""
        if kind == "signatures":
            return Cells(padding=self.signatures.padding)
        return self.table.plain if kind == "plain" else self.table.grid

    def cell_type(self, kind: str) -> Type:
        """How the text of a table of class *kind* is set."""
        return self.signatures.type if kind == "signatures" else self.table.type

    @property
    def issuer_width(self) -> float:
        """How wide the issuer at the header's top left may be, in mm: up to the right-hand block, less the gap."""
        return self.page.text_width * self.header.split - self.header.gap

    @property
    def dnr_width(self) -> float:
        """How wide a line of the header's right-hand block may be, in mm: to the right margin, less the gap."""
        return self.page.text_width * (1 - self.header.split) - self.header.gap


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        merged[key] = _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


@lru_cache(maxsize=8)
def house(roots: tuple[Path, ...] | None = None) -> House:
    """The house style of the template folders *roots* (default: the built-in ones), read once per process.

    Each folder's ``house/house.toml`` gives values over those of the folders after it.
    Raises :class:`TemplateError` for a file that is not TOML or a value that is no measure.
    """
    values: dict[str, Any] = {}
    for root in reversed(roots or template_roots()):
        path = root / HOUSE_FILE
        if not path.is_file():
            continue
        try:
            values = _merge(values, tomllib.loads(template_file(path, HOUSE_FILE).decode("utf-8")))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise TemplateError(Message("the house style cannot be read: {error}", error=exc), HOUSE_FILE) from None
    try:
        return House.model_validate(values)
    except ValidationError as exc:
        where = ", ".join(".".join(str(part) for part in error["loc"]) for error in exc.errors())
        raise TemplateError(Message("the house style has a wrong or missing value: {fields}", fields=where), HOUSE_FILE) from None

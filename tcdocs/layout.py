"""Table column widths from the house font's metrics, computed once and used by both backends.

Word, LibreOffice and a browser each size table columns their own way, and none of them
knows how wide the other one made a column. So tcdocs decides: every column is at least
as wide as its longest word in Carlito (which has Calibri's metrics), and the rest of
the table's width goes where the text is. The DOCX gets the widths as its table grid,
the PDF as ``<col>`` widths with a fixed table layout, so no word breaks mid-word in
either, and both break lines at the same places.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import NamedTuple

from lxml import etree

from .fonts import MM_PER_PT, face
from .house import House

__all__ = ["ZERO_WIDTH_SPACE", "TableStyle", "break_long_words", "breakable", "column_widths", "rows_of", "table_style", "table_widths"]

_SLACK_MM = 0.6  # what rounding to Word's twips, and a reader's own layout, may add to a word


class TableStyle(NamedTuple):
    """How a kind of table is set: its font size and the padding either side of a cell's text."""

    size_pt: float
    padding_mm: float
    equal: bool = False


def table_style(house: House, kind: str) -> TableStyle:
    """How the house sets a table of class *kind*: its cells' text size, and their padding with the rules beside
    the text (rounded up to a tenth of a mm). Signature blocks share the width equally."""
    cells = house.cells(kind)
    _, right, _, left = cells.padding
    rules = math.ceil(cells.rule.width_mm * 10) / 10 if cells.rule is not None else 0.0
    return TableStyle(house.cell_type(kind).size, left + right + rules, equal=kind == "signatures")


class _Measure(NamedTuple):
    unbroken: float  # the widest piece no line may break: the column cannot be narrower
    narrowest: float  # the longest word, whole
    widest: float  # the longest line, unbroken


_BLOCKS = frozenset({"p", "li", "ul", "ol", "table", "br"})

ZERO_WIDTH_SPACE = "\u200b"
"""Where a long e-mail address, link or file name may break: Pango, Word and LibreOffice all break a
line there and draw nothing."""

_BREAKS_AFTER = frozenset("@./_-\\")
# A word that may break after its dots, slashes and @: an e-mail address, a link or a file name. A date,
# a phone number, an organisation number or a Dnr number has no letters, and words joined by no-break
# spaces are one word: none of them ever breaks.
_BREAKABLE = re.compile(r"(?=.*[^\W\d_])(?=.*[@./_\\])[^\u00a0\u202f]{2,}")


def breakable(word: str) -> bool:
    """Whether *word* may break after its dots, slashes and @ (an e-mail address, a link, a file name)."""
    return _BREAKABLE.fullmatch(word) is not None


def _pieces(word: str) -> list[str]:
    """*word* as the pieces a line may break it into."""
    if not breakable(word):
        return [word]
    pieces, current = [], ""
    for char in word:
        current += char
        if char in _BREAKS_AFTER:
            pieces.append(current)
            current = ""
    return [*pieces, current] if current else pieces


def _runs(cell: etree._Element) -> Iterator[tuple[etree._Element, str, bool]]:
    """The cell's text in order, as (element, "text" or "tail", bold), leaving out tables inside it."""

    def walk(element: etree._Element, bold: bool) -> Iterator[tuple[etree._Element, str, bool]]:
        if element.text:
            yield element, "text", bold
        for child in element:
            if child.tag != "table":
                yield from walk(child, bold or child.tag == "strong")
            if child.tail:
                yield child, "tail", bold

    yield from walk(cell, cell.tag == "th" or "total" in cell.get("class", "").split())


def _lines(cell: etree._Element) -> list[list[tuple[str, bool]]]:
    """The cell's lines (a ``<br/>`` or a block ends one) as runs of (text, bold)."""
    lines: list[list[tuple[str, bool]]] = [[]]

    def walk(element: etree._Element, bold: bool) -> None:
        if element.text:
            lines[-1].append((element.text, bold))
        for child in element:
            if child.tag in _BLOCKS:
                lines.append([])
                if child.tag not in ("br", "table"):
                    walk(child, bold)
                    lines.append([])
            else:
                walk(child, bold or child.tag == "strong")
            if child.tail:
                lines[-1].append((child.tail, bold))

    walk(cell, cell.tag == "th" or "total" in cell.get("class", "").split())
    return lines


def _width(text: str, bold: bool) -> float:
    """*text*'s width in ems, in the house font."""
    return face(bold).width(text)


def _measure(cell: etree._Element, style: TableStyle) -> _Measure:
    scale = style.size_pt * MM_PER_PT
    space = face(False).width(" ")
    nowrap = "amount" in cell.get("class", "").split()
    unbroken = narrowest = widest = 0.0
    for line in _lines(cell):
        # Each word as its characters with their boldness: a word may run across <strong>.
        words: list[list[tuple[str, bool]]] = []
        current: list[tuple[str, bool]] | None = None
        for text, bold in line:
            for char in text:
                if char.isspace() and char != "\u00a0":
                    if current is not None:
                        words.append(current)
                        current = None
                else:
                    current = [*(current or []), (char, bold)]
        if current is not None:
            words.append(current)
        if not words:
            continue
        sizes = [sum(_width(char, bold) for char, bold in word) for word in words]
        full = (sum(sizes) + space * (len(words) - 1)) * scale
        widest = max(widest, full)
        if nowrap:
            narrowest, unbroken = max(narrowest, full), max(unbroken, full)
            continue
        narrowest = max(narrowest, max(sizes) * scale)
        for word in words:
            text, bolds = "".join(char for char, _ in word), [bold for _, bold in word]
            at = 0
            for piece in _pieces(text):
                unbroken = max(unbroken, sum(_width(char, bold) for char, bold in zip(piece, bolds[at:], strict=False)) * scale)
                at += len(piece)
    return _Measure(unbroken + _SLACK_MM, narrowest + _SLACK_MM, widest + _SLACK_MM)


def column_widths(table: etree._Element, available_mm: float, house: House) -> tuple[float, ...]:
    """The widths in mm of *table*'s columns, which together fill *available_mm*, in the *house* style.

    As a browser's automatic table layout would, but decided once: each column gets
    at least its longest word; if the widest lines all fit, each column gets its widest
    line and the rest is shared out in proportion; otherwise the space beyond the
    longest words goes to the columns that have more text to wrap. If even the longest
    words do not fit, the long e-mail addresses, links and file names give way first
    (:func:`break_long_words` lets them break): what cannot break (a date, a phone number,
    an organisation number, words joined by no-break spaces) keeps its full width.
    """
    style = table_style(house, table.get("class", "grid"))
    rows = rows_of(table)
    columns = max((len(row) for row in rows), default=1)
    if style.equal:
        return (available_mm / columns,) * columns
    unbroken = [style.padding_mm + _SLACK_MM] * columns
    narrowest = list(unbroken)
    widest = list(unbroken)
    for row in rows:
        for index, cell in enumerate(row):
            measured = _measure(cell, style)
            unbroken[index] = max(unbroken[index], measured.unbroken + style.padding_mm)
            narrowest[index] = max(narrowest[index], measured.narrowest + style.padding_mm)
            widest[index] = max(widest[index], measured.widest + style.padding_mm)
    if sum(widest) <= available_mm:
        spare = available_mm - sum(widest)
        total = sum(widest)
        return tuple(width + spare * width / total for width in widest)
    if sum(narrowest) <= available_mm:
        spare = available_mm - sum(narrowest)
        wrap = [w - n for w, n in zip(widest, narrowest, strict=True)]
        return tuple(n + spare * extra / sum(wrap) for n, extra in zip(narrowest, wrap, strict=True))
    if sum(unbroken) <= available_mm:
        # The columns whose long words can break share what is left after every column has what cannot.
        spare = available_mm - sum(unbroken)
        wanted = [n - u for n, u in zip(narrowest, unbroken, strict=True)]
        return tuple(u + spare * want / sum(wanted) for u, want in zip(unbroken, wanted, strict=True))
    # Even what cannot break does not fit: shrink in proportion; such words wrap inside.
    scale = available_mm / sum(unbroken)
    return tuple(width * scale for width in unbroken)


def break_long_words(table: etree._Element, widths: tuple[float, ...], house: House) -> None:
    """Let each e-mail address, link or file name of *table* that is wider than its column break after its
    dots, slashes and @ (:data:`ZERO_WIDTH_SPACE`), in both formats alike; *widths* are :func:`column_widths`'s."""
    style = table_style(house, table.get("class", "grid"))
    scale = style.size_pt * MM_PER_PT
    for row in rows_of(table):
        for index, cell in enumerate(row):
            room = widths[min(index, len(widths) - 1)] - style.padding_mm - _SLACK_MM
            for element, where, bold in list(_runs(cell)):
                text = getattr(element, where)
                words = re.split(r"([^\S\u00a0]+)", text)
                changed = [
                    _with_breaks(word) if breakable(word) and _width(word, bold) * scale > room else word for word in words
                ]
                if changed != words:
                    setattr(element, where, "".join(changed))


def _with_breaks(word: str) -> str:
    pieces = _pieces(word)
    return ZERO_WIDTH_SPACE.join(pieces)


def rows_of(table: etree._Element) -> list[etree._Element]:
    """The table's own rows, not those of a table inside one of its cells."""
    return [row for row in table.iter("tr") if _owner(row) is table]


def _owner(row: etree._Element) -> etree._Element | None:
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def table_widths(body: etree._Element, house: House) -> tuple[tuple[float, ...], ...]:
    """The column widths of every table in *body*, in document order (``body.iter("table")``), filling
    the *house* page's text width; a long e-mail address, link or file name wider than its column is
    given places to break (:func:`break_long_words`).

    A table inside a cell is sized within that cell, less the cell's padding.
    """
    widths: dict[etree._Element, tuple[float, ...]] = {}
    for table in body.iter("table"):
        space = house.page.text_width
        cell = table.getparent()
        while cell is not None and cell.tag not in ("td", "th"):
            cell = cell.getparent()
        if cell is not None:
            outer = _owner(cell.getparent())
            if outer is not None and outer in widths:
                style = table_style(house, outer.get("class", "grid"))
                space = widths[outer][list(cell.getparent()).index(cell)] - style.padding_mm
        widths[table] = column_widths(table, space, house)
    for table, found in widths.items():
        break_long_words(table, found, house)
    return tuple(widths.values())

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
from typing import NamedTuple

from lxml import etree

from .fonts import MM_PER_PT, face
from .house import House

__all__ = ["TableStyle", "column_widths", "rows_of", "table_style", "table_widths"]

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
    narrowest: float  # the longest word: the column cannot be narrower
    widest: float  # the longest line, unbroken


_BLOCKS = frozenset({"p", "li", "ul", "ol", "table", "br"})


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


def _measure(cell: etree._Element, style: TableStyle) -> _Measure:
    scale = style.size_pt * MM_PER_PT
    regular, bold_face = face(False), face(True)
    space = regular.width(" ")
    nowrap = "amount" in cell.get("class", "").split()
    narrowest = widest = 0.0
    for line in _lines(cell):
        words: list[float] = []
        current: float | None = None
        for text, bold in line:
            font = bold_face if bold else regular
            for char in text:
                if char.isspace() and char != "\u00a0":
                    if current is not None:
                        words.append(current)
                        current = None
                else:
                    current = (current or 0.0) + font.width(char)
        if current is not None:
            words.append(current)
        if not words:
            continue
        full = (sum(words) + space * (len(words) - 1)) * scale
        widest = max(widest, full)
        narrowest = max(narrowest, full if nowrap else max(words) * scale)
    return _Measure(narrowest + _SLACK_MM, widest + _SLACK_MM)


def column_widths(table: etree._Element, available_mm: float, house: House) -> tuple[float, ...]:
    """The widths in mm of *table*'s columns, which together fill *available_mm*, in the *house* style.

    As a browser's automatic table layout would, but decided once: each column gets
    at least its longest word; if the widest lines all fit, each column gets its widest
    line and the rest is shared out in proportion; otherwise the space beyond the
    longest words goes to the columns that have more text to wrap.
    """
    style = table_style(house, table.get("class", "grid"))
    rows = rows_of(table)
    columns = max((len(row) for row in rows), default=1)
    if style.equal:
        return (available_mm / columns,) * columns
    narrowest = [style.padding_mm + _SLACK_MM] * columns
    widest = list(narrowest)
    for row in rows:
        for index, cell in enumerate(row):
            measured = _measure(cell, style)
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
    # Even the longest words do not fit: shrink in proportion; such words wrap inside.
    scale = available_mm / sum(narrowest)
    return tuple(width * scale for width in narrowest)


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
    the *house* page's text width.

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
    return tuple(widths.values())

"""Two versions of a document as one Word file whose differences are tracked changes.

The remissversion and the slutversion of an agreement are each rendered by the DOCX writer
(:func:`tcdocs.backends.docx.body_xml`), and the two bodies are laid side by side: paragraphs
and tables in order, table rows and cells, and within a paragraph, word by word. What only
the old version has is a deletion (``w:del``), what only the new one has an insertion
(``w:ins``), each with an author and a date, so Word and LibreOffice show them as tracked
changes: accepting all of them gives the new version's text, rejecting all the old one's.

The new version's page header, properties and table widths are used throughout; a paragraph
or row that only the old version has keeps its own formatting.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import UsageError, shown
from .messages import Message
from .models.base import Document
from .options import DEFAULT_OPTIONS, RenderOptions
from .resources import template_roots

__all__ = ["compare", "compare_files"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
_OLD_LISTS = 10_000  # the old version's lists are numbered apart from the new one's until both are renumbered


def compare(old: Document, new: Document, author: str = "tcdocs", options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """A DOCX of *new* in which every difference from *old* is a tracked change by *author*, dated with *new*'s date.

    Raises what rendering raises (:class:`~tcdocs.errors.TemplateError`, :class:`~tcdocs.errors.RenderError`).
    """
    from .backends.docx import FIRST_LIST_ID, Body, assemble, body_xml
    from .rendering import content_for

    roots = template_roots(options.templates)
    before = body_xml(content_for(old, options), roots)
    content = content_for(new, options)
    after = body_xml(content, roots)
    marks = _Marks(author, f"{new.date.isoformat()}T00:00:00Z")
    old_body = _parse(before.xml, offset=_OLD_LISTS)
    new_body = _parse(after.xml)
    merged = "".join(_Differ(marks).blocks(list(old_body), list(new_body)))
    xml, lists = _renumber(merged, FIRST_LIST_ID)
    return assemble(content, Body(xml, lists), roots)


def compare_files(old: Path, new: Path, author: str = "tcdocs", options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """:func:`compare` for two YAML files of one kind (each reads the documents it names beside it).
    Raises :class:`~tcdocs.errors.LoadError`, or :class:`~tcdocs.errors.UsageError` for two kinds."""
    from .loader import load

    before, after = load(old), load(new)
    if before.kind_name() != after.kind_name():
        raise UsageError(
            Message(
                "{old} is a {old_kind} and {new} a {new_kind}; compare two versions of one document",
                old=shown(old),
                old_kind=type(before).kind_title,
                new=shown(new),
                new_kind=type(after).kind_title,
            )
        )
    return compare(before, after, author, options)


def _parse(xml: str, offset: int = 0) -> etree._Element:
    body = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>'.encode())
    # The fields' content controls mark words for reading a Word file back; a comparison shows words.
    for control in list(body.iter(f"{_W}sdt")):
        parent = control.getparent()
        index = parent.index(control)
        for run in control.find(f"{_W}sdtContent"):
            parent.insert(index, run)
            index += 1
        parent.remove(control)
    if offset:
        for number in body.iter(f"{_W}numId"):
            number.set(f"{_W}val", str(int(number.get(f"{_W}val", "0")) + offset))
    return body


def _renumber(xml: str, first: int) -> tuple[str, int]:
    """Number the lists of the merged body from *first*, in the order they appear."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        value = match.group(1)
        if int(value) < first:
            return match.group(0)
        numbers.setdefault(value, str(first + len(numbers)))
        return f'<w:numId w:val="{numbers[value]}"/>'

    out = re.sub(r'<w:numId w:val="(\d+)"/>', renumber, xml)
    return out, len(numbers)


@dataclass
class _Marks:
    """Who made the changes and when, and the ids Word needs each change to have."""

    author: str
    date: str
    last: int = 0

    def attributes(self) -> str:
        self.last += 1
        return f'w:id="{self.last}" w:author="{_escape(self.author)}" w:date="{self.date}"'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _key(element: etree._Element) -> str:
    """What two blocks must share to be the same block: a paragraph's style and words, a table's first row."""
    if element.tag == f"{_W}tbl":
        first = element.find(f"{_W}tr")
        return "table:" + ("" if first is None else " ".join(_text(first).split()))
    style = element.find(f"{_W}pPr/{_W}pStyle")
    return f"p:{'' if style is None else style.get(f'{_W}val')}:{' '.join(_text(element).split())}"


def _alike(a: etree._Element, b: etree._Element) -> float:
    if a.tag != b.tag:
        return 0.0
    return difflib.SequenceMatcher(None, _text(a).split(), _text(b).split(), autojunk=False).ratio()


def _pairs(old: Sequence[etree._Element], new: Sequence[etree._Element], key: Any) -> Iterator[tuple[int | None, int | None]]:
    """The items of *old* and *new* in order, paired where they are the same item (equal, or alike enough)."""
    matcher = difflib.SequenceMatcher(None, [key(e) for e in old], [key(e) for e in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from zip(range(i1, i2), range(j1, j2), strict=True)
            continue
        if i2 - i1 == j2 - j1 and all(old[i].tag == new[j].tag for i, j in zip(range(i1, i2), range(j1, j2), strict=True)):
            yield from zip(range(i1, i2), range(j1, j2), strict=True)  # each one changed where it stands
            continue
        at = j1
        for i in range(i1, i2):
            score, best = max(((_alike(old[i], new[j]), j) for j in range(at, j2)), default=(0.0, -1))
            if score >= 0.4:
                yield from ((None, j) for j in range(at, best))
                yield (i, best)
                at = best + 1
            else:
                yield (i, None)
        yield from ((None, j) for j in range(at, j2))


class _Differ:
    """Writes the merged body: what both versions have as it is, the rest as tracked insertions and deletions."""

    def __init__(self, marks: _Marks) -> None:
        self.marks = marks

    def blocks(self, old: Sequence[etree._Element], new: Sequence[etree._Element]) -> Iterator[str]:
        old = [e for e in old if e.tag in (f"{_W}p", f"{_W}tbl")]
        new = [e for e in new if e.tag in (f"{_W}p", f"{_W}tbl")]
        for i, j in _pairs(old, new, _key):
            if i is None:
                assert j is not None
                yield self.whole(new[j], "ins")
            elif j is None:
                yield self.whole(old[i], "del")
            elif old[i].tag == f"{_W}tbl":
                yield self.table(old[i], new[j])
            else:
                yield self.paragraph(old[i], new[j])

    # whole blocks, inserted or deleted

    def whole(self, element: etree._Element, change: str) -> str:
        if element.tag == f"{_W}tbl":
            head = _head(element)
            rows = "".join(self.whole_row(row, change) for row in element.iterchildren(f"{_W}tr"))
            return f"{head}{rows}</w:tbl>"
        return self.paragraph_changed(element, change)

    def whole_row(self, row: etree._Element, change: str) -> str:
        cells = "".join(
            _cell(cell, "".join(self.whole(block, change) for block in _blocks_in(cell))) for cell in row.iterchildren(f"{_W}tc")
        )
        return f"<w:tr>{_row_properties(row, f'<w:{change} {self.marks.attributes()}/>')}{cells}</w:tr>"

    def paragraph_changed(self, paragraph: etree._Element, change: str) -> str:
        runs = _atoms(paragraph)
        mark = f"<w:rPr><w:{change} {self.marks.attributes()}/></w:rPr>"
        content = self.changed(runs, change) if runs else ""
        return f"<w:p>{_paragraph_properties(paragraph, mark)}{content}</w:p>"

    def changed(self, atoms: Sequence[_Atom], change: str) -> str:
        return f"<w:{change} {self.marks.attributes()}>{_runs(atoms, deleted=change == 'del')}</w:{change}>"

    # blocks both versions have

    def paragraph(self, old: etree._Element, new: etree._Element) -> str:
        a, b = _atoms(old), _atoms(new)
        out: list[str] = []
        matcher = difflib.SequenceMatcher(None, [atom.key for atom in a], [atom.key for atom in b], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                out.append(_runs(b[j1:j2]))
                continue
            if i2 > i1:
                out.append(self.changed(a[i1:i2], "del"))
            if j2 > j1:
                out.append(self.changed(b[j1:j2], "ins"))
        return f"<w:p>{_paragraph_properties(new, '')}{''.join(out)}</w:p>"

    def table(self, old: etree._Element, new: etree._Element) -> str:
        old_rows, new_rows = list(old.iterchildren(f"{_W}tr")), list(new.iterchildren(f"{_W}tr"))
        out = [_head(new)]
        for i, j in _pairs(old_rows, new_rows, lambda row: " ".join(_text(row).split())):
            if i is None:
                assert j is not None
                out.append(self.whole_row(new_rows[j], "ins"))
            elif j is None:
                out.append(self.whole_row(old_rows[i], "del"))
            else:
                out.append(self.row(old_rows[i], new_rows[j]))
        out.append("</w:tbl>")
        return "".join(out)

    def row(self, old: etree._Element, new: etree._Element) -> str:
        old_cells, new_cells = list(old.iterchildren(f"{_W}tc")), list(new.iterchildren(f"{_W}tc"))
        if len(old_cells) != len(new_cells):
            return self.whole_row(old, "del") + self.whole_row(new, "ins")
        cells = "".join(_cell(b, "".join(self.blocks(_blocks_in(a), _blocks_in(b)))) for a, b in zip(old_cells, new_cells, strict=True))
        return f"<w:tr>{_row_properties(new, '')}{cells}</w:tr>"


@dataclass(frozen=True)
class _Atom:
    """The smallest piece a paragraph is compared in: a word, a space, a sign, a line break; with its run's formatting."""

    kind: str  # "t", "br", "noBreakHyphen", "tab"
    text: str
    properties: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.text, self.properties)


def _atoms(paragraph: etree._Element) -> list[_Atom]:
    atoms: list[_Atom] = []
    for run in paragraph.iterchildren(f"{_W}r"):
        found = run.find(f"{_W}rPr")
        properties = "" if found is None else etree.tostring(found, encoding="unicode")
        for child in run:
            name = etree.QName(child).localname
            if name == "t":
                atoms.extend(_Atom("t", token, properties) for token in _TOKENS.findall(child.text or ""))
            elif name in ("br", "noBreakHyphen", "tab"):
                atoms.append(_Atom(name, "", properties))
    return atoms


def _runs(atoms: Sequence[_Atom], deleted: bool = False) -> str:
    """*atoms* as runs, neighbours of one formatting in one run; deleted text is ``w:delText``."""
    out: list[str] = []
    text_tag = "w:delText" if deleted else "w:t"
    current: str | None = None
    pieces: list[str] = []
    text: list[str] = []

    def flush_text() -> None:
        if text:
            pieces.append(f'<{text_tag} xml:space="preserve">{_escape("".join(text))}</{text_tag}>')
            text.clear()

    def flush_run() -> None:
        flush_text()
        if pieces:
            out.append(f"<w:r>{current or ''}{''.join(pieces)}</w:r>")
            pieces.clear()

    for atom in atoms:
        properties = _namespaced(atom.properties)
        if properties != current:
            flush_run()
            current = properties
        if atom.kind == "t":
            text.append(atom.text)
        else:
            flush_text()
            pieces.append(f"<w:{atom.kind}/>")
    flush_run()
    return "".join(out)


def _namespaced(xml: str) -> str:
    """An element serialised on its own carries its namespace declaration; inside the body it must not."""
    return xml.replace(f' xmlns:w="{W}"', "")


def _inner(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(_namespaced(etree.tostring(child, encoding="unicode")) for child in element)


def _paragraph_properties(paragraph: etree._Element, mark: str) -> str:
    """A paragraph's properties, with *mark* (its paragraph mark inserted or deleted) where Word wants it: last."""
    properties = paragraph.find(f"{_W}pPr")
    inner = _inner(properties)
    return f"<w:pPr>{inner}{mark}</w:pPr>" if inner or mark else ""


def _row_properties(row: etree._Element, mark: str) -> str:
    inner = _inner(row.find(f"{_W}trPr"))
    return f"<w:trPr>{inner}{mark}</w:trPr>" if inner or mark else ""


def _head(table: etree._Element) -> str:
    properties = table.find(f"{_W}tblPr")
    grid = table.find(f"{_W}tblGrid")
    parts = "".join(_namespaced(etree.tostring(part, encoding="unicode")) for part in (properties, grid) if part is not None)
    return f"<w:tbl>{parts}"


def _cell(cell: etree._Element, content: str) -> str:
    properties = cell.find(f"{_W}tcPr")
    head = "" if properties is None else _namespaced(etree.tostring(properties, encoding="unicode"))
    return f"<w:tc>{head}{content or '<w:p/>'}</w:tc>"


def _blocks_in(cell: etree._Element) -> list[etree._Element]:
    return [child for child in cell if child.tag in (f"{_W}p", f"{_W}tbl")]

"""The DOCX backend: the content tree walked into Word paragraphs, lists and tables.

The walked body is a docxtpl sub-document placed at ``{{p body }}`` in the house
``base.docx``, whose header and footer docxtpl fills from the same :class:`Header`
the PDF uses. The body uses the house file's own styles, so a user edits a
normal Word document: Heading 2 for a §, List Bullet for a list, Table Grid for
a table.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from lxml import etree

from ..content import Content
from ..errors import RenderError, TemplateError
from ..wording import LimitedSandbox

if TYPE_CHECKING:
    from ..rendering import RenderOptions

__all__ = ["normalise_docx", "write"]

BASE_DOCX = "house/base.docx"
TEXT_WIDTH = Mm(163)

PARAGRAPH_STYLES = {
    "h1": "Heading 1",
    "h2": "Heading 2",
    "h3": "Heading 3",
    "lead": "Lead",
    "note": "Note",
    "label": "Label",
    "sig-party": "Signature Party",
    "sig-place": "Signature Place",
    "sig-line": "Signature Line",
}
# The house Word file's tags are filled in the same sandbox as the wording; one per process.
_HEADER_ENV = LimitedSandbox(autoescape=True)
_SPACE = re.compile(r"[ \t\n\r]+")  # HTML's collapsible white space; no-break spaces stay.


@dataclass
class _Run:
    text: str
    bold: bool
    italic: bool


_BREAK = object()


class _Walker:
    """Turns content elements into python-docx objects inside one sub-document."""

    def __init__(self, document: Any) -> None:
        self.doc = document
        self.numbering = document.part.numbering_part.element

    def blocks(self, parent: Iterable[etree._Element], container: Any) -> None:
        for element in parent:
            tag = element.tag
            if tag in ("h1", "h2", "h3", "p"):
                self.paragraph(element, container)
            elif tag in ("ul", "ol"):
                self.listing(element, container)
            elif tag == "table":
                self.table(element, container)

    def paragraph(self, element: etree._Element, container: Any, target: Paragraph | None = None) -> Paragraph:
        classes = element.get("class", "").split()
        style = PARAGRAPH_STYLES.get(element.tag) or next(
            (PARAGRAPH_STYLES[c] for c in classes if c in PARAGRAPH_STYLES), None
        )
        paragraph = target if target is not None else container.add_paragraph()
        if style is not None:
            paragraph.style = self.doc.styles[style]
        if "keep-next" in classes:
            paragraph.paragraph_format.keep_with_next = True
        self.inline(element, paragraph)
        return paragraph

    def listing(self, element: etree._Element, container: Any) -> None:
        style = "List Number" if element.tag == "ol" else "List Bullet"
        number_id = self._restarted_numbering(style) if element.tag == "ol" else None
        for item in element.iterchildren("li"):
            paragraph = container.add_paragraph(style=self.doc.styles[style])
            if number_id is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = number_id
            self.inline(item, paragraph)

    def table(self, element: etree._Element, container: Any) -> None:
        rows = list(element.iter("tr"))
        columns = max((len(tr) for tr in rows), default=1)
        kind = element.get("class", "grid")
        table: Table = container.add_table(rows=len(rows), cols=columns)
        if kind == "grid":
            table.style = self.doc.styles["Table Grid"]
        else:
            _no_borders(table)
        table.autofit = False
        widths = _column_widths(rows, columns, kind)
        for grid_column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
            grid_column.w = Length(width)
        for column, width in zip(table.columns, widths, strict=True):
            for cell in column.cells:
                cell.width = width
        for r, tr in enumerate(rows):
            row = table.rows[r]
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if tr.getparent().tag == "thead":
                tr_pr.append(OxmlElement("w:tblHeader"))
            for c, cell_element in enumerate(tr):
                self.cell(cell_element, row.cells[c], kind)
        if kind != "signatures":
            container.add_paragraph(style=self.doc.styles["Table Gap"])

    def cell(self, element: etree._Element, cell: Any, kind: str) -> None:
        first = cell.paragraphs[0]
        classes = element.get("class", "").split()
        blocks = [child for child in element if child.tag in ("p", "ul", "ol", "table")]
        if not blocks:
            self.inline(element, first, bold=element.tag == "th" or "total" in classes)
            paragraphs = [first]
            if kind == "grid":
                first.style = self.doc.styles["Table Text"]
        else:
            self.paragraph(blocks[0], cell, target=first)
            self.blocks(blocks[1:], cell)
            paragraphs = list(cell.paragraphs)
        if "amount" in classes:
            for paragraph in paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def inline(self, element: etree._Element, paragraph: Paragraph, bold: bool = False, italic: bool = False) -> None:
        pieces: list[_Run | object] = []
        _collect(element, bold, italic, pieces)
        for piece in _collapse(pieces):
            if piece is _BREAK:
                paragraph.add_run().add_break()
            else:
                assert isinstance(piece, _Run)
                run = paragraph.add_run(piece.text)
                if piece.bold:
                    run.bold = True
                if piece.italic:
                    run.italic = True

    def _restarted_numbering(self, style: str) -> int:
        """A new Word list instance that restarts at 1, so each <ol> counts from one."""
        style_element = self.doc.styles[style].element
        base_id = style_element.pPr.numPr.numId.val
        abstract = self.numbering.num_having_numId(base_id).abstractNumId.val
        number = self.numbering.add_num(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        number.append(override)
        return int(number.numId)


def _collect(element: etree._Element, bold: bool, italic: bool, out: list[_Run | object]) -> None:
    """Flatten an element's inline content into runs; a child's tail keeps the parent's formatting."""
    if element.text:
        out.append(_Run(element.text, bold, italic))
    for child in element:
        if child.tag == "br":
            out.append(_BREAK)
        else:
            _collect(child, bold or child.tag == "strong", italic or child.tag == "em", out)
        if child.tail:
            out.append(_Run(child.tail, bold, italic))


def _collapse(pieces: list[_Run | object]) -> list[_Run | object]:
    """Collapse white space as a browser does, so both formats show the same words."""
    result: list[_Run | object] = []
    for piece in pieces:
        if piece is _BREAK:
            if result and isinstance(result[-1], _Run):
                result[-1].text = result[-1].text.rstrip(" ")
            result.append(piece)
            continue
        assert isinstance(piece, _Run)
        text = _SPACE.sub(" ", piece.text)
        previous = result[-1] if result else None
        if previous is None or previous is _BREAK or (isinstance(previous, _Run) and previous.text.endswith(" ")):
            text = text.lstrip(" ")
        if text:
            result.append(_Run(text, piece.bold, piece.italic))
    if result and isinstance(result[-1], _Run):
        result[-1].text = result[-1].text.rstrip(" ")
    return [piece for piece in result if piece is _BREAK or (isinstance(piece, _Run) and piece.text)]


def _column_widths(rows: list[etree._Element], columns: int, kind: str) -> list[int]:
    """Share the text width between columns by how much text each holds, as a browser would."""
    if kind == "signatures":
        return [TEXT_WIDTH // columns] * columns
    if kind == "plain" and columns == 2:
        # A label and its value, as the house CSS lays them out: 30 % and the rest.
        return [TEXT_WIDTH * 3 // 10, TEXT_WIDTH - TEXT_WIDTH * 3 // 10]
    weights = [6] * columns
    for tr in rows:
        for index, cell in enumerate(tr):
            words = "".join(cell.itertext()).split()
            longest = max((len(word) for word in words), default=0)
            weights[index] = max(weights[index], min(32, max(longest + 2, len(" ".join(words)) // 2)))
    total = sum(weights)
    return [int(TEXT_WIDTH * weight / total) for weight in weights]


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)


def normalise_docx(data: bytes) -> bytes:
    """Rewrite a DOCX's zip with fixed entry dates and modes, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def _base(roots: tuple[Path, ...]) -> Path:
    for root in roots:
        candidate = root / BASE_DOCX
        if candidate.is_file():
            return candidate
    raise TemplateError("the house Word file is missing", BASE_DOCX)


def write(content: Content, roots: tuple[Path, ...], options: RenderOptions | None = None) -> bytes:
    """Walk *content* into the house Word file and return the DOCX's bytes.

    *options* is accepted for the backend interface; nothing in it changes a DOCX.

    Raises :class:`TemplateError` if the house file is missing or its tags fail,
    :class:`RenderError` if the document cannot be assembled.
    """
    template = DocxTemplate(str(_base(roots)))
    body = template.new_subdoc()
    walker = _Walker(body.subdocx)
    walker.blocks(content.body, body.subdocx)
    try:
        template.render({"header": content.header, "body": body}, jinja_env=_HEADER_ENV, autoescape=True)
    except Exception as exc:  # docxtpl wraps Jinja and XML errors in several types
        raise TemplateError(f"the house Word file could not be filled: {exc}", BASE_DOCX) from exc
    _set_properties(template, content)
    buffer = io.BytesIO()
    try:
        template.save(buffer)
    except Exception as exc:
        raise RenderError(f"the DOCX could not be written: {exc}") from exc
    return normalise_docx(buffer.getvalue())


def _set_properties(template: DocxTemplate, content: Content) -> None:
    props = template.docx.core_properties
    header = content.header
    day = dt.date.fromisoformat(header.date)
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    props.title = header.title
    props.subject = header.doc_type.capitalize()
    props.author = header.issuer
    props.last_modified_by = header.issuer
    props.created = props.modified = moment
    props.last_printed = moment
    props.revision = 1
    props.language = "sv-SE"
    props.identifier = header.dnr

"""The DOCX backend: the content tree written as WordprocessingML into the house Word file.

The body is written directly as Word XML: paragraphs with the house file's styles
(Heading 2 for a §, List Bullet for a list, Table Grid for a table), so a user edits a
normal Word document, and tables with the column widths of :mod:`tcdocs.layout`, the
same the PDF uses. docxtpl places the body at ``{{p body }}`` in the house Word file
(built from the house style's measures by :mod:`tcdocs.backends.docx_house`) and fills its
page header and footer from the same :class:`Header` the PDF uses. The package's core and
extended properties are written here, whole.

Writing the XML directly, rather than through python-docx objects and a docxtpl
sub-document, keeps a render to a few times the cost of saving an empty document:
python-docx looks a style up by walking every style for every paragraph, and merging a
sub-document copies its styles and numbering into the house file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.utils import LRUCache
from lxml import etree
from markupsafe import Markup

from .._version import __version__
from ..content import FIELD_ATTRIBUTE, Content, keeps_with_next
from ..errors import RenderError, TemplateError
from ..house import House, house
from ..layout import rows_of
from ..messages import Message
from ..options import RenderOptions
from ..resources import template_file
from ..wording import LimitedSandbox
from .docx_house import WORD_FONTS, build
from .docx_provenance import provenance_parts

__all__ = ["Body", "assemble", "body_xml", "normalise_docx", "write"]

BASE_DOCX = "house/base.docx"
TWIPS_PER_MM = 1440 / 25.4

PARAGRAPH_STYLES = {
    "h1": "Heading1",
    "h2": "Heading2",
    "h3": "Heading3",
    "lead": "Lead",
    "note": "Note",
    "label": "Label",
    "sig-party": "SignatureParty",
    "sig-place": "SignaturePlace",
    "sig-line": "SignatureLine",
}
FIRST_LIST_ID = 3  # numbering.xml of the house file defines 1 (bullets) and 2 (numbers)



class _CompiledOnce(LimitedSandbox):
    """The sandbox the house Word file's tags are filled in, which compiles each of its templates once.

    docxtpl makes a template of each part's XML (body, headers, footers, properties) at every
    render; for one house file those are the same strings every time, so their compiled
    templates are kept (a few per house file, a bounded number in all).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compiled = LRUCache(64)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = (self.autoescape, source)  # docxtpl sets autoescape on the environment before it asks
        compiled: Template | None = self._compiled.get(key)
        if compiled is None:
            compiled = super().from_string(source)
            self._compiled[key] = compiled
        return compiled


# The house Word file's tags are filled in the same sandbox as the wording; one per process.
_HEADER_ENV = _CompiledOnce(autoescape=True)
_SPACE = re.compile(r"[ \t\n\r]+")  # HTML's collapsible white space; no-break spaces stay.
_QUOTE = {'"': "&quot;"}


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


class _Run(NamedTuple):
    text: str
    bold: bool
    italic: bool
    field: str | None = None
    """The mark of the field the text is of (:mod:`tcdocs.tracing`): the runs of one field are one content control."""
    brk: bool = False
    """A line break (``<br/>``), not text."""


class _Writer:
    """Writes content elements as WordprocessingML, in one pass, into a list of strings."""

    def __init__(self, widths: Iterable[tuple[float, ...]], house: House, fields: Mapping[str, str] | None = None) -> None:
        self.house = house
        self.fields = fields or {}
        self.out: list[str] = []
        self.widths: Iterator[tuple[float, ...]] = iter(widths)
        self.numbered_lists = 0

    def blocks(self, elements: Iterable[etree._Element]) -> None:
        for element in elements:
            tag = element.tag
            if tag in ("h1", "h2", "h3", "p"):
                self.paragraph(element)
            elif tag in ("ul", "ol"):
                self.listing(element)
            elif tag == "table":
                self.table(element)

    def paragraph(self, element: etree._Element, style: str | None = None, properties: str = "") -> None:
        classes = element.get("class", "").split()
        style = PARAGRAPH_STYLES.get(element.tag) or next((PARAGRAPH_STYLES[c] for c in classes if c in PARAGRAPH_STYLES), style)
        keep = "<w:keepNext/>" if "keep-next" in classes and "<w:keepNext/>" not in properties else ""
        self._paragraph(style, keep + properties, _runs(element))

    def _paragraph(self, style: str | None, properties: str, runs: list[_Run]) -> None:
        style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
        head = f"<w:pPr>{style_xml}{properties}</w:pPr>" if style_xml or properties else ""
        inline = []
        for field, group in groupby(runs, key=attrgetter("field")):
            xml = "".join(_run_xml(run) for run in group)
            inline.append(xml if field is None else self._control(field, xml))
        self.out.append(f"<w:p>{head}{''.join(inline)}</w:p>")

    def _control(self, field: str, runs: str) -> str:
        """The runs of one field's text as a content control tagged with the field's mark: Word shows the
        field's Swedish name as its title, and keeps what is typed into it inside (:mod:`tcdocs.edits`)."""
        alias = self.fields.get(field)
        title = f'<w:alias w:val="{escape(alias, _QUOTE)}"/>' if alias else ""
        return f'<w:sdt><w:sdtPr>{title}<w:tag w:val="{escape(field, _QUOTE)}"/></w:sdtPr><w:sdtContent>{runs}</w:sdtContent></w:sdt>'

    def listing(self, element: etree._Element) -> None:
        items = list(element.iterchildren("li"))
        numbering = ""
        if element.tag == "ol":
            # Each numbered list counts from 1: its own list instance, which _number() declares.
            numbering = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{FIRST_LIST_ID + self.numbered_lists}"/></w:numPr>'
            self.numbered_lists += 1
        style = "ListNumber" if element.tag == "ol" else "ListBullet"
        for index, item in enumerate(items):
            # Below a list's last item, the space below a paragraph.
            gap = f'<w:spacing w:after="{_twips(self.house.body.after)}"/>' if index == len(items) - 1 else ""
            self._paragraph(style, numbering + gap, _runs(item))

    def table(self, element: etree._Element) -> None:
        kind = element.get("class", "grid")
        widths = [_twips(width) for width in next(self.widths)]
        top, right, bottom, left = (_twips(m) for m in self.house.cells(kind).padding)
        style = '<w:tblStyle w:val="TableGrid"/>' if kind == "grid" else ""
        borders = (
            ""
            if kind == "grid"
            else "<w:tblBorders>"
            + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + "</w:tblBorders>"
        )
        self.out.append(
            f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>{borders}<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:top w:w="{top}" w:type="dxa"/><w:left w:w="{left}" w:type="dxa"/>'
            f'<w:bottom w:w="{bottom}" w:type="dxa"/><w:right w:w="{right}" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>" + "".join(f'<w:gridCol w:w="{width}"/>' for width in widths) + "</w:tblGrid>"
        )
        # Word keeps a row with the next one by keeping its paragraphs with the next.
        rows = rows_of(element)
        for row, keep in zip(rows, keeps_with_next(element), strict=True):
            header = "<w:tblHeader/>" if row.getparent().tag == "thead" else ""
            self.out.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
            cells = list(row)
            # A signature block's heading sits right above its lines, and the last blocks end the
            # table without the space that parts two rows of blocks: no cell margin below either.
            last = kind == "signatures" and row is rows[-1]
            margin = '<w:tcMar><w:bottom w:w="0" w:type="dxa"/></w:tcMar>' if last or "sig-head" in row.get("class", "").split() else ""
            for index, width in enumerate(widths):
                self.cell(cells[index] if index < len(cells) else None, width, kind, keep, margin)
            self.out.append("</w:tr>")
        self.out.append("</w:tbl>")
        # Word joins two tables that touch; a small paragraph keeps them apart, as the PDF's margin does.
        self.out.append('<w:p><w:pPr><w:pStyle w:val="TableGap"/></w:pPr></w:p>')

    def cell(self, element: etree._Element | None, width: int, kind: str, keep: bool = False, margin: str = "") -> None:
        fill = self.house.cells(kind).heading
        heading = element is not None and element.tag == "th" and fill is not None
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill.upper()}"/>' if heading and fill else ""
        self.out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}{margin}</w:tcPr>')
        if element is None:
            self.out.append("<w:p><w:pPr><w:keepNext/></w:pPr></w:p>" if keep else "<w:p/>")
        else:
            classes = element.get("class", "").split()
            align = ("<w:keepNext/>" if keep else "") + ('<w:jc w:val="right"/>' if "amount" in classes else "")
            blocks = [child for child in element if child.tag in ("p", "ul", "ol", "table")]
            if not blocks:
                bold = element.tag == "th" or "total" in classes
                style = "Signature" if kind == "signatures" else "TableText"
                self._paragraph(style, align, _runs(element, bold=bold))
            else:
                for child in blocks:
                    if child.tag == "p":
                        self.paragraph(child, "Signature" if kind == "signatures" else "TableText", align)
                    else:
                        self.blocks([child])
                if not self.out[-1].endswith("</w:p>"):
                    self.out.append("<w:p/>")  # a cell ends with a paragraph
        self.out.append("</w:tc>")


def _runs(element: etree._Element, bold: bool = False, italic: bool = False) -> list[_Run]:
    """The element's inline content as runs, white space collapsed as a browser collapses it."""
    pieces: list[_Run] = []
    _collect(element, bold, italic, pieces)
    return _collapse(pieces)


def _collect(element: etree._Element, bold: bool, italic: bool, out: list[_Run], field: str | None = None) -> None:
    """Flatten an element's inline content into runs; a child's tail keeps the parent's formatting and field."""
    if element.text:
        out.append(_Run(element.text, bold, italic, field))
    for child in element:
        if child.tag == "br":
            out.append(_Run("\n", False, False, field, brk=True))
        elif child.tag in ("strong", "em"):
            _collect(child, bold or child.tag == "strong", italic or child.tag == "em", out, field)
        elif child.tag == "span":
            _collect(child, bold, italic, out, child.get(FIELD_ATTRIBUTE))
        if child.tail:
            out.append(_Run(child.tail, bold, italic, field))


def _collapse(pieces: list[_Run]) -> list[_Run]:
    """Collapse white space as a browser does, so both formats show the same words."""
    result: list[_Run] = []
    for piece in pieces:
        if piece.brk:
            if result and not result[-1].brk:
                result[-1] = result[-1]._replace(text=result[-1].text.rstrip(" "))
            result.append(piece)
            continue
        text = _SPACE.sub(" ", piece.text)
        if not result or result[-1].brk or result[-1].text.endswith(" "):
            text = text.lstrip(" ")
        if text:
            result.append(piece._replace(text=text))
    if result and not result[-1].brk:
        result[-1] = result[-1]._replace(text=result[-1].text.rstrip(" "))
    return [piece for piece in result if piece.brk or piece.text]


def _run_xml(run: _Run) -> str:
    if run.brk:
        return "<w:r><w:br/></w:r>"
    properties = ("<w:b/><w:bCs/>" if run.bold else "") + ("<w:i/><w:iCs/>" if run.italic else "")
    head = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    # Word and LibreOffice break a line after any hyphen; the PDF (Unicode's line breaking) never
    # between a hyphen and a digit. A hyphen before a digit (212999-0012, 0611-12 34 56, 2026-11-24)
    # is written as Word's non-breaking hyphen, so the three break such numbers alike: never.
    pieces = _DIGIT_HYPHEN.split(run.text)
    text = f'<w:t xml:space="preserve">{escape(pieces[0])}</w:t>' + "".join(
        f'<w:noBreakHyphen/><w:t xml:space="preserve">{escape(piece)}</w:t>' for piece in pieces[1:]
    )
    return f"<w:r>{head}{text}</w:r>"


_DIGIT_HYPHEN = re.compile(r"-(?=\d)")


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _number(template: DocxTemplate, count: int) -> None:
    """Declare *count* numbered lists that each restart at 1 (ids from FIRST_LIST_ID on)."""
    numbering = template.docx.part.numbering_part.element
    for offset in range(count):
        numbering.append(
            etree.fromstring(
                f'<w:num xmlns:w="{W}" w:numId="{FIRST_LIST_ID + offset}"><w:abstractNumId w:val="1"/>'
                '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            )
        )


def normalise_docx(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a DOCX's zip with fixed entry dates and modes, so equal content gives equal bytes.

    *replace* maps entry names to new contents (the core and extended properties); a name the
    package does not hold yet is added at its end.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    return _zipped({**entries, **(replace or {})})


def _zipped(entries: Mapping[str, bytes]) -> bytes:
    """*entries* as a zip, in their order, each dated 1980-01-01 with fixed modes: equal content, equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def _entries(template: DocxTemplate) -> dict[str, bytes]:
    """The filled house file's package entries by name, as python-docx saves them, but not yet zipped: the
    zip is written once, with fixed dates, instead of once by python-docx and again to fix them."""
    from docx.opc.pkgwriter import _ContentTypesItem  # what python-docx's own save writes as the content types

    package = template.docx.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    types = _ContentTypesItem.from_parts(parts).blob  # type: ignore[no-untyped-call]
    entries = {"[Content_Types].xml": types, "_rels/.rels": package.rels.xml}
    for part in parts:
        entries[part.partname.membername] = part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    return entries


@lru_cache(maxsize=8)
def _house_file(roots: tuple[Path, ...]) -> bytes:
    """The house Word file for *roots*, made once per process: a folder's own ``house/base.docx`` as it
    is, or one built from the house style's measures (:mod:`tcdocs.backends.docx_house`)."""
    for root in roots:
        candidate = root / BASE_DOCX
        if candidate.is_file():
            return template_file(candidate, BASE_DOCX)
    fonts = next((root / WORD_FONTS for root in roots if (root / WORD_FONTS).is_dir()), None)
    if fonts is None:
        raise TemplateError(Message("the house Word file's fonts are missing"), WORD_FONTS)
    try:
        return build(house(roots), fonts)
    except OSError as exc:
        raise TemplateError(Message("the house Word file cannot be made: {error}", error=exc), WORD_FONTS) from None


class Body(NamedTuple):
    """A document's body as WordprocessingML, and how many numbered lists it declares."""

    xml: str
    numbered_lists: int


def body_xml(content: Content, roots: tuple[Path, ...]) -> Body:
    """The body of *content*'s Word file: every paragraph and table, each field's text a content control.

    This is what :func:`write` places in the house Word file, and what a Word file that comes
    back is compared with (:mod:`tcdocs.edits`): one writer for both, so they cannot drift.
    """
    writer = _Writer(content.tables, house(roots), content.fields)
    writer.blocks(content.body)
    return Body("".join(writer.out), writer.numbered_lists)


def write(content: Content, roots: tuple[Path, ...], options: RenderOptions | None = None) -> bytes:
    """Write *content* into the house Word file and return the DOCX's bytes.

    *options* is accepted for the backend interface; nothing in it changes a DOCX.

    Raises :class:`TemplateError` if the house file is missing or its tags fail,
    :class:`RenderError` if the document cannot be assembled.
    """
    return assemble(content, body_xml(content, roots), roots)


def assemble(content: Content, body: Body, roots: tuple[Path, ...]) -> bytes:
    """Place *body* (:func:`body_xml`, or the tracked changes between two of them) in the house Word file,
    with *content*'s page header and properties, and return the DOCX's bytes. Raises as :func:`write`."""
    data = _house_file(roots)
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.render({"header": content.header, "body": Markup(body.xml)}, jinja_env=_HEADER_ENV, autoescape=True)
        _number(template, body.numbered_lists)
    except Exception as exc:  # docxtpl wraps Jinja and XML errors in several types
        raise TemplateError(Message("the house Word file could not be filled: {error}", error=exc), BASE_DOCX) from exc
    try:
        entries = _entries(template)
    except Exception as exc:
        raise RenderError(Message("the DOCX could not be written: {error}", error=exc)) from exc
    recorded = provenance_parts(entries["[Content_Types].xml"], entries["_rels/.rels"], content)
    return _zipped({**entries, "docProps/core.xml": _core_properties(content), "docProps/app.xml": _app_properties(), **recorded})


def _core_properties(content: Content) -> bytes:
    """The package's core properties, written whole (ECMA-376 Part 2): title, issuer, Dnr, dates."""
    header = content.header
    day = dt.date.fromisoformat(header.date)
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = (
        ("dc:title", header.title),
        ("dc:subject", header.doc_type.capitalize()),
        ("dc:creator", header.issuer),
        ("cp:lastModifiedBy", header.issuer),
        ("cp:revision", "1"),
        ("dc:identifier", header.dnr),
        ("dc:language", "sv-SE"),
    )
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields)
    dates = "".join(f'<dcterms:{name} xsi:type="dcterms:W3CDTF">{moment}</dcterms:{name}>' for name in ("created", "modified"))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}{dates}</cp:coreProperties>'
    ).encode()


def _app_properties() -> bytes:
    """The extended properties: made by tcdocs. Word counts pages and words itself when it saves."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>tcdocs {escape(__version__)}</Application><DocSecurity>0</DocSecurity></Properties>"
    ).encode()

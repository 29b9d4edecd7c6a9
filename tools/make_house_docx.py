"""Build templates/house/base.docx, the Word file every DOCX is rendered into.

Run it after changing the house style: ``python tools/make_house_docx.py``. The file
starts from python-docx's own template, so every built-in style the DOCX backend uses
(Heading 1-3, List Bullet, List Number, Table Grid) exists with the ids it expects.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONT = "Carlito"
TARGET = Path(__file__).resolve().parent.parent / "templates" / "house" / "base.docx"


def _fonts(rpr) -> None:
    """Name the house font explicitly and drop theme fonts, which would override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for name in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(name), FONT)


def _border(ppr, side: str, size: int = 4) -> None:
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), "000000")
    borders.append(edge)


def _paragraph_style(doc, name, base="Normal", size=None, bold=None, italic=None, color=None,
                     before=None, after=None, keep_next=None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
    font = style.font
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    font.color.rgb = RGBColor.from_string(color or "000000")
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    _fonts(style.element.get_or_add_rPr())
    return style


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tbl_pr.append(borders)


def build() -> Document:
    doc = Document()
    # Document defaults: the house font everywhere, no theme fonts.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    _fonts(rpr_default.find(qn("w:rPr")))
    lang = rpr_default.find(qn("w:rPr")).find(qn("w:lang"))
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")

    _paragraph_style(doc, "Normal", size=11, after=4)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.15
    _paragraph_style(doc, "Heading 1", size=18, bold=True, before=0, after=4, keep_next=True)
    _paragraph_style(doc, "Heading 2", size=12.5, bold=True, before=14, after=4, keep_next=True)
    _paragraph_style(doc, "Heading 3", size=11, bold=True, before=10, after=3, keep_next=True)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.italic = False
    _paragraph_style(doc, "List Bullet", after=2)
    _paragraph_style(doc, "List Number", after=2)
    _paragraph_style(doc, "Lead", size=13, after=12)
    _paragraph_style(doc, "Note", size=9.5, italic=True)
    _paragraph_style(doc, "Label", size=8, color="333333", before=1, after=6)
    _paragraph_style(doc, "Table Text", size=10, after=0)
    doc.styles["Table Text"].paragraph_format.line_spacing = 1.0
    _paragraph_style(doc, "Table Gap", size=5, before=0, after=4)
    doc.styles["Table Gap"].paragraph_format.line_spacing = 1.0
    _paragraph_style(doc, "Signature Party", bold=True, before=12, after=14, keep_next=True)
    place = _paragraph_style(doc, "Signature Place", after=0, keep_next=True)
    _border(place.element.get_or_add_pPr(), "bottom")
    line = _paragraph_style(doc, "Signature Line", before=30, after=0, keep_next=True)
    _border(line.element.get_or_add_pPr(), "bottom")
    doc.styles["Label"].paragraph_format.keep_with_next = True

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(38), Mm(24)
    section.left_margin, section.right_margin = Mm(25), Mm(22)
    section.header_distance, section.footer_distance = Mm(12), Mm(10)

    header = section.header
    header.is_linked_to_previous = False
    table = header.add_table(rows=3, cols=3, width=Mm(163))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _no_borders(table)
    widths = (Mm(73), Mm(57), Mm(33))
    cells = [[table.cell(r, c) for c in range(3)] for r in range(3)]
    for row in cells:
        for cell, width in zip(row, widths, strict=False):
            cell.width = width
    texts = {
        (0, 0): ("{{ header.issuer }}", True, 11),
        (0, 1): ("{{ header.doc_type }}", True, 9),
        (1, 1): ("{{ header.date }}", False, 9),
        (2, 1): ("Dnr {{ header.dnr }}", False, 9),
    }
    for (r, c), (text, bold, size) in texts.items():
        paragraph = cells[r][c].paragraphs[0]
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    page = cells[0][2].paragraphs[0]
    page.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for piece in ("Sida ", "PAGE", " (", "NUMPAGES", ")"):
        if piece in ("PAGE", "NUMPAGES"):
            _field(page, piece)
        else:
            page.add_run(piece)
    for run in page.runs:
        run.font.size = Pt(9)
    for row in cells:
        for cell in row:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    # The header's own first, empty paragraph stays below the table as spacing.
    spacer = header.paragraphs[0]
    header._element.remove(spacer._p)
    header._element.append(spacer._p)

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    run = paragraph.add_run("{{ header.title }}")
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor.from_string("444444")
    _border(paragraph._p.get_or_add_pPr(), "top")

    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    body.text = "{{p body }}"

    props = doc.core_properties
    props.author = props.last_modified_by = ""
    props.title = props.subject = props.keywords = props.comments = ""
    props.revision = 1
    return doc


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    build().save(target)
    print(f"wrote {target}")

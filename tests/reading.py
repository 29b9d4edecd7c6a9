"""Reading rendered documents back as a person would: the words on the page, in order."""

from __future__ import annotations

import io
import itertools
import re

import docx
import pypdf
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from tcdocs.house import house

MM = 72 / 25.4
HEADER_MM = house().page.top  # the house page's top margin: text above it is the page header
FOOTER_MM = house().page.bottom  # and below this, the footer


def flat(text: str) -> str:
    """*text* with every run of white space made one space, as a reader takes it in."""
    return " ".join(text.split())


def docx_document(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def paragraph_text(paragraph: Paragraph) -> str:
    """A paragraph's text as Word shows it, the text of its fields' content controls included
    (python-docx's ``Paragraph.text`` leaves them out)."""
    return "".join(element.text for element in paragraph._p.xpath("w:r | w:hyperlink | w:sdt/w:sdtContent/w:r"))


def _blocks(container) -> list[str]:
    texts: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            texts.append(paragraph_text(block))
        elif isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    texts.extend(_blocks(cell))
    return texts


def docx_body(data: bytes) -> str:
    """The body's text in reading order, tables row by row, one block a line."""
    return "\n".join(_blocks(docx_document(data)))


def docx_header(data: bytes) -> str:
    """The first section's header and footer text, fields left out."""
    section = docx_document(data).sections[0]
    return "\n".join(_blocks(section.header) + _blocks(section.footer))


def pdf_pages(data: bytes) -> list[str]:
    """Every page's full text, header and footer included."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def pdf_body_pages(data: bytes) -> list[str]:
    """Each page's text between the page header and the footer, a new line where a line ends."""
    pages: list[str] = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        height = float(page.mediabox.height)
        top, bottom = height - HEADER_MM * MM, FOOTER_MM * MM
        parts: list[str] = []
        last_y: list[float] = []

        def visit(text, cm, tm, font, size, top=top, bottom=bottom, parts=parts, last_y=last_y):
            y = tm[5] * cm[3] + cm[5]
            if not bottom < y < top:
                return
            if last_y and abs(y - last_y[0]) > 1:
                parts.append("\n")
            last_y[:] = [y]
            parts.append(text)

        page.extract_text(visitor_text=visit)
        pages.append("".join(parts))
    return pages


_DASH_BREAK = re.compile(r"(?<=[^\s–]–)\n+")


def pdf_body(data: bytes, repeated_headers: list[list[str]] | None = None) -> str:
    """The body text of all pages; table header rows that a page break repeats are left out.

    A line that ends in an en dash straight after a letter ("Nordvik–" before "Åsby")
    was broken there by the layout, so it is joined to the next without a space. (A
    hyphen is left alone: "naturbruks- och" breaks after a real space.)
    """
    pages = [_DASH_BREAK.sub("", page) for page in pdf_body_pages(data)]
    kept = [pages[0]] if pages else []
    for before, text in itertools.pairwise(pages):
        page_words = text.split()
        for header in repeated_headers or []:
            # Repeated only if its table was already on the page before; a table that starts a page has its own header.
            if header and page_words[: len(header)] == header and _holds(before.split(), header):
                page_words = page_words[len(header) :]
                break
        kept.append(" ".join(page_words))
    return "\n".join(kept)


def _holds(words: list[str], run: list[str]) -> bool:
    """Whether *run* stands in *words*, word for word."""
    return any(words[start : start + len(run)] == run for start in range(len(words) - len(run) + 1))


def docx_header_rows(data: bytes) -> list[list[str]]:
    """The words of every table row that Word repeats at the top of each page."""
    rows = []
    for table in docx_document(data).tables:
        for row in table.rows:
            if row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None:
                rows.append(" ".join(" ".join(paragraph_text(p) for p in cell.paragraphs) for cell in row.cells).split())
    return rows


def pdf_fonts(data: bytes) -> dict[str, bool]:
    """Each font the PDF uses, without its subset prefix, and whether its file is embedded."""
    fonts: dict[str, bool] = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"]).split("+")[-1]
            fonts[name] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


_MARKERS = re.compile(r"^(•|\d+\.)$")


def words(text: str) -> list[str]:
    """The words of *text* as a reader sees them: any white space splits, list markers dropped."""
    return [word for word in text.split() if not _MARKERS.match(word)]


def signed(text: str, body: str, name: str, capacity: str = "") -> bool:
    """Whether *text* (a document's words, flattened) has a signature block for *body* signed by *name*,
    in *capacity*: the bodies of a row of blocks stand above their lines, so each is looked for on its own."""
    lines = f"Ort och datum Underskrift {name}" + (f" {capacity}" if capacity else "")
    return body in text and lines in text

"""Column widths decided once, from the font's metrics: the same grid in the DOCX and the PDF, nothing outside the text area."""

from __future__ import annotations

import io
import zipfile

import pdfplumber
import pytest
from lxml import etree

import tcdocs
from tcdocs.content import parse_content
from tcdocs.fonts import text_width
from tcdocs.house import house
from tcdocs.layout import column_widths, table_widths

from .conftest import EXAMPLE_NAMES, EXAMPLES

MM = 72 / 25.4
HOUSE = house()
TEXT_WIDTH_MM = HOUSE.page.text_width
LEFT, RIGHT = HOUSE.page.left * MM, (HOUSE.page.left + TEXT_WIDTH_MM) * MM  # the text area of the house page
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_a_word_is_measured_in_the_house_font():
    # Carlito has Calibri's metrics: "Teknikprogrammet" at 10 pt is 1556 twips wide in both.
    assert round(text_width("Teknikprogrammet", 10) * 1440 / 25.4) == 1556
    assert text_width("Teknikprogrammet", 10, bold=True) > text_width("Teknikprogrammet", 10)


def test_every_column_holds_its_longest_word_and_the_table_fills_the_width():
    table = parse_content(
        "<article><table class='grid'><tr><th>Utbildningsanordnare</th><th>Utbildning</th><th>Skolform</th></tr>"
        "<tr><td>Ekeskogs naturbruks- och teknikgymnasium</td><td>Teknikprogrammet</td><td>Gymnasieskola</td></tr>"
        "</table></article>",
        "test",
    )[0]
    widths = column_widths(table, TEXT_WIDTH_MM, HOUSE)
    assert sum(widths) == pytest.approx(TEXT_WIDTH_MM)
    padding = 2 * 1.8
    assert widths[0] >= text_width("Utbildningsanordnare", 10, bold=True) + padding
    assert widths[1] >= text_width("Teknikprogrammet", 10) + padding
    assert widths[2] >= text_width("Gymnasieskola", 10) + padding


def test_words_too_long_for_any_column_shrink_the_columns_in_proportion():
    table = parse_content(
        "<article><table class='grid'><tr><td>" + "Å" * 120 + "</td><td>" + "B" * 120 + "</td></tr></table></article>", "test"
    )[0]
    widths = column_widths(table, TEXT_WIDTH_MM, HOUSE)
    assert sum(widths) == pytest.approx(TEXT_WIDTH_MM)
    assert widths[0] == pytest.approx(widths[1], rel=0.2)


LONG_EMAIL = "annika.dahl-lindqvist.ordforande@regionala-styrgruppen.nordvikprecision-industri.example"
PHONE = "0611-55\u00a020\u00a010"


def test_what_cannot_break_keeps_its_width_and_a_long_address_gives_way():
    table = parse_content(
        "<article><table class='grid'><tr><th>Namn</th><th>E-post</th><th>Telefon</th><th>Datum</th><th>Org.nr</th></tr>"
        f"<tr><td>Annika Dahl-Lindqvist Bergström</td><td>{LONG_EMAIL}</td><td>{PHONE}</td><td>2026-11-22</td>"
        "<td>212999-0020</td></tr></table></article>",
        "test",
    )[0]
    name, email, phone, day, number = column_widths(table, TEXT_WIDTH_MM, HOUSE)
    assert name + email + phone + day + number == pytest.approx(TEXT_WIDTH_MM)
    padding = 2 * 1.8
    assert phone >= text_width(PHONE, 10) + padding
    assert day >= text_width("2026-11-22", 10) + padding
    assert number >= text_width("212999-0020", 10) + padding
    assert name >= text_width("Lindqvist", 10) + padding
    # The address is wider than its column, so it breaks after its dots, hyphens and @, nowhere else.
    assert email < text_width(LONG_EMAIL, 10) + padding
    assert email >= text_width("regionala-", 10) + padding


def test_only_what_is_too_wide_for_its_column_gets_places_to_break():
    body = parse_content(
        "<article><table class='grid'><tr><td>Annika Dahl-Lindqvist Bergström</td>"
        f"<td><strong>{LONG_EMAIL}</strong></td><td>{PHONE}</td><td>2026-11-22</td></tr>"
        "<tr><td>Sofia Ek</td><td>sofia.ek@nordvik.example</td><td>RTS\u00a02027/018</td><td>a.yaml</td></tr></table></article>",
        "test",
    )
    table_widths(body, HOUSE)
    cells = [cell.xpath("string()") for cell in body.iter("td")]
    assert cells[1] == LONG_EMAIL.replace("@", "@\u200b").replace(".", ".\u200b").replace("-", "-\u200b")
    assert cells[2:] == [PHONE, "2026-11-22", "Sofia Ek", "sofia.ek@nordvik.example", "RTS\u00a02027/018", "a.yaml"]
    assert "\u200b" not in cells[0]


def long_address_application() -> dict[str, bytes]:
    """The example ansökan whose contact has a long name and a long e-mail address, in both formats."""
    text = (EXAMPLES / "ansokan.yaml").read_text(encoding="utf-8")
    text = text.replace("email: annika.dahl@nordvikprecision.example", f"email: {LONG_EMAIL}")
    doc = tcdocs.load_text(text.replace("  - name: Annika Dahl\n", "  - name: Annika Dahl-Lindqvist Bergström\n"), "ansokan.yaml",
                           sources=tcdocs.Files(EXAMPLES))
    return tcdocs.render_formats(doc)


def test_a_phone_number_beside_a_long_address_stays_whole_in_both_formats():
    out = long_address_application()
    with pdfplumber.open(io.BytesIO(out["pdf"])) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text().splitlines()]
    [row] = [line for line in lines if "Annika Dahl-Lindqvist" in line]
    assert row.endswith(" 0611-55 20 10")
    # The address breaks only where it was given places to: after a dot, a hyphen or @.
    start = lines.index(row)
    pieces = [row.removesuffix(" 0611-55 20 10").split()[-1], *(line.split()[-1] for line in lines[start + 1 : start + 3])]
    assert "".join(pieces) == LONG_EMAIL and all(piece[-1] in "@.-" for piece in pieces[:-1])
    document = zipfile.ZipFile(io.BytesIO(out["docx"])).read("word/document.xml").decode("utf-8")
    assert LONG_EMAIL.replace("@", "@\u200b").replace(".", ".\u200b").replace("-", "-\u200b") in document
    assert "<w:noBreakHyphen/><w:t xml:space=\"preserve\">55\u00a020\u00a010</w:t>" in document  # the phone, unbroken


def docx_grids(docx: bytes) -> list[list[float]]:
    tree = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    return [[int(col.get(f"{W}w")) / 20 for col in grid.iter(f"{W}gridCol")] for grid in tree.iter(f"{W}tblGrid")]


def test_the_docx_grid_and_the_pdf_columns_are_the_same(rendered):
    # The parties table of § 1 is the one grid table on page 1: its column borders in the PDF
    # stand where the DOCX's grid puts them.
    grid = docx_grids(rendered["docx"])[0]
    edges = [LEFT]
    for width in grid:
        edges.append(edges[-1] + width)
    with pdfplumber.open(io.BytesIO(rendered["pdf"])) as pdf:
        xs = sorted(edge["x0"] for edge in pdf.pages[0].edges if edge["orientation"] == "v")
    drawn = [x for index, x in enumerate(xs) if index == 0 or x - xs[index - 1] > 1]  # a border is a thin box: two edges
    assert drawn == pytest.approx(edges, abs=0.8)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_nothing_is_drawn_outside_the_text_area(name, examples):
    with pdfplumber.open(io.BytesIO(examples[name]["pdf"])) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for kind, objects in (("text", page.chars), ("line", page.edges), ("box", page.rects)):
                outside = [
                    (round(o["x0"] / MM, 1), round(o["x1"] / MM, 1), o.get("text", ""))
                    for o in objects
                    if o["x0"] < LEFT - 0.5 or o["x1"] > RIGHT + 0.5
                ]
                assert outside == [], f"page {number}: {kind} outside the text area (x in mm): {outside[:5]}"


def test_the_signature_columns_end_inside_the_text_area(rendered):
    # Two signature blocks side by side: the right-hand signature line ends inside the margin.
    with pdfplumber.open(io.BytesIO(rendered["pdf"])) as pdf:
        lines = [edge for page in pdf.pages for edge in page.edges if edge["orientation"] == "h" and edge["width"] > 50 * MM]
    assert lines
    assert max(edge["x1"] for edge in lines) <= RIGHT + 0.5


def test_a_table_in_the_docx_is_as_wide_as_the_text(agreement):
    for grid in docx_grids(tcdocs.render(agreement, "docx")):
        assert sum(grid) == pytest.approx(TEXT_WIDTH_MM * MM, abs=1.5)

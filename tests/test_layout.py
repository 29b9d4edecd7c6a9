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
from tcdocs.layout import column_widths

from .conftest import EXAMPLE_NAMES

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

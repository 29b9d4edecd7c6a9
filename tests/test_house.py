"""The house style is one set of measures: changed in house.toml, both formats follow; one set of characters for all."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pdfplumber
import pytest
from lxml import etree

import tcdocs
from tcdocs.fonts import supported
from tcdocs.house import house
from tcdocs.resources import template_roots
from tcdocs.wording import house_css

from .conftest import EXAMPLES, ROOT
from .reading import MM, docx_body

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_MM = 1440 / 25.4

# The one edit: a wider left margin and larger body text, in a template folder's own house.toml.
CHANGED = """
[page]
left = 40

[body]
size = 12
"""


def docx_part(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("mallar")
    (folder / "house").mkdir()
    (folder / "house" / "house.toml").write_text(CHANGED, encoding="utf-8")
    doc = tcdocs.load(EXAMPLES / "samverkansavtal.yaml")
    return tcdocs.render_formats(doc, options=tcdocs.RenderOptions(templates=folder))


def test_the_built_in_house_is_an_a4_page_of_163_mm_text_in_11_pt():
    built_in = house()
    assert (built_in.page.width, built_in.page.height, built_in.page.text_width, built_in.body.size) == (210, 297, 163, 11)


def test_a_changed_margin_and_body_size_move_the_pdf(changed):
    left, right = 40, 40 + (210 - 40 - 22)  # the new text area, 148 mm wide
    with pdfplumber.open(io.BytesIO(changed["pdf"])) as pdf:
        body = [c for page in pdf.pages for c in page.chars if 38 * MM < c["top"] < (297 - 24) * MM]
    assert min(c["x0"] for c in body) == pytest.approx(left * MM, abs=0.5)
    assert max(c["x1"] for c in body) <= right * MM + 0.5
    assert {round(c["size"]) for c in body if c["fontname"].endswith("Carlito")} >= {12}


def test_a_changed_margin_and_body_size_move_the_docx(changed):
    section = docx_part(changed["docx"], "word/document.xml").find(f".//{W}sectPr")
    margins = section.find(f"{W}pgMar")
    assert int(margins.get(f"{W}left")) == round(40 * TWIPS_PER_MM)
    assert int(margins.get(f"{W}right")) == round(22 * TWIPS_PER_MM)
    styles = docx_part(changed["docx"], "word/styles.xml")
    assert styles.find(f"{W}docDefaults//{W}sz").get(f"{W}val") == "24"  # half-points: 12 pt
    normal = styles.find(f"{W}style[@{W}styleId='Normal']")
    assert normal.find(f".//{W}spacing").get(f"{W}line") == str(round(12 * 1.35 * 20))
    # Every table fills the new text width, 148 mm, as the PDF's columns do.
    tables = docx_part(changed["docx"], "word/document.xml").find(f"{W}body").findall(f"{W}tbl")
    assert tables
    for grid in (table.find(f"{W}tblGrid") for table in tables):
        width = sum(int(column.get(f"{W}w")) for column in grid) / TWIPS_PER_MM
        assert width == pytest.approx(148, abs=0.2)


def test_a_changed_house_changes_the_layout_not_the_words(changed, rendered):
    assert docx_body(changed["docx"]) == docx_body(rendered["docx"])


def test_a_house_toml_that_is_not_a_house_style_is_a_template_error(tmp_path, agreement):
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "house.toml").write_text("[page]\nleft = 'wide'\n", encoding="utf-8")
    with pytest.raises(tcdocs.TemplateError, match=r"house/house.toml: .*page.left"):
        tcdocs.render(agreement, "docx", options=tcdocs.RenderOptions(templates=tmp_path))


def test_the_word_fonts_hold_exactly_the_characters_a_document_can():
    # The validator, the DOCX's embedded fonts and the PDF's font take one set of characters.
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "make_word_fonts.py"), "--check"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize("letters", ["→", "≤ 5", "≥ 3"])
def test_letters_a_document_can_hold_have_their_glyph_in_the_docx(letters, agreement):
    from fontTools.ttLib import TTFont

    assert set(letters) <= supported()
    data = tcdocs.render(agreement, "docx")
    package = zipfile.ZipFile(io.BytesIO(data))
    regular = bytearray(package.read("word/fonts/font1.odttf"))
    key = docx_part(data, "word/fontTable.xml").find(f".//{W}embedRegular").get(f"{W}fontKey")
    digits = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    for index in range(32):  # ECMA-376 Part 1, 17.8.1: the first 32 bytes are XORed with the key
        regular[index] ^= digits[index % 16]
    cmap = TTFont(io.BytesIO(bytes(regular)), lazy=True).getBestCmap()
    assert all(ord(letter) in cmap for letter in letters if letter != " ")


def test_the_preview_takes_the_house_type_without_the_printed_page():
    css, _ = house_css(template_roots(), screen=True)
    assert "@page" not in css and "@font-face" not in css
    assert "font-size: 11pt; line-height: 1.35" in css and "h1 { font-size: 18pt" in css

"""Drafts look like drafts, final versions do not, and the copy for the web leaves out what only the
original's readers should see: read from the words of both formats, for every kind."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pydantic
import pytest

import tcdocs
from tcdocs.cli import main
from tcdocs.formatting import formatter
from tcdocs.models import KINDS
from tcdocs.options import RenderOptions
from tcdocs.rendering import content_for

from .conftest import EXAMPLES
from .reading import docx_body, docx_header, docx_header_rows, flat, pdf_body, pdf_pages, words

NAMES = list(KINDS)


def readable(text: str) -> str:
    """*text* as a reader takes it in: no-break spaces and hyphens are spaces and hyphens."""
    return flat(text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2011", "-"))


def docx_text(docx: bytes) -> str:
    return readable(docx_header(docx) + "\n" + docx_body(docx))


def pdf_text(pdf: bytes) -> str:
    return readable("\n".join(pdf_pages(pdf)))


def has_fields(pdf: bytes) -> bool:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return "/AcroForm" in document.Root


# --- drafts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", NAMES)
def test_a_final_version_carries_no_draft_mark(kind, examples):
    doc = tcdocs.load(EXAMPLES / f"{kind}.yaml")
    assert not doc.is_draft
    out = examples[kind]
    assert "UTKAST" not in docx_text(out["docx"]) and "UTKAST" not in pdf_text(out["pdf"])
    assert "Webbversion" not in docx_text(out["docx"]) and "Webbversion" not in pdf_text(out["pdf"])


@pytest.mark.parametrize("kind", NAMES)
def test_a_draft_says_utkast_with_its_version_and_date_in_both_formats(kind):
    doc = tcdocs.load(EXAMPLES / f"{kind}.yaml").model_copy(update={"draft": True, "version": "0.3"})
    out = tcdocs.render_formats(doc)
    date = content_for(doc).header.date
    day = formatter("sv_SE").date(doc.date)
    line = readable(f"UTKAST, version 0.3, {day}. Ett utkast för synpunkter, inte för underskrift.")
    # Under the title (and the lines that go with it), in both formats.
    assert line in readable(docx_body(out["docx"]))
    assert line in readable(pdf_body(out["pdf"], docx_header_rows(out["docx"])))
    # In the page header under the issuer: Word's one header, and every page of the PDF.
    header = docx_header(out["docx"]).splitlines()
    assert header[1].split("\t")[0] == "UTKAST" and date in header[1]
    pages = pdf_pages(out["pdf"])
    assert all("UTKAST" in readable(page).replace(line, "") for page in pages)
    # The same words in the same order, the mark included; and nothing to sign.
    assert words(docx_body(out["docx"])) == words(pdf_body(out["pdf"], docx_header_rows(out["docx"])))
    assert not has_fields(out["pdf"])


def test_a_version_that_names_a_draft_makes_one_without_saying_draft():
    text = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8").replace('version: "1.0"', "version: Remissversion")
    doc = tcdocs.load_text(text, str(EXAMPLES / "avtal.yaml"))
    assert doc.is_draft and doc.draft is False
    out = tcdocs.render_formats(doc)
    expected = "UTKAST, version Remissversion, 24 november 2026. Ett utkast för synpunkter, inte för underskrift."
    assert expected in readable(docx_body(out["docx"])) and expected in pdf_text(out["pdf"])
    # Right under the title and the period it is for.
    body = readable(docx_body(out["docx"]))
    assert body.index("avseende certifieringsperioden") < body.index(expected) < body.index("§ 1 Parter")
    assert not has_fields(out["pdf"])


@pytest.mark.parametrize(("version", "draft"), [("Utkast 2", True), ("Förslag till beslut", True), ("1.0", False), (None, False)])
def test_which_versions_are_drafts(version, draft, agreement):
    assert agreement.model_copy(update={"version": version}).is_draft is draft


def test_the_draft_field_is_in_every_kinds_schema_in_swedish():
    for kind in NAMES:
        field = tcdocs.schema(kind)["properties"]["draft"]
        assert field["title"] == "Utkast" and "UTKAST" in field["description"]


# --- the copy for the web --------------------------------------------------------------------------

PERSONNUMMER = "19811218-9876"  # Skatteverket's example of a valid personnummer
SHORT_PERSONNUMMER = "811218-9876"
CONTACT = f"Frågor besvaras av Sofia Ek, sofia.ek@nordvik.example, tfn 0611-12 34 56 eller +46 70 123 45 67 (personnummer {PERSONNUMMER})."


def with_contact_text(kind: str, folder: Path) -> tcdocs.Document:
    """The example, with contact details and a personnummer written into its running text where it has some
    (in a copy of the examples' folder, beside the documents it names)."""
    shutil.copytree(EXAMPLES, folder, dirs_exist_ok=True)
    text = (EXAMPLES / f"{kind}.yaml").read_text(encoding="utf-8")
    if kind == "styrgruppsprotokoll":
        text = text.replace("      budgeten. Lindås kommuns", f"      budgeten. {CONTACT} Lindås kommuns")
        text = text.replace("regionens intresseanmälan.\n", f"regionens intresseanmälan. Anmälan görs av {SHORT_PERSONNUMMER}.\n")
    elif kind == "beslut":
        text = text.replace("bedömer kompletteringarna som tillräckliga.", f"bedömer kompletteringarna som tillräckliga. {CONTACT}")
    (folder / f"{kind}.yaml").write_text(text, encoding="utf-8")
    return tcdocs.load(folder / f"{kind}.yaml")


def personal_values(doc: tcdocs.Document) -> set[str]:
    """Every e-mail address and phone number in the document's data, and those written into its text."""
    found: set[str] = set()

    def visit(value):
        if isinstance(value, tcdocs.Person):
            found.update(v for v in (value.email, value.phone) if v)
        elif isinstance(value, pydantic.BaseModel):
            for name in type(value).model_fields:
                visit(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    visit(doc)
    dumped = doc.model_dump_json()
    found.update(value for value in ("sofia.ek@nordvik.example", "0611-12 34 56", "+46 70 123 45 67", PERSONNUMMER, SHORT_PERSONNUMMER)
                 if value in dumped)
    return found


PUBLISHED = ["styrgruppsprotokoll", "beslut", "intresseanmalan", "aterkoppling", "ansokan"]
"""The minutes and the decision (with contact details in their text), and the kinds whose data holds some."""


@pytest.mark.parametrize("kind", PUBLISHED)
def test_the_copy_for_the_web_shows_no_phone_number_e_mail_address_or_personnummer(kind, tmp_path):
    doc = with_contact_text(kind, tmp_path)
    values = personal_values(doc)
    original = tcdocs.render_formats(doc)
    shown = {value for value in values if value in docx_text(original["docx"]) and value in pdf_text(original["pdf"])}
    assert shown, "the original shows some, so the copy has something to leave out"
    copy = tcdocs.render_formats(doc, options=RenderOptions(publish=True))
    for text in (docx_text(copy["docx"]), pdf_text(copy["pdf"])):
        assert [value for value in values if value in text] == []
        assert "Webbversion för publicering." in text and "WEBBVERSION" in text
    assert words(docx_body(copy["docx"])) == words(pdf_body(copy["pdf"], docx_header_rows(copy["docx"])))


def test_the_copy_for_the_web_marks_what_it_removed_from_the_text(tmp_path):
    copy = tcdocs.render_formats(with_contact_text("styrgruppsprotokoll", tmp_path), options=RenderOptions(publish=True))
    expected = "Frågor besvaras av Sofia Ek, [borttaget], tfn [borttaget] eller [borttaget] (personnummer [borttaget])."
    assert expected in docx_text(copy["docx"]) and expected in pdf_text(copy["pdf"])
    # Organisation numbers, dates, amounts and a Dnr are not personal data, and stay.
    beslut = tcdocs.render_formats(with_contact_text("beslut", tmp_path), options=RenderOptions(publish=True))
    text = pdf_text(beslut["pdf"])
    assert all(kept in text for kept in ("802999-0010", "Dnr RTS 2027/018", "22 februari 2028", "1 maj 2028"))


def test_the_copy_for_the_web_has_the_signers_names_for_signatures_and_nothing_to_sign():
    doc = tcdocs.load(EXAMPLES / "styrgruppsprotokoll.yaml")
    copy = tcdocs.render_formats(doc, options=RenderOptions(publish=True))
    for text in (readable(docx_body(copy["docx"])), pdf_text(copy["pdf"])):
        signatures = text[text.index("Underskrifter") :]
        assert "Underskrift " not in signatures and "Ort och datum" not in signatures
        assert all(name in signatures for name in ("Sekreterare", "Sofia Ek", "Ordförande", "Annika Dahl", "Justerare", "Ahmed Yousef"))
    assert not has_fields(copy["pdf"])


def test_a_pdf_a_3b_copy_for_the_web_embeds_no_data(agreement):
    pdf = tcdocs.render(agreement, "pdf", options=RenderOptions(pdf_variant="pdf/a-3b", publish=True))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert list(document.attachments) == []
        assert document.open_metadata()["pdfaid:part"] == "3"


def test_render_publish_writes_the_copy_for_the_web_beside_the_original(tmp_path, capsys):
    source = EXAMPLES / "styrgruppsprotokoll.yaml"
    assert main(["render", str(source), "--publish", "--out", str(tmp_path), "--jobs", "1"]) == 0
    assert main(["render", str(source), "--publish", "--paragraph", "14", "--out", str(tmp_path), "--jobs", "1"]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "styrgruppsprotokoll-paragraf-14-webb.docx",
        "styrgruppsprotokoll-paragraf-14-webb.pdf",
        "styrgruppsprotokoll-webb.docx",
        "styrgruppsprotokoll-webb.pdf",
    ]
    extract = pdf_text((tmp_path / "styrgruppsprotokoll-paragraf-14-webb.pdf").read_bytes())
    assert "PROTOKOLLSUTDRAG" in extract and "WEBBVERSION" in extract and "Underskrift " not in extract

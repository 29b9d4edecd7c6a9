"""Empty signature fields where the signers sign: one per signer of each kind's example, named after
them, lying on their signature line inside their block, tagged in a PDF/UA and harmless to a PDF/A."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest

import tcdocs
from tcdocs.models import KINDS
from tcdocs.options import RenderOptions

from .conftest import EXAMPLES

SIGNERS = {
    "samverkansavtal": ["Karin Lindqvist", "Erik Holm", "Maria Sjöberg", "Lars Öberg", "Johan Berg"],
    "intresseanmalan": ["Annika Dahl", "Sofia Ek"],
    "aterkoppling": [],
    "ansokan": ["Annika Dahl"],
    "granskningsprotokoll": ["Lena Forsberg", "Magnus Ek", "Helena Strömberg"],
    "svar": ["Annika Dahl"],
    "beslut": ["Bengt Håkansson", "Maria Lindgren"],
    "arendeoversikt": [],
    "hangavtal": ["Eva Strand", "Karin Lindqvist"],
    "styrgruppsprotokoll": ["Sofia Ek", "Annika Dahl", "Ahmed Yousef"],
}
"""Who signs each kind's example, in the order of its signature blocks (a letter is not signed)."""


def fields(pdf: bytes) -> list[tuple[str, int, list[float]]]:
    """Each signature field: its name, its page (from 0) and its box in PDF points."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        form = document.Root.get("/AcroForm")
        if form is None:
            return []
        pages = {page.objgen: number for number, page in enumerate(document.pages)}
        return [(str(f.T), pages[f.P.objgen], [float(v) for v in f.Rect]) for f in form.Fields if f.FT == "/Sig"]


def test_every_kind_says_who_signs_its_example():
    assert set(SIGNERS) == set(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_signer_of_the_example_has_an_empty_field_named_after_them(kind, examples):
    pdf = examples[kind]["pdf"]
    assert [name for name, _, _ in fields(pdf)] == [f"Underskrift {name}" for name in SIGNERS[kind]]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for field in document.Root.AcroForm.Fields if SIGNERS[kind] else []:
            assert "/V" not in field  # empty: nobody has signed
            assert int(field.F) & 4  # printed, as PDF/A asks of every annotation


def words_near(page, box: list[float]) -> tuple[str, str]:
    """The words in the field's column just above the field (its block's place and date) and just below it
    (the label under the line and the signer's name), as pdfplumber reads the page."""
    left, bottom, right, top = box
    height = page.height
    above, below = [], []
    for word in page.extract_words():
        if not left - 1 <= word["x0"] < right:
            continue
        if height - top - 16 < word["bottom"] <= height - top + 1:
            above.append(word)
        elif height - bottom - 1 <= word["top"] < height - bottom + 32:
            below.append(word)
    order = lambda words: " ".join(w["text"] for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])))  # noqa: E731
    return order(above), order(below)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if SIGNERS[kind]])
def test_each_field_lies_over_its_signers_line_inside_the_signature_block(kind, examples):
    pdf = examples[kind]["pdf"]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for (name, number, box), signer in zip(fields(pdf), SIGNERS[kind], strict=True):
            page = document.pages[number]
            above, below = words_near(page, box)
            assert above == "Ort och datum", name
            assert below.startswith(f"Underskrift {signer}"), name
            # The block's line is drawn as the lower border of a box as wide as the field: that edge
            # lies within a point and a half below the field's.
            left, bottom, right, top = box
            boxes = [r for r in page.rects if abs(r["x0"] - left) < 1 and abs(r["x1"] - right) < 1]
            assert any(0 <= r["bottom"] - (page.height - bottom) < 1.5 for r in boxes), name
            assert right - left > 150 and top - bottom > 25  # room to sign


def test_a_tagged_pdf_has_each_field_as_a_form_element_of_its_page():
    pdf = tcdocs.render(tcdocs.load(EXAMPLES / "styrgruppsprotokoll.yaml"), "pdf", options=RenderOptions(pdf_variant="pdf/ua-1"))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.StructTreeRoot
        numbers = tree.ParentTree.Nums
        parents = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        widgets = [annot for page in document.pages for annot in page.get("/Annots", []) if annot.Subtype == "/Widget"]
        assert [str(w.T) for w in widgets] == ["Underskrift Sofia Ek", "Underskrift Annika Dahl", "Underskrift Ahmed Yousef"]
        for widget in widgets:
            element = parents[int(widget.StructParent)]
            assert element.S == "/Form" and element.K.Type == "/OBJR" and element.K.Obj.objgen == widget.objgen
            assert str(widget.TU) == str(widget.T)  # what a screen reader says of the field
            assert element.P.S == "/Art" and element.P.Pg.objgen == widget.P.objgen  # in its page's part of the tree
            assert widget.P.Tabs == "/S"
        assert int(tree.ParentTreeNextKey) == max(parents) + 1


@pytest.mark.parametrize("variant", ["pdf/a-2b", "pdf/a-3b"])
def test_fields_leave_a_pdf_a_as_it_was_declared(variant, agreement):
    pdf = tcdocs.render(agreement, "pdf", options=RenderOptions(pdf_variant=variant))
    assert len(fields(pdf)) == 5
    with pikepdf.open(io.BytesIO(pdf)) as document:
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == variant[6] and meta["pdfaid:conformance"] == "B"
        # The document information still matches the XMP: the fields changed neither producer nor dates.
        assert str(document.docinfo["/Producer"]) == meta["pdf:Producer"]
        assert "pyHanko" not in str(document.docinfo["/Producer"])
        assert str(document.docinfo["/ModDate"]).startswith("D:20261124")


def test_a_draft_and_a_letter_get_no_fields(examples, agreement):
    assert fields(tcdocs.render(agreement.model_copy(update={"version": "Remissversion"}), "pdf")) == []
    assert fields(examples["aterkoppling"]["pdf"]) == []

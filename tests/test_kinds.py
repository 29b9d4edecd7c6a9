"""Every kind the registry knows, checked alike from its example: a new kind is covered without a test edit.

A kind is four files: its model, its wording template, its starter and its example. Here
each kind's example must read the same in both formats, carry its page header in both,
and give the same bytes every time.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

import tcdocs
from tcdocs.labels import labels
from tcdocs.models import KINDS
from tcdocs.models.criteria import CRITERIA
from tcdocs.rendering import content_for
from tcdocs.resources import builtin_templates
from tcdocs.road import read_case

from .conftest import EXAMPLES
from .reading import docx_body, docx_header, docx_header_rows, flat, pdf_body, pdf_pages, words

NAMES = list(KINDS)


@pytest.mark.parametrize("kind", NAMES)
def test_every_kind_is_on_the_front_door(kind):
    model = KINDS[kind]
    assert getattr(tcdocs, model.__name__) is model
    assert model.__name__ in tcdocs.__all__


@pytest.mark.parametrize("kind", NAMES)
def test_every_kind_has_its_wording_starter_and_example(kind):
    model = KINDS[kind]
    assert (builtin_templates() / model.template()).is_file()
    assert f"kind: {kind}" in tcdocs.starter(kind)
    assert tcdocs.load(EXAMPLES / f"{kind}.yaml").kind_name() == kind


@pytest.mark.parametrize("kind", NAMES)
def test_every_kind_is_named_in_the_labels_not_in_python(kind):
    assert KINDS[kind].kind_title == labels()["Kind"][kind]
    assert "kind_title" not in vars(KINDS[kind])  # the model names no title of its own


def test_every_criterion_is_named_in_the_labels():
    assert [(c.number, c.title) for c in CRITERIA] == [(number, labels()["Criterion"][c.key]) for number, c in enumerate(CRITERIA, 1)]
    assert len(CRITERIA) == 8


@pytest.mark.parametrize("kind", NAMES)
def test_docx_and_pdf_carry_the_same_words_in_the_same_order(kind, examples):
    out = examples[kind]
    docx_words = words(docx_body(out["docx"]))
    assert len(docx_words) > 50
    assert docx_words == words(pdf_body(out["pdf"], docx_header_rows(out["docx"])))


@pytest.mark.parametrize("kind", NAMES)
def test_every_page_header_names_issuer_type_date_and_dnr_in_both_formats(kind, examples):
    header = content_for(tcdocs.load(EXAMPLES / f"{kind}.yaml")).header
    expected = [flat(header.issuer), header.doc_type, header.date, f"Dnr {header.dnr}"]
    in_word = flat(docx_header(examples[kind]["docx"]))
    assert all(part in in_word for part in [*expected, "Sida", flat(header.title)])
    pages = pdf_pages(examples[kind]["pdf"])
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert all(part in text for part in [*expected, f"Sida {number} ({len(pages)})"])


@pytest.mark.parametrize("kind", [name for name, model in KINDS.items() if model.in_case])
def test_a_second_document_of_a_kind_in_a_case_is_a_problem_unless_the_kind_allows_several(kind, tmp_path):
    folder = tmp_path / "ärendet"
    shutil.copytree(EXAMPLES, folder)
    shutil.copy(folder / f"{kind}.yaml", folder / f"{kind}-kopia.yaml")
    case = read_case(folder, dt.date(2028, 6, 1))
    second = [p for p in case.problems if "one case has one of each document" in str(p)]
    assert len(second) == (0 if KINDS[kind].several_per_case else 1)


@pytest.mark.parametrize("kind", NAMES)
def test_the_same_data_gives_the_same_bytes(kind, examples):
    again = tcdocs.render_formats(tcdocs.load(EXAMPLES / f"{kind}.yaml"))
    assert again == examples[kind]

"""The words of each field, marked where the wording template writes them: in the Word file's content controls,
never in the PDF or the preview."""

from __future__ import annotations

import contextlib
import io
import threading
import zipfile

import pytest
from lxml import etree

import tcdocs
from tcdocs.errors import TemplateError
from tcdocs.fieldnames import scalar_type
from tcdocs.formatting import formatter
from tcdocs.rendering import content_for
from tcdocs.tracing import parse_tag

from .conftest import EXAMPLE_NAMES, EXAMPLES
from .word_edits import q, value_at


def normal(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def writings(value: object) -> set[str]:
    """The ways the templates write a value: as it is, with its first letter changed, or formatted."""
    fmt = formatter()
    text = str(value)
    ways = {text, text[:1].upper() + text[1:], text[:1].lower() + text[1:]}
    for method in ("date", "isodate", "money", "number", "count", "time"):
        # A value that is no date (or no number) is simply not written that way.
        with contextlib.suppress(Exception):
            ways.add(getattr(fmt, method)(value))
    return {normal(way) for way in ways}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_content_control_holds_the_words_of_the_field_it_names(name, examples):
    doc = tcdocs.load(EXAMPLES / f"{name}.yaml")
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(examples[name]["docx"])).read("word/document.xml"))
    checked = 0
    for control in root.iter(q("sdt")):
        properties = control.find(q("sdtPr"))
        tag = properties.find(q("tag")).get(q("val"))
        path, part = parse_tag(tag)
        assert scalar_type(type(doc), path) is not None, tag
        assert properties.find(q("alias")).get(q("val")) == tcdocs.loader.label_of(type(doc), path)
        words = normal("".join(t.text or "" for t in control.iter(q("t"))) + "")
        value = value_at(doc, path)
        if part is None and "\n" not in str(value):
            assert words.replace("-", "") in {way.replace("-", "") for way in writings(value)}, (tag, words, value)
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_pdf_and_the_preview_carry_no_marks(name):
    content = content_for(tcdocs.load(EXAMPLES / f"{name}.yaml"))
    assert content.body.find(".//span") is not None
    assert "data-field" not in content.html() and "<span" not in content.html()


def test_a_field_of_a_text_of_several_paragraphs_is_marked_paragraph_by_paragraph(examples):
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(examples["samverkansavtal"]["docx"])).read("word/document.xml"))
    tags = [c.find(f"{q('sdtPr')}/{q('tag')}").get(q("val")) for c in root.iter(q("sdt"))]
    assert "clauses.0.text#1" in tags and "clauses.0.text#2" in tags


def test_the_marks_are_the_renders_own_and_no_other_threads(examples):
    from tcdocs import tracing

    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(tracing._FIELDS.get()))
    content_for(tcdocs.load(EXAMPLES / "beslut.yaml"))
    thread.start()
    thread.join()
    assert seen == [None] and tracing._FIELDS.get() is None


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ('<span class="x">a</span>', "data-field"),
        ('<span data-field="a b">a</span>', "data-field"),
        ('<span data-field="a"><span data-field="b">b</span></span>', "<span> är inte tillåtet inuti ett fälts <span>"),
        ('<span data-field="a"><p>b</p></span>', "<p> är inte tillåtet inuti ett fälts <span>"),
    ],
    ids=["class", "spaces", "nested", "block"],
)
def test_a_templates_own_mark_is_checked(markup, message, tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    source = (EXAMPLES.parent / "templates" / "letters" / "aterkoppling.html.j2").read_text(encoding="utf-8")
    (folder / "aterkoppling.html.j2").write_text(source.replace("<article>", f"<article><p>{markup}</p>", 1), encoding="utf-8")
    doc = tcdocs.load(EXAMPLES / "aterkoppling.yaml")
    with pytest.raises(TemplateError) as raised:
        tcdocs.render(doc, "docx", options=tcdocs.RenderOptions(templates=tmp_path))
    assert message.split(" ")[0] in raised.value.format("sv")

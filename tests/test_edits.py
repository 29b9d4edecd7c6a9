"""A Word file that comes back edited, for every kind: its changed fields, its changed wording, its comments
and tracked changes, found and said; an untouched file says nothing."""

from __future__ import annotations

import difflib
import re

import pytest
from lxml import etree

import tcdocs
from tcdocs.data import read_data
from tcdocs.loader import Files
from tcdocs.yamledit import yaml_value

from .conftest import EXAMPLE_NAMES, EXAMPLES
from .word_edits import (
    NO_SOFFICE,
    SOFFICE,
    change_wording,
    comment_on_wording,
    control_text,
    libreoffice,
    retype,
    strip_controls,
    text_field,
    track_changes,
    value_at,
)

ADDED = " och Ekeskog"


def read(name: str, word: bytes) -> tcdocs.Reading:
    path = EXAMPLES / f"{name}.yaml"
    return tcdocs.read_edits(word, path.read_text(encoding="utf-8"), word_name=f"{name}.docx", data_name=str(path), sources=Files(EXAMPLES))


def within(text: str) -> str:
    """*text* with words added after its first word: inside the field, wherever its edges are."""
    first, space, rest = re.split("([ \u00a0])", text, maxsplit=1)
    return f"{first}{ADDED}{space}{rest}"


def retyped(name: str, docx: bytes) -> tuple[bytes, tuple[str | int, ...], str, str]:
    """The example's Word file with one text field retyped longer: the file, the field's path, its old and new value."""
    doc = tcdocs.load(EXAMPLES / f"{name}.yaml")
    values, _ = read_data((EXAMPLES / f"{name}.yaml").read_bytes())
    tag, path = text_field(doc, docx, values)
    old = str(value_at(doc, path))
    return retype(docx, tag, within(control_text(docx, tag))), path, old, within(old)


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_an_untouched_word_file_reports_nothing(name, examples):
    reading = read(name, examples[name]["docx"])
    assert reading.unchanged and reading.notes == [] and reading.yaml is None
    assert "inget ändrades" in reading.report("sv")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("stripped", [False, True], ids=["controls", "stripped"])
def test_a_field_retyped_in_word_is_found_and_written_into_the_data(name, stripped, examples):
    edited, path, old, new = retyped(name, examples[name]["docx"])
    reading = read(name, strip_controls(edited) if stripped else edited)
    [change] = reading.fields
    assert (change.path, change.old, change.new, change.status) == (path, old, new, "applied")
    assert reading.texts == [] and reading.comments == [] and reading.revisions == []
    assert change.label == tcdocs.loader.label_of(type(tcdocs.load(EXAMPLES / f"{name}.yaml")), path)
    # The data file keeps every comment and line; the one value is new, where the old one stood.
    original = (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")
    assert reading.yaml is not None
    removed, added = changed_lines(original, reading.yaml)
    assert old in removed and new in added
    data, _ = read_data(reading.yaml)
    assert yaml_value(value_at(data, tuple(str(p) if isinstance(p, str) else p for p in path))) == new
    assert ("tappat markeringarna" in reading.report("sv")) is stripped


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_wording_changed_outside_the_fields_is_reported_at_its_section(name, examples):
    edited, after, heading = change_wording(examples[name]["docx"])
    reading = read(name, edited)
    assert reading.fields == [] and reading.yaml is None
    [text] = reading.texts
    assert text.after == after and text.before == after.replace(" uttryckligen", "", 1)
    assert text.where.section.startswith(heading)
    assert text.where.text("sv").startswith(heading or "inledningen")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_comments_and_tracked_changes_are_listed_where_they_stand(name, examples):
    commented, anchor, heading = comment_on_wording(examples[name]["docx"], "Eva Strand", "Stämmer detta med beslutet?")
    tracked, deleted = track_changes(commented, "Per Nyström", "2026-12-01T10:15:00Z", "Enligt bilaga 2")
    reading = read(name, tracked)
    [comment] = reading.comments
    assert (comment.author, comment.text, comment.where.section) == ("Eva Strand", "Stämmer detta med beslutet?", heading)
    assert anchor.rpartition(" ")[0] in comment.anchor  # the text it is anchored to, as the tracked changes leave it
    kinds = {(r.kind, r.author, r.date[:10], r.text.strip()) for r in reading.revisions}
    assert kinds == {("insert", "Per Nyström", "2026-12-01", "Enligt bilaga 2"), ("delete", "Per Nyström", "2026-12-01", deleted)}
    assert all(r.where.section == heading for r in reading.revisions)
    report = reading.report("sv")
    assert "Eva Strand, 20" in report and "Stämmer detta med beslutet?" in report and "Per Nyström" in report
    assert "infogat" in report and "borttaget" in report


def test_a_field_retyped_with_a_capital_the_template_gave_keeps_the_datas_own(examples):
    # The table writes "Kommunstyrelsen" for represented_by: kommunstyrelsen; the data keeps its small letter.
    edited = retype(examples["samverkansavtal"]["docx"], "parties.2.represented_by", "Barn- och utbildningsnämnden")
    reading = read("samverkansavtal", edited)
    [change] = reading.fields
    assert change.label == "Parter › 3 › Företrädd av"
    assert (change.old, change.new) == ("kommunstyrelsen", "barn- och utbildningsnämnden")
    assert "Parter › 3 › Företrädd av: kommunstyrelsen → barn- och utbildningsnämnden" in reading.report("sv")


def test_a_date_and_an_amount_retyped_become_a_date_and_an_amount(examples):
    docx = examples["samverkansavtal"]["docx"]
    edited = retype(retype(docx, "period.start", "1 augusti 2028"), "financing.amount", "12,50 kr")
    reading = read("samverkansavtal", edited)
    assert {(c.label, c.old, c.new) for c in reading.fields} == {
        ("Certifieringsperiod › Från och med", "2028-05-01", "2028-08-01"),
        ("Finansiering › Belopp", "10.00", "12.50"),  # amounts are kept with two decimals
    }
    assert reading.yaml is not None and "start: 2028-08-01    # samma dag" in reading.yaml


def test_a_field_changed_two_ways_is_a_conflict_and_not_written(examples):
    docx = examples["hangavtal"]["docx"]
    edited = retype(docx, "party.name", "Lindås stad")
    root_tags = [tag for tag in ("party.name",) if control_text(edited, tag)]
    assert root_tags
    # Retype the second control of the same field to something else.
    from .word_edits import controls, edit_body, q

    def second(root):
        content = controls(root, "party.name")[1].find(q("sdtContent"))
        content.find(f".//{q('t')}").text = "Lindås köping"

    reading = read("hangavtal", edit_body(edited, second))
    [change] = reading.fields
    assert change.status == "conflict" and reading.yaml is None
    assert "olika" in reading.report("sv")


def test_a_field_of_the_document_the_data_names_is_said_to_be_there(examples):
    # The hängavtal names samverkansavtal.yaml; its Dnr in the hängavtal's text is that file's to change.
    edited = retype(examples["hangavtal"]["docx"], "agreement.dnr", "KS 2026/0999")
    reading = read("hangavtal", edited)
    [change] = reading.fields
    assert (change.status, change.file, change.new) == ("elsewhere", "samverkansavtal.yaml", "KS 2026/0999")
    assert reading.yaml is None


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_libreoffice_keeps_what_was_changed_and_adds_nothing(name, examples, tmp_path):
    untouched = libreoffice(examples[name]["docx"], tmp_path, "untouched")
    assert read(name, untouched).unchanged
    edited, path, old, new = retyped(name, examples[name]["docx"])
    worded, after, heading = change_wording(edited)
    reading = read(name, libreoffice(worded, tmp_path, "edited"))
    assert [(c.path, c.old, c.new) for c in reading.fields] == [(path, old, new)]
    [text] = reading.texts
    assert (text.after, text.where.section) == (after, heading)


def test_a_field_emptied_in_word_is_empty_not_words_word_puts_in_its_place(examples):
    # Word shows "Klicka eller tryck här för att ange text." in a content control emptied of its text.
    from .word_edits import controls, edit_body, q

    def empty(root):
        control = controls(root, "parties.2.represented_by")[0]
        control.find(q("sdtPr")).append(etree.Element(q("showingPlcHdr")))
        content = control.find(q("sdtContent"))
        content.find(f".//{q('t')}").text = "Klicka eller tryck här för att ange text."

    reading = read("samverkansavtal", edit_body(examples["samverkansavtal"]["docx"], empty))
    [change] = reading.fields
    assert (change.label, change.old, change.new) == ("Parter › 3 › Företrädd av", "kommunstyrelsen", "")
    assert [p.label for p in reading.problems] == ["Parter › 3 › Företrädd av"]

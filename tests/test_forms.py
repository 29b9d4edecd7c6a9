"""The form of each kind: its JSON Schema shaped for the page, read as the form will show it."""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

import tcdocs
from tcdocs.catalogue import schema
from tcdocs.errors import UsageError
from tcdocs.forms import form_schema
from tcdocs.labels import labels
from tcdocs.models import KINDS as MODELS
from tcdocs.models import Document
from tcdocs.models.base import referred
from tcdocs.resources import template_roots

from .conftest import CRITERIA_HEADINGS

KINDS = list(tcdocs.kinds())


def parts(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every part of a form schema with its form path, the branches of a choice of shape included."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key, part in node.get("properties", {}).items():
        yield from parts(part, f"{path}/{key}")
    if isinstance(node.get("items"), dict):
        yield from parts(node["items"], f"{path}/0")
    for index, arm in enumerate(node.get("anyOf", [])):
        yield from parts(arm, f"{path}[{index}]")


def fields(kind: str) -> dict[str, dict[str, Any]]:
    return dict(parts(form_schema(kind)))


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_has_a_swedish_title_and_no_schema_machinery_is_left(kind):
    form = form_schema(kind)
    text = json.dumps(form)
    assert "$ref" not in text and "$defs" not in text
    # A model's class name (AgreementParty, Person) is never a title, unless it is Swedish too: a field's
    # title (Svar) or a kind's name (Samverkansavtal).
    raw = schema(kind)
    written = {node.get("title") for _, definition in [("", raw), *raw.get("$defs", {}).items()]
               for node in definition.get("properties", {}).values()}
    class_names = set(raw.get("$defs", {})) - written - set(tcdocs.kinds().values())
    for path, node in parts(form):
        if "x-branch" in node:
            continue  # a branch takes its field's title
        assert node.get("title"), f"{path} has no title: the form would show its key"
        assert node["title"] not in class_names, f"{path} is titled with a class name, {node['title']}"
        assert not any(arm.get("type") == "null" for arm in node.get("anyOf", [])), f"{path} is still 'or null'"


@pytest.mark.parametrize("kind", KINDS)
def test_every_choice_is_a_list_of_swedish_names(kind):
    for path, node in fields(kind).items():
        if "enum" not in node or node.get("x-branch") == "file":
            continue
        titles = node["x-enumTitles"]
        assert len(titles) == len(node["enum"]), path
        for value, title in zip(node["enum"], titles, strict=True):
            if value == "":
                assert title == "" and "default" not in node, f"{path}: an empty choice only where nothing is chosen"
            else:
                assert title[:1].isupper() and "_" not in title, f"{path}: {title!r} is not a name a person reads"


@pytest.mark.parametrize("kind", KINDS)
def test_every_date_is_a_date_field_and_every_yes_or_no_a_checkbox(kind):
    for path, node in fields(kind).items():
        if node.get("format") == "date":
            assert node["x-format"] == "date", path
        if node.get("type") == "boolean":
            assert node["x-format"] == "checkbox", path


def test_the_eight_criteria_are_eight_parts_named_by_their_number_and_name():
    assessments = form_schema("granskningsprotokoll")["properties"]["assessments"]
    titles = [part["title"] for part in assessments["properties"].values()]
    assert titles == CRITERIA_HEADINGS
    assert assessments["required"] == list(assessments["properties"])
    first = assessments["properties"]["kvalitetssakrad_process"]["properties"]
    assert first["observations"]["title"] == "Iakttagelser" and first["observations"]["x-format"] == "textarea"
    assert first["strengths"]["items"]["title"] == "Styrka {{ i1 }}"


def test_choices_with_a_default_start_on_it_and_those_without_start_empty():
    party = form_schema("samverkansavtal")["properties"]["parties"]["items"]["properties"]
    assert party["type"]["title"] == "Typ av part"
    assert party["type"]["default"] == "kommun"
    assert party["type"]["x-enumTitles"] == ["Kommun", "Region", "Enskild huvudman", "Utbildningsanordnare inom yrkeshögskolan"]
    model = form_schema("samverkansavtal")["properties"]["financing"]["properties"]["model"]
    assert model["enum"] == ["", "fast", "per_invanare"]
    assert model["x-enumTitles"] == ["", "Samma belopp för varje part", "Belopp per invånare"]


def test_reviewers_and_outcomes_are_chosen_by_their_swedish_names():
    reviewer = fields("granskningsprotokoll")["#/visit/reviewers/0/body"]
    assert reviewer["x-enumTitles"] == ["", "Industrirådets granskningskommitté för Teknikcollege", "RTS kansli"]
    outcome = form_schema("beslut")["properties"]["outcome"]
    assert outcome["title"] == "Beslut"
    assert all(title and "_" not in title for title in outcome["x-enumTitles"] if title)


def test_an_amount_is_text_as_a_person_writes_it():
    financing = form_schema("samverkansavtal")["properties"]["financing"]["properties"]
    for name in ("amount", "rts_fee", "marketing"):
        assert financing[name]["type"] == "string"
        assert financing[name]["x-format"] == "money"
    assert financing["amount"]["title"] == "Belopp"
    assert "default" not in financing["rts_fee"]


def test_a_number_may_be_left_empty_and_keeps_its_default():
    form = form_schema("samverkansavtal")["properties"]
    years = form["period"]["properties"]["years"]
    assert years["type"] == ["integer", "null"] and years["x-format"] == "number-nullable" and years["default"] is None
    assert form["notice_months"]["default"] == 12 and form["notice_months"]["title"] == "Uppsägningstid i månader"


def test_lists_number_their_items_and_long_text_gets_a_text_area():
    form = form_schema("samverkansavtal")["properties"]
    assert form["parties"]["title"] == "Parter" and form["parties"]["minItems"] == 3
    assert form["parties"]["items"]["title"] == "Part {{ i1 }}"  # one item, in the singular
    school = form["parties"]["items"]["properties"]["school_units"]["items"]
    assert school["title"] == "Skolenhet {{ i1 }}"
    assert school["properties"]["programmes"]["items"]["title"] == "Utbildning {{ i1 }}"
    party = form["parties"]["items"]["properties"]
    assert party["host"]["title"] == "Värdkommun"
    assert "x-format" not in party["address"]  # an address is one line
    assert form_schema("granskningsprotokoll")["properties"]["overall"]["x-format"] == "textarea"


@pytest.mark.parametrize("kind", KINDS)
def test_every_list_names_one_item(kind):
    raw = schema(kind)
    for model, definition in [(kind, raw), *raw.get("$defs", {}).items()]:
        for field, node in definition.get("properties", {}).items():
            for shape in node.get("anyOf", [node]):
                if shape.get("type") == "array":
                    where = MODELS[kind].__name__ if definition is raw else model
                    assert shape["items"].get("title"), f"{where}.{field}: name one item in templates/labels.yaml (ListItem)"
    for path, node in fields(kind).items():
        if "items" in node:
            assert node["items"]["title"].endswith(" {{ i1 }}"), f"{path}: its items are not numbered"


def test_every_list_item_name_is_for_a_list_there_is():
    lists = {
        f"{model}.{field}"
        for kind, cls in MODELS.items()
        for model, definition in [(cls.__name__, schema(kind)), *schema(kind).get("$defs", {}).items()]
        for field, node in definition.get("properties", {}).items()
        if any(shape.get("type") == "array" for shape in node.get("anyOf", [node]))
    }
    assert sorted(set(labels(template_roots())["ListItem"]) - lists) == []  # a list renamed or gone: its name goes too


def test_the_kind_is_fixed_and_hidden():
    kind = form_schema("hangavtal")["properties"]["kind"]
    assert kind["default"] == "hangavtal" and kind["x-hidden"] is True


@pytest.mark.parametrize(
    ("kind", "field", "refers_to", "details"),
    [
        ("hangavtal", "agreement", "samverkansavtal", ["region", "date", "dnr", "period", "parties"]),
        ("beslut", "protocol", "granskningsprotokoll", ["dnr", "date", "visit_date", "case"]),
    ],
)
def test_a_reference_is_an_attached_file_or_the_other_documents_details(kind, field, refers_to, details):
    node = form_schema(kind)["properties"][field]
    assert node["x-reference"] == refers_to
    uploaded, written = node["anyOf"]
    assert uploaded == {"type": "string", "enum": [""], "x-enumTitles": [""], "x-branch": "file"}
    assert written["x-branch"] == "details" and "title" not in written
    assert [name for name in details if name in written["properties"]] == details


def models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models a field's type holds: itself, or in a list, an optional, a union or an Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from models_in(argument)


def every_model() -> Iterator[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    waiting: list[type[BaseModel]] = list(MODELS.values())
    while waiting:
        model = waiting.pop()
        if model not in seen:
            seen.add(model)
            yield model
            waiting += [inner for info in model.model_fields.values() for inner in models_in(info.annotation)]


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_that_names_another_document_offers_its_file_in_the_form(kind):
    named = {field: other.kind_name() for field, other in referred(MODELS[kind]).items()}
    form = form_schema(kind)["properties"]
    assert {key: node["x-reference"] for key, node in form.items() if "x-reference" in node} == named
    for field in named:
        assert [arm["x-branch"] for arm in form[field]["anyOf"]] == ["file", "details"]
        assert form[field]["title"] == MODELS[kind].model_fields[field].title


def test_a_document_inside_another_is_always_named_through_a_reference():
    # So that every kind, present and future, offers the other document's file on the page.
    for model in every_model():
        for field, info in model.model_fields.items():
            if any(issubclass(inner, Document) for inner in models_in(info.annotation)):
                assert field in referred(model), f"{model.__name__}.{field} holds a document but names none: use loader_for"


def test_a_document_written_out_inside_another_offers_its_own_references():
    # The ansökan inside a granskningsprotokoll, written out, names its samverkansavtal by its file too.
    written = form_schema("granskningsprotokoll")["properties"]["application"]["anyOf"][1]
    assert written["properties"]["agreement"]["x-reference"] == "samverkansavtal"


def test_an_unknown_kind_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown document kind 'avtal'"):
        form_schema("avtal")

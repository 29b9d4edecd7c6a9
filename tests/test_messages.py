"""Messages: every one has its Swedish text, and each reader gets their language."""

from __future__ import annotations

import enum
import importlib.util
import pickle
import re
import subprocess
import sys
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from babel.messages.pofile import read_po
from pydantic import BaseModel

import tcdocs
from tcdocs.cli import cli
from tcdocs.errors import LoadError, Problem
from tcdocs.forms import form_schema
from tcdocs.messages import Message, from_accept_language, from_environment
from tcdocs.models import KINDS
from tcdocs.wording import labels, template_roots

from .conftest import EXAMPLES, ROOT


def catalogue_tool():
    spec = importlib.util.spec_from_file_location("messages_tool", ROOT / "tools" / "messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_swedish_text_and_the_catalogues_are_compiled():
    # Fails on a message in the code (or in the page's script) without Swedish, or a stale .po or .mo.
    assert catalogue_tool().problems() == []


def test_a_message_is_english_for_programs_and_swedish_for_people():
    message = Message("'{value}' has a wrong check digit; check the number against the register", value="212999-0021")
    assert message == "'212999-0021' has a wrong check digit; check the number against the register"
    assert message.text("sv") == "212999-0021 har fel kontrollsiffra; kontrollera numret mot registret"
    assert message.text("en") == str(message)
    problem = Problem(message, "parties[1].org_number", "a.yaml", 36, 5, label="Parter › 2 › Organisationsnummer")
    again = pickle.loads(pickle.dumps(LoadError([problem])))
    assert again.format("sv") == (
        "a.yaml:36:5: Parter › 2 › Organisationsnummer: 212999-0021 har fel kontrollsiffra; kontrollera numret mot registret"
    )
    assert str(again) == "a.yaml:36:5: parties[1].org_number: '212999-0021' has a wrong check digit; check the number against the register"


@pytest.mark.parametrize(
    ("environ", "language"),
    [({}, "sv"), ({"LANG": "C.UTF-8"}, "sv"), ({"LANG": "sv_SE.UTF-8"}, "sv"), ({"LANG": "en_GB.UTF-8"}, "en"),
     ({"LANGUAGE": "en_US:sv", "LANG": "sv_SE.UTF-8"}, "en"), ({"LC_ALL": "de_DE.UTF-8"}, "sv")],
)
def test_the_command_line_speaks_swedish_unless_the_locale_asks_for_english(environ, language):
    assert from_environment(environ) == language


@pytest.mark.parametrize(
    ("header", "language"),
    [(None, "sv"), ("sv-SE,sv;q=0.9,en;q=0.5", "sv"), ("en-GB,en;q=0.9", "en"), ("de-DE,en;q=0.7,sv;q=0.6", "en"), ("fi", "sv")],
)
def test_the_service_answers_in_the_language_the_browser_prefers(header, language):
    assert from_accept_language(header) == language


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("C.UTF-8", "Parter › 2 › Organisationsnummer: 212999-0021 har fel kontrollsiffra"),
        ("en_GB.UTF-8", "parties[1].org_number: '212999-0021' has a wrong check digit"),
    ],
)
def test_validate_in_a_terminal_of_each_language(tmp_path, lang, expected):
    bad = tmp_path / "avtal.yaml"
    bad.write_text((EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8").replace("212999-0020", "212999-0021"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tcdocs", "validate", str(bad)], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": lang}, timeout=120)
    assert done.returncode == 1
    assert f"{bad}:37:5: {expected}" in done.stderr


# --- no programmer's words for people -----------------------------------------------------------------------

COMMAND_LINE_ONLY = {"cli.py", "cli_store.py", "cli_word.py", "batch.py", "verify.py", "server/run.py", "wording.py", "content.py",
                     "labels.py",
                     "store/cases.py", "store/database.py", "store/folders.py", "store/access.py", "store/records.py"}
"""Modules whose messages only the command line prints (its options, commands and file paths are its
language: the stored case is reached through its commands), or only the author of a folder of
templates reads."""

SWEDISH_KEYS = {"region", "form", "text", "material", "organisation", "version", "standard", "start", "sent", "present",
                "vision", "motivation", "feedback", "deadline", "period"}
"""Field names that are Swedish words too (a region, en text): found in a sentence, they are the word."""

SERVICE_PROTOCOL = {
    "a multipart body has one part named '{name}'",
    "a multipart body needs a part named 'document'",
    "send the Word file and its data as multipart/form-data, in parts named 'word' and 'document'",
    "send the Word file in a part named 'word' and its data in a part named 'document'",
    "send the two versions as multipart/form-data, in parts named 'old' and 'new'",
    "send the two versions in parts named 'old' and 'new'",
}
"""What a program sending requests to the service reads: the names of a request's parts are its words."""


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def _choices_in(annotation: Any) -> Iterator[str]:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        yield from (str(member.value) for member in annotation)
    if typing.get_origin(annotation) is typing.Literal:
        yield from (str(value) for value in typing.get_args(annotation))
    for argument in typing.get_args(annotation):
        yield from _choices_in(argument)


def programmer_words() -> re.Pattern[str]:
    """Field names, the codes of choices, YAML keys, commands and file names, as they would show in a Swedish text."""
    keys: set[str] = set()
    codes: set[str] = set()
    seen: set[type[BaseModel]] = set()
    waiting: list[type[BaseModel]] = list(KINDS.values())
    while waiting:
        model = waiting.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(name)
            codes.update(_choices_in(info.annotation))
            waiting += list(_models_in(info.annotation))
    swedish = " ".join([*tcdocs.kinds().values(), *(name for names in labels(template_roots()).values() for name in names.values())])
    words = set(re.findall(r"\w+", swedish.lower())) | {"fast"}  # fast: a Swedish word, and the code of a choice
    names = sorted((keys - SWEDISH_KEYS) | {code for code in codes if code not in words}, key=len, reverse=True)
    any_key = "|".join(map(re.escape, sorted(keys - SWEDISH_KEYS, key=len, reverse=True)))
    return re.compile(
        rf"\b({'|'.join(map(re.escape, names))})\b"  # a field's name or a choice's code
        rf"|\b({any_key}): "  # a YAML key, as in 'host: ja'
        rf"|'({'|'.join(map(re.escape, sorted(codes, key=len, reverse=True)))})'"  # a quoted code, 'fast'
        rf"|\btcdocs ({'|'.join(sorted(cli.commands))})\b"  # a command
        r"|\.ya?ml\b|\btrue\b|\bfalse\b|^(Sant|Falskt)\b"
    )


def swedish_catalogue() -> Iterator[tuple[str, str]]:
    with (ROOT / "tcdocs" / "locale" / "sv" / "LC_MESSAGES" / "tcdocs.po").open("rb") as po:
        for message in read_po(po):
            places = {place.split("tcdocs/", 1)[-1] for place, _ in message.locations}
            if message.id and places and not places <= COMMAND_LINE_ONLY and message.id not in SERVICE_PROTOCOL:
                text = message.string if isinstance(message.string, str) else " ".join(message.string)
                text = re.sub(r"\{[^{}]*\}", "…", text)  # what fills a {placeholder} is not its words
                yield str(message.id), re.sub(r"\bapplication/\w+", "…", text)  # a media type is not a field


def page_help(kind: str) -> Iterator[tuple[str, str]]:
    def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key in ("title", "description"):
                if isinstance(node.get(key), str):
                    yield f"{path} {key}", node[key].replace("{{ i1 }}", "")
            for title in node.get("x-enumTitles", []):
                yield f"{path} choice", title
            for key, part in node.items():
                yield from walk(part, f"{path}/{key}")
        elif isinstance(node, list):
            for part in node:
                yield from walk(part, path)

    yield from walk(form_schema(kind), kind)


def test_no_swedish_message_names_a_field_by_its_key_or_a_choice_by_its_code():
    pattern = programmer_words()
    found = [f"{msgid!r}: {text!r} has {match.group(0)!r}" for msgid, text in swedish_catalogue() for match in pattern.finditer(text)]
    assert found == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_help_on_the_page_names_a_field_by_its_key_or_a_choice_by_its_code(kind):
    pattern = programmer_words()
    found = [f"{where}: {text!r} has {match.group(0)!r}" for where, text in page_help(kind) for match in pattern.finditer(text)]
    assert found == []


def test_the_words_of_programmers_are_found_where_they_are():
    # The check itself: each of the examples is caught.
    pattern = programmer_words()
    for text in ("ange new: ja för att bilda ett nytt", "(host: ja)", "agreement ska ange en", "(`tcdocs schema` listar fälten)",
                 "'fast': samma belopp; 'per_invanare': belopp", "Krävs när body är namnd", "Sant om parten bildar",
                 "t.ex. samverkansavtal.yaml", "Ärendetyp: ny_region eller atercertifiering"):
        assert pattern.search(text), text
    for text in ("Region: fältet måste fyllas i", "Fast årlig andel", "kommunen är värdkommun", "för sent"):
        assert not pattern.search(text), text

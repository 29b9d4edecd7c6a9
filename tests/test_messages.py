"""Messages: every one has its Swedish text, and each reader gets their language."""

from __future__ import annotations

import importlib.util
import pickle
import subprocess
import sys

import pytest

from tcdocs.errors import LoadError, Problem
from tcdocs.messages import Message, from_accept_language, from_environment

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

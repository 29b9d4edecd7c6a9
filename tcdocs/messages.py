"""What tcdocs says to a person, in Swedish or in English, through gettext catalogues.

A message is written once, in English, where it arises::

    Message("{number} has a wrong check digit; check the number against the register", number=value)

It is a ``str`` (its English text, stable for other programs) that remembers its
template and values, so the command line, the service and the page can say it in the
reader's language at the moment they show it: ``message.text("sv")``. The Swedish texts
are in ``tcdocs/locale/sv/LC_MESSAGES/tcdocs.po``, extracted from the code with Babel
(``python tools/messages.py``) and compiled to the ``.mo`` file the package reads.

Swedish is the language unless the reader asks for English: ``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES`` or ``LANG`` starting with ``en`` for the command line, an
``Accept-Language`` preferring English for the service and the page.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "CLICK_DOMAIN",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Lines",
    "Message",
    "from_accept_language",
    "from_environment",
    "say",
    "translate",
]

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "tcdocs"
CLICK_DOMAIN = "tcdocs-click"
"""The catalogue of click's own messages (usage errors), which the command line speaks in Swedish too."""


def N_(text: str) -> str:
    """Mark *text* as a message to translate where it is said later (a table of labels)."""
    return text


@lru_cache(maxsize=4)
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[language], fallback=True)


def translate(text: str, language: str) -> str:
    """The message template *text* in *language* (its English text if there is no translation)."""
    return _catalogue(language).gettext(text) if text else text


class Message(str):
    """A message: its English text as a ``str``, and how to say it in another language."""

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        self = super().__new__(cls, template.format(**params) if params else template)
        self.template = template
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Whole across a process boundary (a worker's error): template and values, not just text.
        return (_rebuild, (self.template, dict(self.params)))

    def text(self, language: str) -> str:
        """The message in *language*; values that are messages themselves are translated too."""
        params = {key: _say_value(value, language) for key, value in self.params.items()}
        return translate(self.template, language).format(**params) if params else translate(self.template, language)


def _say_value(value: Any, language: str) -> Any:
    """A message's value in *language*: messages, quoted problems and errors are said again."""
    if isinstance(value, Message | Lines):
        return value.text(language)
    if isinstance(value, BaseException):
        formatter = getattr(value, "format", None)
        if callable(formatter):  # a TcdocsError says itself
            return formatter(language)
        if value.args and isinstance(value.args[0], Message):
            return value.args[0].text(language)
    return value


class Lines(str):
    """Located problems quoted inside a message, one indented line each (the problems of a
    referenced file, inside the problem of the file that refers to it)."""

    problems: list[Any]

    def __new__(cls, problems: Iterable[Any]) -> Lines:
        problems = list(problems)
        self = super().__new__(cls, "\n".join(f"    {problem}" for problem in problems))
        self.problems = problems
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Lines, (self.problems,))

    def text(self, language: str) -> str:
        return "\n".join(f"    {problem.format(language)}" for problem in self.problems)


def _rebuild(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


def say(text: str, language: str) -> str:
    """Any text in *language*: a :class:`Message` translated, any other string as it is."""
    return text.text(language) if isinstance(text, Message) else text


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the command line speaks: English if the locale asks for it, Swedish otherwise."""
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            first = value.split(":")[0].lower()
            return "en" if first.startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def from_accept_language(header: str | None) -> str:
    """The language a browser asks for (``Accept-Language``): the first of sv or en it names, else Swedish."""
    best, weight = DEFAULT_LANGUAGE, -1.0
    for part in (header or "").split(","):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and quality > weight:
            best, weight = language, quality
    return best

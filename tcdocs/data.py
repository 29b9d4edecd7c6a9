"""Reading YAML and JSON into plain data, with every value as written and every position kept.

The YAML is read as a stream of parser events (ruamel.yaml, YAML 1.2) and turned into
plain Python data here, not by a YAML constructor, for three reasons:

* no tag, anchor or alias can construct or expand anything: they are refused;
* scalars stay exactly as written (``NO``, ``012345``, ``22:22`` stay text); pydantic,
  which knows each field's type, does the only conversion;
* every key and item keeps its position, so a pydantic error maps back to a line.

Documents (:mod:`tcdocs.loader`), the labels of the templates and a PDF's embedded data
are all read here, within one set of :class:`Limits`.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)

from .errors import LoadError, Problem, os_reason, shown
from .messages import N_, Message

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "Path_",
    "Position",
    "describe_illegal",
    "dotted",
    "first_illegal",
    "read_data",
    "read_file",
]

# Characters that Word cannot store in its XML and that no one types on purpose:
# C0 controls other than tab and newline, the two non-characters U+FFFE/U+FFFF and
# lone surrogates (which Python lets through from a "\ud800" YAML escape).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def first_illegal(text: str) -> int | None:
    """The index of the first character a document cannot hold, or None."""
    bad = _ILLEGAL.search(text)
    return None if bad is None else bad.start()


def describe_illegal(char: str) -> str:
    """How error messages name a refused character."""
    return Message("the control character U+{code:04X}, which a document cannot hold; remove it", code=ord(char))


Path_ = tuple[str | int, ...]
Position = tuple[int, int]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Limits:
    """Bounds on what a data file may ask of the loader; the defaults suit any real document."""

    max_bytes: int = 1_000_000
    max_depth: int = 40
    max_nodes: int = 50_000
    max_string: int = 20_000


DEFAULT_LIMITS = Limits()


class _Abort(Exception):
    """Stops reading at the first problem that makes the rest meaningless."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path_
    key: str | None = None
    key_position: Position | None = None
    key_lines: dict[str, int] = field(default_factory=dict)


class _Reader:
    """Builds plain data and a map of positions from YAML parser events."""

    def __init__(self, file: str | None, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.positions: dict[Path_, Position] = {}
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.nodes = 0

    def problem(self, event: Event, message: str, path: Path_ = ()) -> Problem:
        line, column = _position(event)
        return Problem(message, dotted(path), self.file, line, column)

    def read(self, events: Iterable[Event]) -> Any:
        documents = 0
        for event in events:
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Abort(self.problem(event, Message("a file holds one document; remove the second '---'")))
                continue
            if isinstance(event, MappingEndEvent | SequenceEndEvent):
                self.stack.pop()
                continue
            if not isinstance(event, ScalarEvent | CollectionStartEvent | AliasEvent):
                continue
            self.nodes += 1
            if self.nodes > self.limits.max_nodes:
                raise _Abort(self.problem(event, Message("the file has more than {count} values", count=self.limits.max_nodes)))
            self._node(event)
        return self.root

    def _node(self, event: Event) -> None:
        if isinstance(event, AliasEvent):
            raise _Abort(self.problem(event, Message("YAML aliases (*name) are not allowed; write the value out")))
        if getattr(event, "anchor", None):
            raise _Abort(self.problem(event, Message("YAML anchors (&name) are not allowed; write the value out")))
        tag = getattr(event, "tag", None)
        tag = getattr(tag, "value", tag)
        if tag is not None and tag != _STR_TAG:
            raise _Abort(self.problem(event, Message("YAML tags such as {tag} are not allowed; remove the tag", tag=tag)))
        if isinstance(event, ScalarEvent):
            value = event.value
            if event.style is None and tag is None and value in _NULLS:
                value = None
            elif event.style == '"' and _SURROGATE.search(value):
                # "\ud83d\ude00" is one character in JSON but two escapes in YAML: join such pairs.
                value = value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
            path = self._attach(event, value)
            where = self.stack[-1].path if path is None else path
            if value is not None and len(value) > self.limits.max_string:
                self.problems.append(
                    self.problem(event, Message("the text is longer than {count} characters", count=self.limits.max_string), where)
                )
            index = first_illegal(value or "")
            if index is not None:
                self.problems.append(self.problem(event, Message("the text holds {what}", what=describe_illegal(value[index])), where))
            return
        container: dict[str, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        path = self._attach(event, container)
        if path is None:
            return
        if len(self.stack) >= self.limits.max_depth:
            raise _Abort(self.problem(event, Message("the data is nested more than {count} levels deep", count=self.limits.max_depth)))
        self.stack.append(_Frame(container, path))

    def _attach(self, event: Event, value: Any) -> Path_ | None:
        position = _position(event)
        if not self.stack:
            self.root = value
            self.positions[()] = position
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            path = (*frame.path, len(frame.container))
            frame.container.append(value)
            self.positions[path] = position
            return path
        if frame.key is None:
            if not isinstance(value, str):
                raise _Abort(self.problem(event, Message("a key must be plain text"), frame.path))
            frame.key, frame.key_position = value, position
            return None
        key, frame.key = frame.key, None
        path = (*frame.path, key)
        assert frame.key_position is not None
        if key in frame.key_lines:
            first = frame.key_lines[key]
            self.problems.append(
                Problem(
                    Message("duplicate key '{key}'; it was already given on line {line}", key=key, line=first),
                    dotted(path),
                    self.file,
                    *frame.key_position,
                )
            )
            return path
        frame.key_lines[key] = frame.key_position[0]
        frame.container[key] = value
        self.positions[path] = frame.key_position
        return path


def _position(event: Event) -> Position:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def dotted(path: Iterable[str | int]) -> str:
    """A field path as messages and JSON give it: ``parties[2].org_number``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _decode(raw: bytes, file: str | None) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            [Problem(Message("byte 0x{byte:02X} is not UTF-8; save the file as UTF-8", byte=raw[exc.start]), "", file, line, column)]
        ) from None


def _check_characters(text: str, file: str | None) -> None:
    # Refused anywhere, even in a comment, with its exact place, before YAML's own
    # less helpful "special characters are not allowed".
    index = first_illegal(text)
    if index is not None:
        line = text.count("\n", 0, index) + 1
        column = index - text.rfind("\n", 0, index)
        raise LoadError([Problem(Message("found {character}", character=describe_illegal(text[index])), "", file, line, column)])


def read_data(
    source: bytes | str, file: str | None = None, limits: Limits = DEFAULT_LIMITS, syntax: str | None = None
) -> tuple[Any, dict[Path_, Position]]:
    """One document's bytes (or text) as plain data, and the position of every key and item in it.

    Every document is read here, from a file, an upload or a request, so its size is
    checked here and nowhere else: in bytes, against ``limits.max_bytes``. *syntax* is
    ``"YAML"`` or ``"JSON"``; by default a *file* named ``.json`` is JSON, any other YAML.
    Raises :class:`LoadError` for bytes that are not UTF-8, syntax errors, duplicate keys,
    tags, anchors, aliases and anything past *limits*.
    """
    raw = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if len(raw) > limits.max_bytes:
        raise LoadError([Problem(Message("the data is larger than {count} bytes", count=limits.max_bytes), "", file, 1, 1)])
    text = source if isinstance(source, str) else _decode(raw, file)
    if syntax is None:
        syntax = "JSON" if (file or "").lower().endswith(".json") else "YAML"
    return _read_json(text, file, limits) if syntax == "JSON" else _read_yaml(text, file, limits)


def _read_yaml(text: str, file: str | None, limits: Limits, syntax: str = "YAML") -> tuple[Any, dict[Path_, Position]]:
    """Parse YAML *text* (or JSON, which is YAML's flow style: *syntax* names it in messages)."""
    _check_characters(text, file)
    reader = _Reader(file, limits)
    try:
        data = reader.read(YAML(typ="safe", pure=True).parse(io.StringIO(text)))
    except _Abort as stop:
        raise LoadError([*reader.problems, stop.problem]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise LoadError([*reader.problems, Problem(_syntax(syntax, detail), "", file, line, column)]) from None
    except YAMLError as exc:
        raise LoadError([*reader.problems, Problem(_syntax(syntax, str(exc)), "", file, 1, 1)]) from None
    except RecursionError:
        raise LoadError(
            [Problem(Message("the data is nested more than {count} levels deep", count=limits.max_depth), "", file, 1, 1)]
        ) from None
    if reader.problems:
        raise LoadError(reader.problems)
    return data, reader.positions


# The YAML parser's words for what went wrong, and what they mean to someone writing the file.
_YAML_SYNTAX: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", N_("a tab: indent with spaces, never with tabs")),
    ("mapping values are not allowed here", N_("a colon in a value: put the value in quotes, or indent it under its field")),
    ("expected <block end>", N_("the indentation does not match the lines above: give the same number of spaces as the fields beside it")),
    ("could not find expected ':'", N_("a line that is not 'field: value': add the colon, or indent it under its field")),
    ("found unexpected end of stream", N_("a quotation mark or bracket is not closed")),
    ("expected ',' or ']'", N_("a list in brackets [ ] is not closed, or lacks a comma")),
    ("expected ',' or '}'", N_("a mapping in braces { } is not closed, or lacks a comma")),
    ("found unknown escape character", N_("a backslash in double quotes: write it twice, or use single quotes")),
    ("expected a comment or a line break", N_("text after a closing quotation mark: put the whole value in quotes")),
    ("expected the node content", N_("a value is missing: write it after the colon, or close the bracket")),
    ("cannot start any token", N_("a value cannot begin with this character (such as @ or `): put the value in quotes")),
    ("expected alphabetic or numeric character", N_("a value cannot begin with * or &: put the value in quotes")),
    ("Expecting value", N_("a value is missing")),
    ("Expecting ',' delimiter", N_("a comma is missing between two values")),
    ("Expecting ':' delimiter", N_("a colon is missing after a field name")),
    ("Expecting property name enclosed in double quotes", N_("a field name must be in double quotes, and no comma may end a list")),
    ("Unterminated string", N_("a quotation mark is not closed")),
    ("Extra data", N_("there is more text after the end of the data")),
    ("Invalid control character", N_("a line break or tab inside quotes: write it as \\n or \\t")),
    ("Invalid \\escape", N_("a backslash in quotes: write it twice")),
)


def _syntax(syntax: str, detail: str) -> Message:
    for words, meaning in _YAML_SYNTAX:
        if words in detail:
            return Message("{syntax} syntax: {meaning}", syntax=syntax, meaning=Message(meaning))
    # The parser's own words are jargon; the line and column say where to look.
    return Message("{syntax} syntax: the text cannot be read here; compare this line with the lines around it", syntax=syntax)


def _read_json(text: str, file: str | None, limits: Limits) -> tuple[Any, dict[Path_, Position]]:
    """Parse JSON *text* as YAML is parsed: the same limits, duplicate keys refused, every
    value kept as written for the model to convert, every position kept.

    JSON is YAML's flow style, so one reader serves both, and a request in JSON is held
    to exactly the rules of a file in YAML.
    """
    # YAML accepts more than JSON ('{"a": }'), so JSON's own grammar is checked first;
    # numbers stay text, as YAML keeps them, and no depth can overflow the stack.
    try:
        json.loads(text, parse_int=str, parse_float=str, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise LoadError([Problem(_syntax("JSON", exc.msg), "", file, exc.lineno, exc.colno)]) from None
    except RecursionError:
        raise LoadError(
            [Problem(Message("the data is nested more than {count} levels deep", count=limits.max_depth), "", file, 1, 1)]
        ) from None
    return _read_yaml(text, file, limits, syntax="JSON")


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)



def read_file(path: Path, max_bytes: int = DEFAULT_LIMITS.max_bytes) -> bytes:
    """The bytes of the regular file at *path*, which is at most *max_bytes* long.

    Every file tcdocs reads comes through here: documents, templates and the house style,
    a PDF to verify, a token. A folder, a device (``/dev/zero``), a pipe (which would wait
    for a writer forever) or a symlink loop is refused with :class:`LoadError`, before
    anything is read, and so is a larger file, of which no more than *max_bytes* is read.
    """
    name = shown(path)
    try:
        # Opened without blocking, so that a pipe cannot hold the open; then checked.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise LoadError([Problem(Message("cannot read the file: {reason}", reason=os_reason(exc)), "", name)]) from None
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        kind = Message("a folder") if stat.S_ISDIR(info.st_mode) else Message("not a regular file (a device or a pipe)")
        raise LoadError([Problem(Message("this is {kind}; give a file", kind=kind), "", name)])
    with os.fdopen(handle, "rb") as stream:
        try:
            raw = stream.read(max_bytes + 1)
        except OSError as exc:
            raise LoadError([Problem(Message("cannot read the file: {reason}", reason=os_reason(exc)), "", name)]) from None
    if len(raw) > max_bytes:
        raise LoadError([Problem(Message("the file is larger than {count} bytes", count=max_bytes), "", name, 1, 1)])
    return raw

"""Reading YAML into a validated document model, with every problem located by line and column.

The YAML is read as a stream of parser events (ruamel.yaml, YAML 1.2) and turned into
plain Python data here, not by a YAML constructor, for three reasons:

* no tag, anchor or alias can construct or expand anything: they are refused;
* scalars stay exactly as written (``NO``, ``012345``, ``22:22`` stay text); pydantic,
  which knows each field's type, does the only conversion;
* every key and item keeps its position, so a pydantic error maps back to a line.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
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

from .consistency import Finding, findings
from .errors import LoadError, Problem, shown
from .messages import N_, Lines, Message
from .models import KINDS, Document, model_for
from .models.base import RuleError, describe_illegal, first_illegal
from .models.criteria import criterion_title

__all__ = [
    "Checked",
    "Files",
    "Limits",
    "Sources",
    "Uploads",
    "check_data",
    "load",
    "load_checked",
    "load_text",
    "read_json",
    "read_yaml",
    "validate_data",
]

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
        return Problem(message, _dotted(path), self.file, line, column)

    def read(self, events: Iterable[Event]) -> Any:
        documents = 0
        for event in events:
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Abort(self.problem(event, "a file holds one document; remove the second '---'"))
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
            raise _Abort(self.problem(event, "YAML aliases (*name) are not allowed; write the value out"))
        if getattr(event, "anchor", None):
            raise _Abort(self.problem(event, "YAML anchors (&name) are not allowed; write the value out"))
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
                raise _Abort(self.problem(event, "a key must be plain text", frame.path))
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
                    _dotted(path),
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


def _dotted(path: Iterable[str | int]) -> str:
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


def read_yaml(
    text: str, file: str | None = None, limits: Limits = DEFAULT_LIMITS, syntax: str = "YAML"
) -> tuple[Any, dict[Path_, Position]]:
    """Parse YAML *text* into plain data and the position of every key and item.

    Raises :class:`LoadError` for syntax errors, duplicate keys, tags, anchors,
    aliases and anything past *limits*. *syntax* names the format in messages.
    """
    if len(text) > limits.max_bytes:
        raise LoadError([Problem(Message("the file is larger than {count} bytes", count=limits.max_bytes), "", file, 1, 1)])
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


def _too_deep(limits: Limits) -> Message:
    return Message("the data is nested more than {count} levels deep", count=limits.max_depth)


def _syntax(syntax: str, detail: str) -> Message:
    for words, meaning in _YAML_SYNTAX:
        if words in detail:
            return Message("{syntax} syntax: {meaning}", syntax=syntax, meaning=Message(meaning))
    # The parser's own words are jargon; the line and column say where to look.
    return Message("{syntax} syntax: the text cannot be read here; compare this line with the lines around it", syntax=syntax)


def read_json(text: str, file: str | None = None, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, dict[Path_, Position]]:
    """Parse JSON *text* as :func:`read_yaml` parses YAML: the same limits, duplicate keys
    refused, every value kept as written for the model to convert, every position kept.

    JSON is YAML's flow style, so one reader serves both, and a request in JSON is held
    to exactly the rules of a file in YAML. Raises :class:`LoadError`.
    """
    if len(text) > limits.max_bytes:
        raise LoadError([Problem(Message("the data is larger than {count} bytes", count=limits.max_bytes), "", file, 1, 1)])
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
    return read_yaml(text, file, limits, syntax="JSON")


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


class Checked(NamedTuple):
    """A validated document and the warnings about it, located like problems.

    The warnings include those of the documents it refers to, located in their files.
    """

    doc: Document
    warnings: list[Problem]


class Sources(ABC):
    """Where the documents a document refers to are read from, by the name the data gives.

    A hängavtal names its samverkansavtal, a beslut its granskningsprotokoll. Whoever
    reads the first document decides where such names lead: :class:`Files` to files
    beside it on the disk, :class:`Uploads` to files given together with it in one
    request, so that no request can make the service read a file of the server.
    """

    limits: Limits = DEFAULT_LIMITS

    @abstractmethod
    def find(self, name: str, referrer: str | None) -> tuple[str, bytes, object]:
        """The document *name* (as the file *referrer* names it): its name as messages
        show it, its bytes, and a key that is the same for the same document.

        Raises :class:`LoadError` if there is no such document or it cannot be read.
        """


class Files(Sources):
    """References are files on the disk, relative to the folder of the file that names them.

    *folder* is where a document given as text (:func:`load_text`, named without a
    folder) finds the files it names; without it, the working directory.
    """

    def __init__(self, folder: Path | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self.folder = folder
        self.limits = limits

    def find(self, name: str, referrer: str | None) -> tuple[str, bytes, object]:
        base = Path(referrer).parent if referrer else None
        if self.folder is not None and base in (None, Path()):
            base = self.folder
        path = Path(name) if base is None else base / name
        try:
            key: object = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop: Python 3.11 raises RuntimeError
            raise LoadError([Problem(Message("cannot read the file: its symbolic links form a loop"), "", shown(path))]) from None
        return shown(path), read_file(path, self.limits), key


class Uploads(Sources):
    """References are files given together with the document, found by their file names."""

    def __init__(self, files: Mapping[str, bytes], limits: Limits = DEFAULT_LIMITS) -> None:
        self.files = dict(files)
        self.limits = limits

    def find(self, name: str, referrer: str | None) -> tuple[str, bytes, object]:
        for given, raw in self.files.items():
            if given == name or Path(given).name == Path(name).name:
                if len(raw) > self.limits.max_bytes:
                    raise LoadError(
                        [Problem(Message("the file is larger than {count} bytes", count=self.limits.max_bytes), "", given, 1, 1)]
                    )
                return given, raw, Path(given).name
        if self.files:
            message = Message("no file named '{name}' was given with the document (given: {names}); add it",
                              name=name, names=", ".join(sorted(self.files)))
        else:
            message = Message("no file named '{name}' was given with the document; add it", name=name)
        raise LoadError(
            [
                Problem(
                    message,
                    "",
                    referrer,
                )
            ]
        )


class _Resolver:
    """What a model calls, through its validation context, to turn a reference into a document."""

    def __init__(self, sources: Sources, first: object = None) -> None:
        self.sources = sources
        # The keys of the documents being read, the first one included: a loop is an error.
        self.reading: list[object] = [] if first is None else [first]
        self.warnings: list[Problem] = []
        # Each file is read once however many documents name it (a beslut names the protocol
        # and the svar, which names it too), so its warnings are said once.
        self.read: dict[object, Document] = {}

    def __call__(self, name: str, expected: type[Document], referrer: str | None) -> Document:
        shown_name, raw, key = self.sources.find(name, referrer)
        if key in self.read:
            return self.read[key]
        if key in self.reading:
            raise LoadError(
                [
                    Problem(
                        Message("'{name}' refers back to a file that is being read; a document cannot refer to itself", name=name),
                        "",
                        referrer,
                    )
                ]
            )
        text = _decode(raw, shown_name)
        read = read_json if shown_name.lower().endswith(".json") else read_yaml
        data, positions = read(text, shown_name, self.sources.limits)
        self.reading.append(key)
        try:
            checked = _check(data, shown_name, positions, self)
        finally:
            self.reading.pop()
        self.warnings.extend(checked.warnings)
        self.read[key] = checked.doc
        return checked.doc


def validate_data(
    data: Any,
    file: str | None = None,
    positions: Mapping[Path_, Position] | None = None,
    sources: Sources | None = None,
) -> Document:
    """Validate plain data (as from YAML or JSON) into the model its ``kind`` names.

    *positions* maps field paths to (line, column) so problems point into the file;
    *sources* is where the documents it refers to by name are read from (none: such a
    document must be given inline). Raises :class:`LoadError` with every problem found.
    """
    return check_data(data, file, positions, sources).doc


def check_data(
    data: Any,
    file: str | None = None,
    positions: Mapping[Path_, Position] | None = None,
    sources: Sources | None = None,
) -> Checked:
    """:func:`validate_data`, also returning the warnings about the document and the
    documents it refers to, each located in its own file."""
    return _check(data, file, positions or {}, _Resolver(sources) if sources is not None else None)


def _locate(positions: Mapping[Path_, Position], path: Path_) -> Position | tuple[None, None]:
    """Where *path* is in the file: its own line and column, or its nearest enclosing field's."""
    for end in range(len(path), -1, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return (None, None)


def _check(data: Any, file: str | None, positions: Mapping[Path_, Position], resolver: _Resolver | None) -> Checked:
    def locate(path: Path_) -> Position | tuple[None, None]:
        return _locate(positions, path)

    if not isinstance(data, dict):
        raise LoadError([Problem(Message("the file must be a mapping of fields, starting with 'kind:'"), "", file, *locate(()))])
    kind = data.get("kind")
    if kind not in KINDS:
        known = ", ".join(KINDS)
        message = (
            Message("unknown document kind '{kind}'; use one of: {known}", kind=kind, known=known)
            if kind
            else Message("missing 'kind:'; use one of: {known}", known=known)
        )
        raise LoadError([Problem(message, "kind", file, *locate(("kind",)))])
    model = model_for(kind)
    earlier = len(resolver.warnings) if resolver is not None else 0
    try:
        doc = model.model_validate(data, context={"resolve": resolver, "file": file})
    except ValidationError as exc:
        problems: list[Problem] = []
        for error in exc.errors(include_url=False):
            for path, text in _explain(error, model):
                line, column = locate(path)
                problems.append(Problem(text, _dotted(path), file, line, column, label=label_of(model, path)))
        raise LoadError(problems) from None
    warnings: list[Problem] = []
    broken: list[Problem] = []
    own = [Finding(path, text, "warning") for path, text in doc.warnings()]
    for finding in [*own, *findings(doc)]:
        line, column = locate(finding.path)
        label = label_of(model, finding.path)
        problem = Problem(finding.message, _dotted(finding.path), file, line, column, severity=finding.severity, label=label)
        (warnings if finding.severity == "warning" else broken).append(problem)
    if broken:
        raise LoadError(broken)
    referred = resolver.warnings[earlier:] if resolver is not None else []
    return Checked(doc, [*referred, *warnings])


# What pydantic's own errors say, as a person filling in a document needs it said.
_PYDANTIC: dict[str, str] = {
    "missing": N_("this field is required"),
    "extra_forbidden": N_("unknown field; check its spelling (`tcdocs schema` lists the fields)"),
    "string_type": N_("write text here"),
    "string_too_short": N_("write something here"),
    "string_too_long": N_("this is longer than {max_length} characters; shorten it"),
    "too_short": N_("give at least {min_length} here"),
    "too_long": N_("give at most {max_length} here"),
    "greater_than_equal": N_("give a number of at least {ge}"),
    "greater_than": N_("give a number greater than {gt}"),
    "less_than_equal": N_("give a number of at most {le}"),
    "less_than": N_("give a number less than {lt}"),
    "int_parsing": N_("give a whole number, such as 12"),
    "int_type": N_("give a whole number, such as 12"),
    "int_from_float": N_("give a whole number, such as 12"),
    "decimal_parsing": N_("give an amount, such as 40 000 or 2,50"),
    "decimal_type": N_("give an amount, such as 40 000 or 2,50"),
    "decimal_max_digits": N_("give an amount of at most {max_digits} digits"),
    "decimal_max_places": N_("give an amount to the öre at most: two decimals"),
    "decimal_whole_digits": N_("give an amount of at most {whole_digits} digits before the decimal comma"),
    "finite_number": N_("give an amount, such as 40 000 or 2,50"),
    "date_parsing": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "date_type": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "date_from_datetime_parsing": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "date_from_datetime_inexact": N_("give a date as ÅÅÅÅ-MM-DD, such as 2027-01-31"),
    "time_parsing": N_("give a time as TT:MM, such as 13:30"),
    "time_type": N_("give a time as TT:MM, such as 13:30"),
    "bool_parsing": N_("answer ja or nej (true or false)"),
    "bool_type": N_("answer ja or nej (true or false)"),
    "enum": N_("choose one of: {expected}"),
    "literal_error": N_("choose one of: {expected}"),
    "list_type": N_("give a list here: one line for each, starting with '- '"),
    "dict_type": N_("give the fields of this part here, indented below it"),
    "model_type": N_("give the fields of this part here, indented below it"),
    "model_attributes_type": N_("give the fields of this part here, indented below it"),
}


def _explain(error: ErrorDetails, model: type[Document]) -> list[tuple[Path_, str]]:
    # A tagged union puts its tag ("<samverkansavtal>") into the location; the file has no such key.
    path: Path_ = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("<")))
    context = error.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, RuleError):
        return [((*path, *sub), message) for sub, message in cause.problems]
    if isinstance(cause, LoadError):
        return [(path, Message("{problems}", problems=Lines(cause.problems)))]
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Message):
        return [(path, cause.args[0])]
    template = _PYDANTIC.get(error["type"])
    if template is not None:
        params = {key: _plain(value) for key, value in context.items()}
        try:
            return [(path, Message(template, **params))]
        except (KeyError, IndexError):
            pass
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return [(path, message)]


def _plain(value: Any) -> Any:
    # pydantic lists choices as "'a', 'b' or 'c'": the word "or" would be English in Swedish.
    if isinstance(value, str) and " or " in value and value.startswith("'"):
        return value.replace(" or ", ", ")
    return value


def label_of(model: type[Document], path: Path_) -> str:
    """The field at *path* as the form names it: its Swedish titles, list positions counted from 1.

    ``("parties", 2, "org_number")`` is ``Parter › 3 › Organisationsnummer``.
    """
    parts: list[str] = []
    current: Any = model
    for part in path:
        if isinstance(part, int):
            parts.append(str(part + 1))
            current = _item_type(current)
            continue
        field = _field(current, part)
        if field is None:
            parts.append(criterion_title(part) or str(part))
            current = _item_type(current)
            continue
        parts.append(field.title or part)
        current = field.annotation
    return " › ".join(parts)


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation can hold (through Optional, unions and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models(arg)]


def _field(annotation: Any, name: str) -> FieldInfo | None:
    for model in _models(annotation):
        if name in model.model_fields:
            return model.model_fields[name]
    return None


def _item_type(annotation: Any) -> Any:
    """What a list or mapping holds: the type of one item."""
    for arg in get_args(annotation):
        origin = get_origin(arg)
        if origin in (list, dict):
            return get_args(arg)[-1]
        found = _item_type(arg)
        if found is not None:
            return found
    if get_origin(annotation) in (list, dict):
        return get_args(annotation)[-1]
    return None


def load_text(text: str, file: str | None = None, sources: Sources | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Validate a document given as YAML text. Raises :class:`LoadError`.

    Without *sources*, a document it refers to must be written out inline.
    """
    data, positions = read_yaml(text, file, limits)
    return validate_data(data, file, positions, sources)


def load(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read and validate the YAML file at *path* into its document model.

    Raises :class:`LoadError` listing every problem as ``file:line:col: field: message``.
    """
    return load_checked(path, limits).doc


def load_checked(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Checked:
    """:func:`load`, also returning the document's warnings (``Problem.severity == "warning"``).

    A warning does not stop the document: a granskningsprotokoll sent more than a
    month after the visit still renders, and the command line reports it.
    """
    located = load_located(path, limits)
    return Checked(located.doc, located.warnings)


class Located(NamedTuple):
    """A document as read from its file: its warnings, and where each of its fields stands in the file,
    so that what is found about it later (by :mod:`tcdocs.road`) is located as its own problems are."""

    file: str
    doc: Document
    warnings: list[Problem]
    positions: Mapping[Path_, Position]

    def problem(self, path: Path_, message: str, severity: str = "error") -> Problem:
        """A problem at *path* of this document (or the nearest field the file has)."""
        line, column = _locate(self.positions, path)
        return Problem(message, _dotted(path), self.file, line, column, severity=severity, label=label_of(type(self.doc), path))


def load_located(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Located:
    """:func:`load_checked`, also keeping where the fields are. Raises :class:`LoadError`."""
    path = Path(path)
    name = shown(path)
    raw = read_file(path, limits)
    try:
        key: object = path.resolve()
    except (OSError, RuntimeError):
        key = None
    return _located(name, raw, _Resolver(Files(path.parent, limits), first=key), limits)


def read_located(name: str, raw: bytes, sources: Sources) -> Located:
    """The document in *raw*, named *name*, whose references are found in *sources* (files uploaded
    together with it). Raises :class:`LoadError`."""
    return _located(name, raw, _Resolver(sources, first=Path(name).name), sources.limits)


def _located(name: str, raw: bytes, resolver: _Resolver, limits: Limits) -> Located:
    text = _decode(raw, name)
    read = read_json if name.lower().endswith(".json") else read_yaml
    data, positions = read(text, name, limits)
    checked = _check(data, name, positions, resolver)
    return Located(name, checked.doc, checked.warnings, positions)


def dump_yaml(doc: Document) -> str:
    """*doc*'s data as a YAML file that :func:`load` reads back to the same document: ``kind`` first,
    empty fields left out."""
    import io

    data = doc.model_dump(mode="json", exclude_none=True)
    ordered = {"kind": data.pop("kind"), **data}
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump(ordered, out)
    return out.getvalue()


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the regular file at *path*, at most ``limits.max_bytes`` of them.

    A folder, a device (``/dev/zero``), a pipe (which would wait for a writer forever)
    or a symlink loop is refused with :class:`LoadError`, before anything is read.
    """
    name = shown(path)
    try:
        # Opened without blocking, so that a pipe cannot hold the open; then checked.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise LoadError([Problem(Message("cannot read the file: {reason}", reason=_reason(exc)), "", name)]) from None
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        kind = Message("a folder") if stat.S_ISDIR(info.st_mode) else Message("not a regular file (a device or a pipe)")
        raise LoadError([Problem(Message("this is {kind}; give a YAML file", kind=kind), "", name)])
    with os.fdopen(handle, "rb") as stream:
        try:
            raw = stream.read(limits.max_bytes + 1)
        except OSError as exc:
            raise LoadError([Problem(Message("cannot read the file: {reason}", reason=_reason(exc)), "", name)]) from None
    if len(raw) > limits.max_bytes:
        raise LoadError([Problem(Message("the file is larger than {count} bytes", count=limits.max_bytes), "", name, 1, 1)])
    return raw


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return Message("its symbolic links form a loop")
    if exc.errno == errno.ENOENT:
        return Message("there is no such file")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Message("permission denied")
    return exc.strerror or str(exc)

"""Reading YAML into a validated document model, with every problem located by line and column.

The YAML is read as a stream of parser events (ruamel.yaml, YAML 1.2) and turned into
plain Python data here, not by a YAML constructor, for three reasons:

* no tag, anchor or alias can construct or expand anything: they are refused;
* scalars stay exactly as written (``NO``, ``012345``, ``22:22`` stay text); pydantic,
  which knows each field's type, does the only conversion;
* every key and item keeps its position, so a pydantic error maps back to a line.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError
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

from .errors import LoadError, Problem
from .models import KINDS, Document, model_for
from .models.base import RuleError, describe_illegal, first_illegal

__all__ = ["Checked", "Limits", "check_data", "load", "load_checked", "load_text", "validate_data"]

Path_ = tuple[str | int, ...]
Position = tuple[int, int]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
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
                raise _Abort(self.problem(event, f"the file has more than {self.limits.max_nodes} values"))
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
            raise _Abort(self.problem(event, f"YAML tags such as {tag!r} are not allowed; remove the tag"))
        if isinstance(event, ScalarEvent):
            value = event.value
            if event.style is None and tag is None and value in _NULLS:
                value = None
            path = self._attach(event, value)
            where = self.stack[-1].path if path is None else path
            if value is not None and len(value) > self.limits.max_string:
                self.problems.append(
                    self.problem(event, f"the text is longer than {self.limits.max_string} characters", where)
                )
            index = first_illegal(value or "")
            if index is not None:
                self.problems.append(self.problem(event, f"the text holds {describe_illegal(value[index])}", where))
            return
        container: dict[str, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        path = self._attach(event, container)
        if path is None:
            return
        if len(self.stack) >= self.limits.max_depth:
            raise _Abort(self.problem(event, f"the data is nested more than {self.limits.max_depth} levels deep"))
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
                    f"duplicate key {key!r}; it was already given on line {first}",
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
            [Problem(f"byte 0x{raw[exc.start]:02X} is not UTF-8; save the file as UTF-8", "", file, line, column)]
        ) from None


def _check_characters(text: str, file: str | None) -> None:
    # Refused anywhere, even in a comment, with its exact place, before YAML's own
    # less helpful "special characters are not allowed".
    index = first_illegal(text)
    if index is not None:
        line = text.count("\n", 0, index) + 1
        column = index - text.rfind("\n", 0, index)
        raise LoadError([Problem(f"found {describe_illegal(text[index])}", "", file, line, column)])


def read_yaml(text: str, file: str | None = None, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, dict[Path_, Position]]:
    """Parse YAML *text* into plain data and the position of every key and item.

    Raises :class:`LoadError` for syntax errors, duplicate keys, tags, anchors,
    aliases and anything past *limits*.
    """
    if len(text) > limits.max_bytes:
        raise LoadError([Problem(f"the file is larger than {limits.max_bytes} bytes", "", file, 1, 1)])
    _check_characters(text, file)
    reader = _Reader(file, limits)
    try:
        data = reader.read(YAML(typ="safe", pure=True).parse(io.StringIO(text)))
    except _Abort as stop:
        raise LoadError([*reader.problems, stop.problem]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise LoadError([*reader.problems, Problem(f"YAML syntax: {message}", "", file, line, column)]) from None
    except YAMLError as exc:
        raise LoadError([*reader.problems, Problem(f"YAML syntax: {exc}", "", file, 1, 1)]) from None
    if reader.problems:
        raise LoadError(reader.problems)
    return data, reader.positions


class Checked(NamedTuple):
    """A validated document and the warnings about it, located like problems."""

    doc: Document
    warnings: list[Problem]


def validate_data(
    data: Any,
    file: str | None = None,
    positions: Mapping[Path_, Position] | None = None,
    base_dir: Path | None = None,
) -> Document:
    """Validate plain data (as from YAML or JSON) into the model its ``kind`` names.

    *positions* maps field paths to (line, column) so problems point into the file;
    *base_dir* is where relative references to other data files are resolved.
    Raises :class:`LoadError` with every problem found.
    """
    return check_data(data, file, positions, base_dir).doc


def check_data(
    data: Any,
    file: str | None = None,
    positions: Mapping[Path_, Position] | None = None,
    base_dir: Path | None = None,
    allow_paths: bool = True,
) -> Checked:
    """:func:`validate_data`, also returning the document's warnings located in the file.

    With *allow_paths* false, a reference to another document must be given inline:
    data from a request or a PDF never makes tcdocs read a file of its choosing.
    """
    positions = positions or {}

    def locate(path: Path_) -> Position | tuple[None, None]:
        for end in range(len(path), -1, -1):
            if path[:end] in positions:
                return positions[path[:end]]
        return (None, None)

    if not isinstance(data, dict):
        raise LoadError([Problem("the file must be a mapping of fields, starting with 'kind:'", "", file, *locate(()))])
    kind = data.get("kind")
    if kind not in KINDS:
        known = ", ".join(KINDS)
        message = f"unknown document kind {kind!r}; use one of: {known}" if kind else f"missing 'kind:'; use one of: {known}"
        raise LoadError([Problem(message, "kind", file, *locate(("kind",)))])
    model = model_for(kind)
    try:
        doc = model.model_validate(data, context={"base_dir": base_dir, "file": file, "allow_paths": allow_paths})
    except ValidationError as exc:
        problems: list[Problem] = []
        for error in exc.errors(include_url=False):
            for path, message in _explain(error, model):
                problems.append(Problem(message, _dotted(path), file, *locate(path)))
        raise LoadError(problems) from None
    warnings = []
    for path, message in doc.warnings():
        line, column = locate(path)
        warnings.append(Problem(message, _dotted(path), file, line, column, severity="warning"))
    return Checked(doc, warnings)


def _explain(error: ErrorDetails, model: type[Document]) -> list[tuple[Path_, str]]:
    # A tagged union puts its tag ("<samverkansavtal>") into the location; the file has no such key.
    path: Path_ = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("<")))
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, RuleError):
        return [((*path, *sub), message) for sub, message in cause.problems]
    if isinstance(cause, LoadError):
        return [(path, str(cause))]
    kind = error["type"]
    if kind == "missing":
        return [(path, "this field is required")]
    if kind == "extra_forbidden":
        return [(path, "unknown field; check its spelling (`tcdocs schema` lists the fields)")]
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return [(path, message)]


def load_text(text: str, file: str | None = None, base_dir: Path | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Validate a document given as YAML text. Raises :class:`LoadError`."""
    data, positions = read_yaml(text, file, limits)
    return validate_data(data, file, positions, base_dir)


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
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise LoadError([Problem(f"the file is larger than {limits.max_bytes} bytes", "", name, 1, 1)])
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError([Problem(f"cannot read the file: {exc.strerror or exc}", "", name)]) from None
    data, positions = read_yaml(_decode(raw, name), name, limits)
    return check_data(data, name, positions, path.parent)

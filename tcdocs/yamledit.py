"""New values written into a YAML file's text, leaving every other character of it as it was.

Edits read back from a Word file (:mod:`tcdocs.edits`) become changes of the data file;
the person who keeps that file has put comments, an order and line breaks in it, so the
file is not dumped again: each changed value is replaced where it stands, between the
positions the YAML parser gives for it, in a style that reads back as exactly that value
(as it was written: plain, quoted or a ``|`` block). A field the file does not give yet
is added at the end of its mapping. The result is read again and compared value by value
before it is returned, so a change can never land anywhere else.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    CollectionStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)

from .data import Path_, read_data
from .errors import LoadError
from .models.criteria import criterion_key

__all__ = ["UnwritableChange", "resolve", "write_values", "yaml_value"]


class UnwritableChange(Exception):
    """A change that cannot be written into the file as it is (its place is a flow mapping, or its
    parent is missing); the caller says so and leaves the file's value alone."""

    def __init__(self, path: Path_) -> None:
        super().__init__(path)
        self.path = path


@dataclass
class _Scalar:
    start: int
    end: int
    style: str | None
    line_start: int  # where the line the value starts on begins


@dataclass
class _Mapping:
    flow: bool
    key_column: int | None = None
    end: int = 0  # the end of the last value in it
    keys: list[str] = field(default_factory=list)


@dataclass
class _Frame:
    path: Path_
    mapping: _Mapping | None
    items: int = 0
    key: str | None = None


class _Layout:
    """Where each scalar and mapping of a YAML text stands, by its path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scalars: dict[Path_, _Scalar] = {}
        self.mappings: dict[Path_, _Mapping] = {}
        stack: list[_Frame] = []
        for event in YAML(typ="safe", pure=True).parse(io.StringIO(text)):
            if isinstance(event, MappingEndEvent | SequenceEndEvent):
                stack.pop()
                continue
            if not isinstance(event, ScalarEvent | CollectionStartEvent):
                continue
            path = self._place(stack, event)
            if path is None:
                continue
            for frame in stack:
                if frame.mapping is not None:
                    frame.mapping.end = max(frame.mapping.end, event.end_mark.index)
            if isinstance(event, ScalarEvent):
                start = event.start_mark.index
                self.scalars[path] = _Scalar(start, event.end_mark.index, event.style, text.rfind("\n", 0, start) + 1)
            else:
                mapping = _Mapping(bool(event.flow_style)) if isinstance(event, MappingStartEvent) else None
                if mapping is not None:
                    self.mappings[path] = mapping
                stack.append(_Frame(path, mapping))

    def _place(self, stack: list[_Frame], event: Event) -> Path_ | None:
        if not stack:
            return ()
        frame = stack[-1]
        if frame.mapping is None:
            frame.items += 1
            return (*frame.path, frame.items - 1)
        if frame.key is None:
            frame.key = str(getattr(event, "value", ""))
            frame.mapping.keys.append(frame.key)
            if frame.mapping.key_column is None:
                frame.mapping.key_column = event.start_mark.column
            return None
        key, frame.key = frame.key, None
        return (*frame.path, key)

    def resolve(self, path: Path_) -> Path_:
        """*path* as the file spells it: a criterion the model keys as ``larmiljo`` may be written ``6``."""
        resolved: Path_ = ()
        for part in path:
            mapping = self.mappings.get(resolved)
            if isinstance(part, str) and mapping is not None and part not in mapping.keys:
                part = next((key for key in mapping.keys if criterion_key(key) == part), part)
            resolved = (*resolved, part)
        return resolved


def resolve(text: str, path: Path_) -> Path_:
    """*path*, a field's path in the model, as the YAML *text* spells it."""
    return _Layout(text).resolve(path)


def yaml_value(value: Any) -> str:
    """A value as the data file writes it: a date as ÅÅÅÅ-MM-DD, an amount without exponent, text as it is."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat() if isinstance(value, dt.date) else value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def write_values(text: str, changes: Mapping[Path_, Any], file: str | None = None) -> str:
    """*text* with the value at each path of *changes* (as the model names it) replaced by the new one.

    Raises :class:`UnwritableChange` for a change the file gives no place for, and
    :class:`LoadError` if *text* is not YAML that :func:`tcdocs.data.read_data` reads.
    """
    read_data(text, file)  # the file must be one tcdocs reads; its problems are said as its own
    try:
        layout = _Layout(text)
    except YAMLError:  # pragma: no cover - read_data has refused anything the parser cannot read
        raise LoadError([]) from None
    edits: list[tuple[int, int, str]] = []
    expected: dict[Path_, str] = {}
    for model_path, value in changes.items():
        path = layout.resolve(model_path)
        wanted = yaml_value(value)
        expected[path] = wanted
        scalar = layout.scalars.get(path)
        if scalar is not None:
            edits.append((scalar.start, scalar.end, _scalar(text, scalar, wanted)))
            continue
        parent = layout.mappings.get(path[:-1])
        if parent is None or parent.flow or not path or isinstance(path[-1], int) or parent.key_column is None:
            raise UnwritableChange(model_path)
        line_end = text.find("\n", parent.end)
        at = len(text) if line_end < 0 else line_end + 1
        prefix = "" if line_end >= 0 else "\n"
        edits.append((at, at, f"{prefix}{' ' * parent.key_column}{path[-1]}: {_plain_or_quoted(wanted)}\n"))
    out = text
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    _check(text, out, expected, file)
    return out


def _scalar(text: str, scalar: _Scalar, value: str) -> str:
    """*value* written where *scalar* was, in its style where that style can hold it."""
    if scalar.style in ("|", ">"):
        if "\n" not in value and scalar.style == ">":
            return _plain_or_quoted(value) + "\n"
        original = text[scalar.start : scalar.end]
        header = original.split("\n", 1)[0]
        lines = original.split("\n")[1:]
        indent = next((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), 2)
        trailing = "\n" * max(1, len(original) - len(original.rstrip("\n")))
        head = "|-" if not value.endswith("\n") else "|"
        comment = header[header.index("#") :] if "#" in header else ""
        body = "\n".join(" " * indent + line if line else "" for line in value.rstrip("\n").split("\n"))
        return f"{head}{' ' + comment if comment else ''}\n{body}{trailing}"
    if scalar.style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if scalar.style == '"':
        return _double(value)
    return _plain_or_quoted(value)


def _plain_or_quoted(value: str) -> str:
    """*value* plain where YAML reads it back as the same text, in double quotes otherwise."""
    if value and "\n" not in value and value == value.strip() and not value.startswith(("'", '"', "- ", "#")):
        try:
            data, _ = read_data(f"v: {value}\n")
        except LoadError:
            data = None
        if isinstance(data, dict) and data.get("v") == value and "#" not in value:
            return value
    return _double(value)


def _double(value: str) -> str:
    # JSON's escapes are a subset of YAML's double-quoted ones.
    return json.dumps(value, ensure_ascii=False)


def _check(before: str, after: str, expected: Mapping[Path_, str], file: str | None) -> None:
    """Read *after* again: every changed path holds its new value, every other value is as it was."""
    old, _ = read_data(before, file)
    new, _ = read_data(after, file)
    for path, value in expected.items():
        old = _set(old, path, value)
    if _normal(old) != _normal(new):
        raise UnwritableChange(next(iter(expected), ()))


def _set(data: Any, path: Path_, value: str) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        copy[str(head)] = _set(copy.get(str(head)), rest, value)
        return copy
    if isinstance(data, list) and isinstance(head, int) and head < len(data):
        items = list(data)
        items[head] = _set(items[head], rest, value)
        return items
    return data


def _normal(data: Any) -> Any:
    """Values as the model will read them: a text block's final line break makes no difference."""
    if isinstance(data, dict):
        return {key: _normal(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_normal(item) for item in data]
    return data.rstrip("\n") if isinstance(data, str) else data

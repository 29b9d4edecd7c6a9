"""Two versions of a document compared field by field, each field named as the form names it.

    >>> changes("samverkansavtal.yaml", before, after)
    [Change(path='financing.amount', label='Finansiering › Belopp', before='40000', after='45000')]

A field is a leaf of the document's data: a text, a number, a date, a yes or no, a choice
(shown by its Swedish name, as the form lists it), or the file name of a document it refers
to. A field added or removed has ``None`` on the side that lacks it. Texts that are not YAML
naming a known kind raise :class:`~tcdocs.errors.LoadError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..data import Path_, dotted
from ..fieldnames import label_of
from ..forms import form_schema
from ..messages import Message, say
from ..models import model_for
from .cases import _fields

__all__ = ["Change", "changes"]


@dataclass(frozen=True)
class Change:
    """One field that differs: its path (``parties[0].name``), its name as the form shows it, and its
    value before and after as a person reads it (None: the field is not there)."""

    path: str
    label: str
    before: str | None
    after: str | None

    def as_json(self, language: str = "sv") -> dict[str, Any]:
        return {
            "path": self.path,
            "field": self.label if language == "sv" else self.path,
            "before": self.before,
            "after": self.after,
        }


def changes(name: str, before: str, after: str, language: str = "sv") -> list[Change]:
    """The fields that differ between the texts *before* and *after* of the document *name*, in the
    order *after* has them, then those only *before* has."""
    old, new = _fields(name, before), _fields(name, after)
    kind = str(new["kind"])
    model, schema = model_for(kind), form_schema(kind)
    old_leaves, new_leaves = dict(_leaves(old)), dict(_leaves(new))
    order = list(new_leaves) + [path for path in old_leaves if path not in new_leaves]
    found = []
    for path in order:
        was, now = old_leaves.get(path), new_leaves.get(path)
        if was == now:
            continue
        node = _node(schema, path, now if now is not None else was)
        found.append(Change(dotted(path), label_of(model, path), _shown(was, node, language), _shown(now, node, language)))
    return found


def _leaves(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    if isinstance(value, dict):
        for key, part in value.items():
            if path or key != "kind":
                yield from _leaves(part, (*path, str(key)))
    elif isinstance(value, list):
        if not value:
            yield path, None
        for index, part in enumerate(value):
            yield from _leaves(part, (*path, index))
    else:
        yield path, value


def _node(schema: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    """The form schema's node for the field at *path* (the details branch of a reference given written out)."""
    node = schema
    for part in path:
        if "x-reference" in node:
            node = next((arm for arm in node.get("anyOf", []) if arm.get("x-branch") == "details"), {})
        node = node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {})
    return node


def _shown(value: Any, node: dict[str, Any], language: str) -> str | None:
    """*value* as a person reads it in the form: a choice by its name, yes or no in words."""
    if value is None:
        return None
    if isinstance(value, bool):
        return say(Message("yes") if value else Message("no"), language)
    codes, titles = node.get("enum"), node.get("x-enumTitles")
    if isinstance(codes, list) and isinstance(titles, list) and value in codes and titles[codes.index(value)]:
        return str(titles[codes.index(value)])
    return str(value)


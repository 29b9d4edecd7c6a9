"""The form the page draws for a document kind: the kind's JSON Schema, shaped for a form.

The page's form library (Jedison) draws a field for each property of a JSON Schema. The
schema of a kind says everything the form needs (Swedish titles and help, choices with
their Swedish names, dates, lists), but in the shapes pydantic writes; this turns them
into the shapes a form shows well, from the schema alone, so a kind added later gets its
form without any code for the page:

* ``$ref`` is written out in place, and an optional field (``anyOf`` with ``null``) is
  simply its type: a field left empty is left out of the document;
* a choice is a list of its Swedish names (``x-enumTitles``), with an empty first choice
  (``""``) when the schema has no default, so nothing is chosen for the user;
* yes or no is a checkbox; a date or a time is a date or time field; text that may run
  longer than a line is a text area; a number may be left empty (``number-nullable``);
* an amount (pydantic writes a decimal as "a number or a string") is text, sent as the
  person wrote it (``40 000 kr``, ``2,50``), for the service reads it as Swedish;
* a list's items are numbered by the name of one item (``Part 1``, ``Part 2``), from ``labels.yaml``;
* a mapping keyed by a fixed set of names (the eight criteria) is one part per name;
* a field that names another document (``agreement``, ``protocol``) comes marked
  ``x-reference`` with the other kind from its model (:func:`~tcdocs.models.references.mark_references`),
  and offers two branches (``x-branch``): ``file``, the name of a file uploaded with it
  (the page fills in the names), or ``details``, the other document's details written
  out (the shape the schema gives for them, or else the other document in full).

Everything here is structure; the words the page adds (the name of the empty choice, of
the two branches of a reference) are the page's, in the reader's language.
"""

from __future__ import annotations

import copy
from typing import Any

from .catalogue import schema

__all__ = ["LONG_TEXT", "form_schema"]

LONG_TEXT = 300
"""Text allowed to be longer than this many characters gets a text area."""

_VALIDATION_ONLY = ("ge", "le", "max_digits", "decimal_places", "$schema")
"""Keywords pydantic writes for its own validation, which mean nothing to a form."""


def form_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of *kind* shaped for the page's form (see the module's description).

    Raises :class:`~tcdocs.errors.UsageError` for an unknown kind.
    """
    document: dict[str, Any] = schema(kind)
    definitions: dict[str, Any] = document.pop("$defs", {})
    shaped: dict[str, Any] = _shape(_inline(document, definitions, frozenset()))
    return shaped


def _inline(node: Any, definitions: dict[str, Any], expanding: frozenset[str]) -> Any:
    """*node* with every ``$ref`` replaced by a copy of its definition; the referring keys win.

    A definition that contains itself is not written out again inside itself (a form
    cannot be infinitely deep); that part stays for the YAML view.
    """
    if isinstance(node, list):
        return [_inline(item, definitions, expanding) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        extra = {key: value for key, value in node.items() if key != "$ref"}
        if name in expanding:
            return extra
        target = copy.deepcopy(definitions[name])
        if "enum" in target:
            target.pop("description", None)  # it describes the type by its raw values; the field has its own words
        return _inline({**target, **extra}, definitions, expanding | {name})
    return {key: _inline(value, definitions, expanding) for key, value in node.items()}


def _shape(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = {key: value for key, value in node.items() if key not in _VALIDATION_ONLY}
    if "x-reference" in node:
        return _reference(node)
    arms = node.pop("anyOf", None)
    if arms is None and "enum" not in node:
        arms = node.pop("oneOf", None)
    if arms is not None:
        return _union(node, arms)
    if "const" in node:
        node["default"] = node["const"]
        node["x-hidden"] = True
    elif "enum" in node:
        _choice(node)
    kind = node.get("type")
    if node.get("format") in ("date", "time"):
        node["x-format"] = node["format"]
    elif kind == "boolean":
        node["x-format"] = "checkbox"
    elif kind in ("integer", "number"):
        node["type"] = [kind, "null"]
        node["x-format"] = "number-nullable"
        node.setdefault("default", None)
    elif kind == "string" and "enum" not in node and node.get("maxLength", 0) > LONG_TEXT:
        node["x-format"] = "textarea"
    if isinstance(node.get("properties"), dict):
        node["properties"] = {key: _shape(value) for key, value in node["properties"].items()}
    if isinstance(node.get("items"), dict):
        item = _shape(node["items"])
        title = item.get("title") or node.get("title")
        item["title"] = f"{title} {{{{ i1 }}}}" if title else "{{ i1 }}"
        node["items"] = item
    _fixed_names(node)
    return node


def _choice(node: dict[str, Any]) -> None:
    """A choice among values: their Swedish names, and an empty first choice if there is no default."""
    names = {choice["const"]: choice.get("title", choice["const"]) for choice in node.pop("oneOf", [])}
    values = list(node["enum"])
    titles = [_sentence(str(names.get(value, str(value).replace("_", " ")))) for value in values]
    if node.get("default") is None:
        values.insert(0, "")
        titles.insert(0, "")
    node["enum"] = values
    node["x-enumTitles"] = titles


def _sentence(text: str) -> str:
    """*text* as a list shows it: the first letter a capital, the rest as written."""
    return text[:1].upper() + text[1:]


def _fixed_names(node: dict[str, Any]) -> None:
    """A mapping whose keys are a fixed set of names (the criteria) becomes one part per name, in order."""
    names = node.get("propertyNames", {}).get("oneOf") if isinstance(node.get("propertyNames"), dict) else None
    if not names or not isinstance(node.get("additionalProperties"), dict):
        return
    part = _shape(node.pop("additionalProperties"))
    node.pop("propertyNames")
    node["properties"] = {name["const"]: {**copy.deepcopy(part), "title": name.get("title", name["const"])} for name in names}
    node["required"] = [name["const"] for name in names]
    node["additionalProperties"] = False


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "null"


def _is_document(node: Any) -> bool:
    return isinstance(node, dict) and "kind" in node.get("properties", {})


def _union(node: dict[str, Any], arms: list[Any]) -> dict[str, Any]:
    """One of several shapes: an optional value, or an amount."""
    others = [arm for arm in arms if not _is_null(arm)]
    if len(others) == 1:
        inner = _shape(others[0])
        merged = {**inner, **node}  # the field's own title, help and default win over its type's
        if merged.get("default", "") is None and merged.get("x-format") != "number-nullable":
            del merged["default"]  # left empty, the field is left out: no null in the form
        return merged
    node.pop("default", None)
    if all(isinstance(arm, dict) and arm.get("type") in ("number", "integer", "string") for arm in others):
        # An amount: pydantic writes a decimal as a number or a string; a person writes text.
        return {**node, "type": "string", "x-format": "money"}
    return {**node, "anyOf": [_shape(arm) for arm in others]}


def _reference(node: dict[str, Any]) -> dict[str, Any]:
    """A field that names another document: the name of a file uploaded with it, or the other's details.

    The details are the shape the schema gives for them (a hängavtal's summary of its
    samverkansavtal), or else the other document itself, written out in full.
    """
    field: dict[str, Any] = {key: node.pop(key) for key in ("title", "description", "x-reference") if key in node}
    node.pop("default", None)
    arms = node.pop("anyOf", None) or node.pop("oneOf", None) or [node]
    shapes = [arm for arm in arms if not _is_null(arm)]
    details = []
    for arm in [arm for arm in shapes if not _is_document(arm)] or shapes:
        branch = _shape(arm)
        branch.pop("title", None)  # a model's class name; the branch takes the field's title
        details.append({**branch, "x-branch": "details"})
    uploaded = {"type": "string", "enum": [""], "x-enumTitles": [""], "x-branch": "file"}
    return {**field, "anyOf": [uploaded, *details]}

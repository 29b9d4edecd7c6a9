"""What tcdocs can make: the document kinds, their JSON Schemas and commented starter files."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .labels import labels
from .models import KINDS, model_for
from .resources import template_roots

__all__ = ["kinds", "schema", "schema_json", "starter"]


def kinds() -> dict[str, str]:
    """Each document kind's ``kind:`` value mapped to its Swedish name, in process order."""
    return {name: model.kind_title for name, model in KINDS.items()}


def schema(kind: str) -> dict[str, object]:
    """The JSON Schema of *kind*, with Swedish titles and descriptions for editor help.

    Raises :class:`~tcdocs.errors.UsageError` for an unknown kind.
    """
    model = model_for(kind)
    document = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = model.kind_title
    names = labels(template_roots())
    _name_choices(document, names)
    _name_items(document, model.__name__, names.get("ListItem", {}))
    return document


def _name_choices(document: dict[str, Any], names: dict[str, dict[str, str]]) -> None:
    """Give every choice (enum) its Swedish name, as ``oneOf`` with ``const`` and ``title``.

    An enum type is named by its type (``$defs/PartyType``), a choice written into a
    field by its model and field (``Financing.model``), from the built-in ``labels.yaml``.
    """

    def titled(node: dict[str, Any], group: str) -> None:
        if "enum" in node and group in names:
            node["oneOf"] = [{"const": value, "title": names[group].get(value, value)} for value in node["enum"]]

    for name, definition in document.get("$defs", {}).items():
        titled(definition, name)
        for field, node in definition.get("properties", {}).items():
            titled(node, f"{name}.{field}")
    for field, node in document.get("properties", {}).items():
        titled(node, f"{document.get('title', '')}.{field}")


def _name_items(document: dict[str, Any], root: str, names: dict[str, str]) -> None:
    """Give every list's items the Swedish name of one item (``items.title``: Part, Utbildning).

    A list is named by its model and field (``Samverkansavtal.parties``), from the ``ListItem``
    names of the built-in ``labels.yaml``.
    """
    for model, definition in [(root, document), *document.get("$defs", {}).items()]:
        for field, node in definition.get("properties", {}).items():
            for shape in node.get("anyOf", [node]):
                name = names.get(f"{model}.{field}")
                if shape.get("type") == "array" and isinstance(shape.get("items"), dict) and name:
                    shape["items"]["title"] = name


def schema_json(kind: str) -> str:
    """:func:`schema` as indented JSON text, keys in a stable order."""
    return json.dumps(schema(kind), ensure_ascii=False, indent=2)


def starter(kind: str) -> str:
    """A commented starter YAML for *kind* that validates and renders as it is.

    Raises :class:`~tcdocs.errors.UsageError` for an unknown kind.
    """
    model_for(kind)
    return resources.files("tcdocs").joinpath("starters", f"{kind}.yaml").read_text(encoding="utf-8")

"""What tcdocs can make: the document kinds, their JSON Schemas and commented starter files."""

from __future__ import annotations

import json
from importlib import resources

from .models import KINDS, model_for

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
    return document


def schema_json(kind: str) -> str:
    """:func:`schema` as indented JSON text, keys in a stable order."""
    return json.dumps(schema(kind), ensure_ascii=False, indent=2)


def starter(kind: str) -> str:
    """A commented starter YAML for *kind* that validates and renders as it is.

    Raises :class:`~tcdocs.errors.UsageError` for an unknown kind.
    """
    model_for(kind)
    return resources.files("tcdocs").joinpath("starters", f"{kind}.yaml").read_text(encoding="utf-8")

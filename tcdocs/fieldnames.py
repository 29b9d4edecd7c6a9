"""The fields of a document model by their paths: what a person calls each one, and what it holds.

A path is what the loader and the tracing of the wording give (``("parties", 2, "org_number")``);
a person knows the field by the form's Swedish titles (``Parter › 3 › Organisationsnummer``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .models.criteria import criterion_title

__all__ = ["label_of", "scalar_type"]

Path_ = tuple[str | int, ...]


def label_of(model: type[BaseModel], path: Path_) -> str:
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


_SCALARS: tuple[type, ...] = (bool, int, Decimal, dt.date, dt.time, str, Enum)


def scalar_type(model: type[BaseModel], path: Path_) -> type | None:
    """What the field at *path* holds, when it is one value: ``str``, ``int``, ``Decimal``, ``dt.date``,
    ``dt.time``, ``bool`` or an ``Enum``; None for a part of the document, a list or an unknown path."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            current = _item_type(current)
            continue
        field = _field(current, part)
        current = _item_type(current) if field is None else field.annotation
        if current is None:
            return None
    return _scalar(current)


def _scalar(annotation: Any) -> type | None:
    if get_origin(annotation) is Annotated:
        return _scalar(get_args(annotation)[0])
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return None
        return next((annotation for kind in _SCALARS if issubclass(annotation, kind)), None)
    if get_origin(annotation) in (list, dict):
        return None
    found = {_scalar(arg) for arg in get_args(annotation) if arg is not type(None)}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


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

"""The document kinds tcdocs knows, one model module each, chosen by the ``kind:`` field.

Every module of this package is imported here, and each kind registers itself when its
class is defined (:class:`~tcdocs.models.base.Document`), so a new kind is a new module:
nothing lists the kinds by hand.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..errors import UsageError
from ..messages import Message
from .base import Document, registered

__all__ = ["KINDS", "Document", "model_for"]

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

KINDS: dict[str, type[Document]] = registered()
"""Every document kind by the name its ``kind:`` field takes, in the order of the handbook's road."""


def model_for(kind: str) -> type[Document]:
    """Return the model class for *kind*; raise :class:`UsageError` naming the known kinds."""
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(KINDS)
        raise UsageError(Message("unknown document kind '{kind}'; known kinds: {known}", kind=kind, known=known)) from None

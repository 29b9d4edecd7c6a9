"""The document kinds tcdocs knows, one model module each, chosen by the ``kind:`` field."""

from __future__ import annotations

from ..errors import UsageError
from ..messages import Message
from .base import Document
from .beslut import Beslut
from .granskningsprotokoll import Granskningsprotokoll
from .hangavtal import Hangavtal
from .intresseanmalan import Intresseanmalan
from .samverkansavtal import Samverkansavtal
from .styrgruppsprotokoll import Styrgruppsprotokoll

__all__ = ["KINDS", "Document", "model_for"]

KINDS: dict[str, type[Document]] = {
    "samverkansavtal": Samverkansavtal,
    "hangavtal": Hangavtal,
    "granskningsprotokoll": Granskningsprotokoll,
    "beslut": Beslut,
    "styrgruppsprotokoll": Styrgruppsprotokoll,
    "intresseanmalan": Intresseanmalan,
}
"""Every document kind by the name its ``kind:`` field takes, in process order."""


def model_for(kind: str) -> type[Document]:
    """Return the model class for *kind*; raise :class:`UsageError` naming the known kinds."""
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(KINDS)
        raise UsageError(Message("unknown document kind '{kind}'; known kinds: {known}", kind=kind, known=known)) from None

"""Who may do what with the stored cases, and the tokens users prove who they are with.

A region's processledare reads and writes that region's cases, except the documents RTS
kansli writes; an officer of RTS kansli reads every case and writes only those documents
(each kind says who writes it: ``Document.writer``); an administrator manages users and may
do everything else too. Every refusal is a :class:`~tcdocs.errors.Forbidden` saying why.

A token is 32 random bytes, shown once; the store keeps only its SHA-256. A token of that
entropy needs no slow hash: nobody can guess one from its hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import TypeVar

from ..catalogue import kinds
from ..errors import Forbidden
from ..messages import Message
from ..models import KINDS, model_for
from ..models.text import name_key
from .records import User

__all__ = [
    "can_read",
    "can_write",
    "check_admin",
    "check_open",
    "check_read",
    "check_write",
    "find_token",
    "new_token",
    "token_hash",
]

T = TypeVar("T")


def _same_region(user: User, region: str) -> bool:
    return user.region is not None and name_key(user.region) == name_key(region)


def can_read(user: User, region: str) -> bool:
    """Whether *user* may see the cases of *region*."""
    return user.role in ("rts", "admin") or _same_region(user, region)


def can_write(user: User, region: str, kind: str) -> bool:
    """Whether *user* may save a document of *kind* in a case of *region*."""
    writer = model_for(kind).writer
    if user.role == "admin":
        return True
    if user.role == "rts":
        return writer == "rts"
    return writer == "region" and _same_region(user, region)


def _rts_kinds() -> str:
    return ", ".join(_named(name) for name, model in KINDS.items() if model.writer == "rts")


def _named(kind: str) -> str:
    """A kind as a sentence names it: by its name (återkoppling), never its code."""
    return kinds()[kind].lower()


def check_read(user: User, region: str) -> None:
    """Raise :class:`Forbidden` unless *user* may see the cases of *region*."""
    if not can_read(user, region):
        raise Forbidden(
            Message(
                "{user} is the processledare of Teknikcollege {theirs} and cannot see the cases of Teknikcollege {region}",
                user=user.name,
                theirs=user.region or "–",
                region=region,
            )
        )


def check_write(user: User, region: str, kind: str) -> None:
    """Raise :class:`Forbidden` unless *user* may save a *kind* in a case of *region*."""
    if can_write(user, region, kind):
        return
    if user.role == "rts":
        message = Message(
            "{user} of RTS kansli cannot save a {kind}: the region writes it; RTS kansli writes its {kinds}",
            user=user.name,
            kind=_named(kind),
            kinds=_rts_kinds(),
        )
    elif model_for(kind).writer == "rts":
        message = Message("{user} cannot save a {kind}: RTS kansli writes it", user=user.name, kind=_named(kind))
    else:
        message = _other_region(user, region)
    raise Forbidden(message)


def check_open(user: User, region: str) -> None:
    """Raise :class:`Forbidden` unless *user* may open a new case of *region*: its processledare, or an administrator."""
    if user.role == "admin" or (user.role == "processledare" and _same_region(user, region)):
        return
    if user.role == "rts":
        raise Forbidden(Message("{user} of RTS kansli cannot open a case: a region opens its own", user=user.name))
    raise Forbidden(_other_region(user, region))


def _other_region(user: User, region: str) -> Message:
    return Message(
        "{user} is the processledare of Teknikcollege {theirs} and cannot change the cases of Teknikcollege {region}",
        user=user.name,
        theirs=user.region or "–",
        region=region,
    )


def check_admin(user: User) -> None:
    """Raise :class:`Forbidden` unless *user* is an administrator."""
    if user.role != "admin":
        raise Forbidden(Message("{user} is not an administrator; only an administrator manages users", user=user.name))


def new_token() -> str:
    """A new token: 32 random bytes as URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the store keeps of *token*: its SHA-256, in hexadecimal."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def find_token(token: str, holders: Iterable[tuple[str, T]]) -> T | None:
    """The holder whose hash is *token*'s, of (hash, holder) pairs, or None.

    Every hash is compared, each in constant time, so the time taken says nothing about
    which one (if any) matched. There are tens of users, not millions.
    """
    wanted = token_hash(token).encode("ascii")
    found: T | None = None
    for digest, holder in holders:
        if hmac.compare_digest(digest.encode("ascii"), wanted):
            found = holder
    return found

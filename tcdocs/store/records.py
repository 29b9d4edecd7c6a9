"""What the case store gives back: plain, frozen values that outlive the database session.

The service turns them into JSON with ``as_json()``, the command line into lines; neither
sees a database row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = ["ROLES", "AuditEntry", "CaseInfo", "Role", "User", "Version"]

Role = Literal["processledare", "rts", "admin"]
"""A user's role: a region's processledare, an officer of RTS kansli, or an administrator."""

ROLES: tuple[Role, ...] = get_args(Role)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@dataclass(frozen=True)
class User:
    """Someone who works with the stored cases: their name, role and (for a processledare) region.

    The command line acts as an administrator named after the login: whoever can open the
    database can change it anyway, so its access is the file's or the server's.
    """

    name: str
    role: Role
    region: str | None = None
    created: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "region": self.region, "created": _iso(self.created) if self.created else None}


@dataclass(frozen=True)
class CaseInfo:
    """A stored case: its number, its region, and when and by whom it was opened."""

    id: int
    region: str
    created: dt.datetime
    created_by: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "region": self.region, "created": _iso(self.created), "created_by": self.created_by}


@dataclass(frozen=True)
class Version:
    """One saved version of a case's document (its text is read with :meth:`Store.read`).

    Versions are numbered from 1 for each document and never change once saved.
    """

    case: int
    document: str
    kind: str
    number: int
    author: str
    saved: dt.datetime
    note: str
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "document": self.document,
            "kind": self.kind,
            "version": self.number,
            "author": self.author,
            "saved": _iso(self.saved),
            "note": self.note,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class AuditEntry:
    """One change recorded in the audit log: when, who, what, and to which case, document and version."""

    time: dt.datetime
    actor: str
    action: str
    case: int | None
    document: str | None
    version: int | None
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {
            "time": _iso(self.time),
            "actor": self.actor,
            "action": self.action,
            "case": self.case,
            "document": self.document,
            "version": self.version,
            "detail": self.detail,
        }

"""The tables of the case store, as SQLAlchemy models; the migrations in ``migrations/`` make them.

A case holds documents by file name (``ansokan.yaml``); each save of a document adds a
version row with the YAML text exactly as written, its SHA-256, author, time and note, and
no row of ``versions`` is ever changed. What a case's documents say (its step, deadlines,
problems) is read from the latest texts whenever it is asked, never stored beside them.
A test checks that these models and the migrations describe the same schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Dialect, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["AuditRow", "Base", "CalendarRow", "CaseRow", "DocumentRow", "UserRow", "VersionRow"]

NAME = 200
"""The longest name of a person or region the store keeps."""
FILE_NAME = 255


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC: stored as such on PostgreSQL and SQLite alike, read back with its time zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment = value.astimezone(dt.UTC)
        # SQLite keeps no time zone: the text is UTC by this column's contract.
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class Base(DeclarativeBase):
    # Named constraints, so that a later migration can name what it changes on every database.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class CaseRow(Base):
    """A certification case of one region."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(NAME))
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(NAME))


class DocumentRow(Base):
    """A document of a case, by its file name; its kind is fixed by its first version."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("case_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    name: Mapped[str] = mapped_column(String(FILE_NAME))
    kind: Mapped[str] = mapped_column(String(40))


class VersionRow(Base):
    """One saved version of a document. Two saves that both want the next number cannot both
    succeed: the unique (document, number) pair is what refuses the second on every database."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(NAME))
    saved: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500))


class UserRow(Base):
    """A user: name, role, region (a processledare's), and the SHA-256 of their token."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('processledare', 'rts', 'admin')", name="role"),
        CheckConstraint("(role = 'processledare') = (region IS NOT NULL)", name="region"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(NAME))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditRow(Base):
    """A change: who did what to which case (and document and version), when. Names, not keys,
    so the log outlives a user who is removed."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(NAME))
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    document: Mapped[str | None] = mapped_column(String(FILE_NAME))
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(500))


class CalendarRow(Base):
    """The secret of a case's calendar feed: whoever has the feed's address, which holds it, reads the
    case's deadlines, as calendar programs subscribe (they send no key). Kept as it is, not hashed, so
    that the page can show the address again; a new secret replaces the old, whose address then stops."""

    __tablename__ = "calendars"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(NAME))

"""Alembic's entry to the case store's migrations: they run on the connection tcdocs opened.

:func:`tcdocs.store.database.migrate` runs them whenever a store is opened;
``python tools/migration.py "what changes"`` writes a new one from the difference between
the models (:mod:`tcdocs.store.schema`) and the migrations so far.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy.types import TypeDecorator

from tcdocs.store.schema import Base


def _render_item(kind: str, item: Any, autogen: Any) -> str | Literal[False]:
    # A migration says what the database holds (a timestamp with time zone), not which of
    # tcdocs' classes read it: it must still run when that class has changed.
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl!r}"
    return False


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("tcdocs' migrations run on a connection that tcdocs opens (tcdocs.store.database.migrate)")
    # Batch mode: SQLite alters a table by copying it, and a migration written once runs on both databases.
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True, render_item=_render_item
    )
    with context.begin_transaction():
        context.run_migrations()


run()

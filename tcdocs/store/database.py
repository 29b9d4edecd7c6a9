"""Where the case store lives and how it is opened: a database URL, its engine, its migrations.

SQLite is the default: the file ``tcdocs/tcdocs.db`` in the data folder
(``$XDG_DATA_HOME``, else ``~/.local/share``), made on first use, so one machine needs
nothing else running. PostgreSQL, by a ``postgresql://`` URL through psycopg 3, serves
several replicas of the service at once. Opening a store brings its schema up to date with
the Alembic migrations shipped in ``tcdocs/store/migrations``, under a lock, so replicas
started together migrate once.

SQLite writes take the database's write lock when they begin (``BEGIN IMMEDIATE``), so two
writers queue rather than fail, and readers go on beside a writer (write-ahead log).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from ..errors import StoreError, UsageError
from ..messages import Message

__all__ = ["MIGRATIONS", "WRITE", "data_folder", "default_url", "engine_for", "migrate", "shown_url"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE = "tcdocs_write"
"""The execution option that marks a connection's transaction as one that writes."""
BUSY_SECONDS = 30
"""How long an SQLite writer waits for another to finish before giving up."""
# Any fixed number: the key of the PostgreSQL lock that lets one process migrate at a time.
_MIGRATION_LOCK = 0x7463646F6373


def data_folder(environ: dict[str, str] | None = None) -> Path:
    """The folder tcdocs keeps its data in: ``$XDG_DATA_HOME/tcdocs``, else ``~/.local/share/tcdocs``."""
    environ = dict(os.environ) if environ is None else environ
    base = environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "tcdocs"


def default_url(environ: dict[str, str] | None = None) -> str:
    """The store used when none is named: an SQLite file in :func:`data_folder`."""
    return f"sqlite:///{data_folder(environ) / 'tcdocs.db'}"


def _url(given: str | os.PathLike[str]) -> URL:
    """*given* as a database URL: a URL, or the path of an SQLite file."""
    name = os.fspath(given)
    if "://" not in name:
        return URL.create("sqlite", database=str(Path(name).expanduser().absolute()))
    try:
        url = make_url(name)
    except ArgumentError:
        raise UsageError(Message("'{url}' is not a database URL; give sqlite:///FILE or postgresql://HOST/NAME", url=name)) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3, not SQLAlchemy's default psycopg2
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise UsageError(Message("'{url}' is not a database tcdocs can keep cases in; use SQLite or PostgreSQL", url=shown_url(url)))
    return url


def shown_url(url: str | URL) -> str:
    """*url* as messages show it: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url)


def engine_for(given: str | os.PathLike[str]) -> Engine:
    """An engine for the database *given* (URL or SQLite file path). Raises :class:`UsageError`
    for a URL tcdocs cannot use, :class:`StoreError` for an SQLite file whose folder is missing."""
    url = _url(given)
    if url.get_backend_name() == "sqlite":
        return _sqlite(url)
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ModuleNotFoundError, NoSuchModuleError):
        raise UsageError(Message('PostgreSQL needs the postgresql extra: pip install "tcdocs[postgresql]"')) from None


def _sqlite(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not Path(database).parent.is_dir():
        raise StoreError(
            Message(
                "cannot open the database {url}: the folder {folder} does not exist", url=shown_url(url), folder=str(Path(database).parent)
            )
        )
    engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, record: Any) -> None:
        # The driver's own transaction handling would begin late and never for a SELECT;
        # SQLAlchemy says BEGIN itself (below), so that a transaction is one from its start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        # A writer takes the write lock at once: a deferred transaction that read first could
        # find, when it came to write, that another had written since, and fail instead of waiting.
        immediate = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the database's schema up to the newest migration. Raises :class:`StoreError` if
    the database cannot be reached or was made by a newer tcdocs."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    try:
        if _current(engine) == ScriptDirectory.from_config(config).get_current_head():
            return  # nothing to do, and so no need to wait for a writer's lock
        with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except CommandError as exc:
        raise StoreError(
            Message("the database {url} was made by a newer tcdocs ({reason}); upgrade tcdocs", url=shown_url(engine.url), reason=exc)
        ) from None
    except DBAPIError as exc:
        raise StoreError(Message("cannot open the database {url}: {reason}", url=shown_url(engine.url), reason=reason(exc))) from None


def _current(engine: Engine) -> str | None:
    """The revision the database's schema is at (None: a new database)."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection, connection.begin():
        return MigrationContext.configure(connection).get_current_revision()


def reason(exc: DBAPIError) -> str:
    """The database's own words for what went wrong, on one line."""
    original = exc.orig if exc.orig is not None else exc
    return " ".join(str(original).split()) or type(original).__name__

"""The stored case: certification cases kept in a database, every version of every document.

A case is a region's documents, each a YAML text saved under its file name, as a case
folder holds them: ``tcdocs cases import DIR`` and ``tcdocs cases export CASE DIR`` are exact
inverses. Every save is a new version (text as written, author, time, note, SHA-256); a save
based on an older version than the latest is refused with the other version, never written
over it. A case's step, deadlines and problems are read from its latest texts when asked,
as ``tcdocs status`` reads a folder. Users have roles (:mod:`tcdocs.store.access`) and every
change is logged with its author.

SQLite by default (a file in the data folder), PostgreSQL by URL, through SQLAlchemy with
the Alembic migrations in ``migrations/``. ``import tcdocs`` does not import this package
or SQLAlchemy.
"""

from .cases import Store, document_kind, document_name, open_store, sha256
from .database import data_folder, default_url
from .folders import export_all, export_case, import_folder, read_folder
from .records import ROLES, AuditEntry, CaseInfo, Role, User, Version

__all__ = [
    "ROLES",
    "AuditEntry",
    "CaseInfo",
    "Role",
    "Store",
    "User",
    "Version",
    "data_folder",
    "default_url",
    "document_kind",
    "document_name",
    "export_all",
    "export_case",
    "import_folder",
    "open_store",
    "read_folder",
    "sha256",
]

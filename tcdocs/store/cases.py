"""The case store: certification cases whose documents are YAML texts, every version kept.

    >>> from tcdocs.store import User, open_store
    >>> store = open_store("sqlite:///cases.db")
    >>> anna = User("Anna Berg", "processledare", region="Nordvik")
    >>> case = store.create_case("Nordvik", by=anna)
    >>> first = store.save(case.id, "samverkansavtal.yaml", text, base=None, by=anna)
    >>> store.save(case.id, "samverkansavtal.yaml", changed, base=first.number, by=anna, note="kostnadsandel")
    >>> store.status(case.id, dt.date.today(), by=anna)          # a tcdocs.road.Case

Every method takes the user it acts for (``by``) and raises
:class:`~tcdocs.errors.Forbidden` if their role does not allow it. A save names the version
it was based on; if another was saved since, it raises :class:`~tcdocs.errors.SaveConflict`
with that version, and nothing is overwritten. Each change is one transaction, recorded in
the audit log with its author in that same transaction: a save that fails or is killed
leaves the previous version as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, defer, sessionmaker

from ..data import read_data
from ..errors import LoadError, NotFound, Problem, SaveConflict, StoreError, UsageError, os_reason, shown
from ..loader import Uploads
from ..messages import N_, Message
from ..models import KINDS
from ..models.text import name_key
from ..road import ROAD_SUFFIXES, Case, case_from_uploads
from .access import can_read, check_admin, check_open, check_read, check_write, find_token, new_token, token_hash
from .database import WRITE, data_folder, default_url, engine_for, migrate, reason, shown_url
from .records import ROLES, AuditEntry, CaseInfo, Role, User, Version
from .schema import FILE_NAME, NAME, AuditRow, CalendarRow, CaseRow, DocumentRow, UserRow, VersionRow

__all__ = ["Store", "open_store"]

NOTE = 500
"""The longest note a version or a log entry keeps."""


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """The store at *url* (``sqlite:///FILE``, ``postgresql://…``, or an SQLite file's path), its
    schema brought up to date. Without *url*, the SQLite file in the data folder, made if need be.

    Raises :class:`StoreError` if the database cannot be opened, :class:`UsageError` for a URL
    tcdocs cannot use.
    """
    if url is None:
        try:
            data_folder().mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreError(
                Message("cannot make the folder {folder}: {reason}", folder=shown(data_folder()), reason=os_reason(exc))
            ) from None
        url = default_url()
    engine = engine_for(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def sha256(text: str) -> str:
    """The SHA-256 of *text* as the file holds it (UTF-8), in hexadecimal."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _one_line(value: str, what: str, longest: int = NAME) -> str:
    """*value* stripped, refused if empty, longer than *longest* or holding control characters."""
    value = " ".join(value.split())
    if not value or len(value) > longest or any(unicodedata.category(char).startswith("C") for char in value):
        raise UsageError(Message("{what} must be one line of 1 to {count} characters", what=Message(what), count=longest))
    return value


def _note(note: str) -> str:
    return " ".join(note.split())[:NOTE]


def document_name(name: str) -> str:
    """*name*, in NFC, if it can name a document of a case: a file name ending in .yaml, .yml or .json,
    without folders. Raises :class:`UsageError` otherwise."""
    name = unicodedata.normalize("NFC", name)
    if (
        not name
        or name != name.strip()
        or "/" in name
        or "\\" in name
        or name in (".", "..")
        or Path(name).suffix.lower() not in ROAD_SUFFIXES
        or len(name.encode("utf-8", "surrogatepass")) > FILE_NAME
        or any(unicodedata.category(char).startswith("C") for char in name)
    ):
        raise UsageError(
            Message(
                "'{name}' cannot name a document of a case: give a file name ending in .yaml, .yml or .json, without folders",
                name=shown(name),
            )
        )
    return name


def document_kind(name: str, text: str) -> str:
    """The kind the document *text* (named *name*) says it is. Raises :class:`LoadError` for text that
    is not YAML (or JSON), or names no known kind; the rest of the document may still have problems."""
    return str(_fields(name, text)["kind"])


def _fields(name: str, text: str) -> dict[str, Any]:
    """The fields of the document *text* (named *name*), whose ``kind`` is a known kind; see :func:`document_kind`."""
    data, positions = read_data(text.removeprefix("\ufeff"), name)
    kind = data.get("kind") if isinstance(data, dict) else None
    if isinstance(kind, str) and kind in KINDS:
        fields: dict[str, Any] = data
        return fields
    known = ", ".join(KINDS)
    if not isinstance(data, dict):
        message = Message("the file must be a mapping of fields, starting with 'kind:'")
    elif kind:
        message = Message("unknown document kind '{kind}'; use one of: {known}", kind=kind, known=known)
    else:
        message = Message("missing 'kind:'; use one of: {known}", known=known)
    raise LoadError([Problem(message, "kind", name, *positions.get(("kind",), (1, 1)))])


def region_of(documents: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The region that *documents* (file name: fields) are of: the samverkansavtal's, else the one most
    of them name, as :attr:`tcdocs.road.Case.region` says once the documents are valid."""
    named = [(str(fields["region"]), fields["kind"]) for fields in documents.values() if isinstance(fields.get("region"), str)]
    agreed = [region for region, kind in named if kind == "samverkansavtal"]
    if agreed:
        return agreed[0]
    if not named:
        return None
    most = Counter(name_key(region) for region, _ in named).most_common(1)[0][0]
    return next(region for region, _ in named if name_key(region) == most)


def _user(row: UserRow) -> User:
    role: Role = row.role  # type: ignore[assignment]  # the table's check admits only the roles
    return User(row.name, role, row.region, row.created)


def _case(row: CaseRow) -> CaseInfo:
    return CaseInfo(row.id, row.region, row.created, row.created_by)


def _version(case: int, document: DocumentRow, row: VersionRow) -> Version:
    return Version(case, document.name, document.kind, row.number, row.author, row.saved, row.note, row.sha256)


class Store:
    """Certification cases in a database; see the module's documentation. Open one with :func:`open_store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        """The database's URL, without its password."""
        return shown_url(self.engine.url)

    def close(self) -> None:
        """Close the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """A session in one transaction, committed at the end if it *write*s, rolled back on any error."""
        try:
            with self._sessions() as session:
                session.connection(execution_options={WRITE: write})
                yield session
                if write:
                    session.commit()
        except IntegrityError:
            raise  # a save's race, which the save itself explains
        except DBAPIError as exc:
            raise StoreError(Message("the database {url} failed: {reason}", url=self.url, reason=reason(exc))) from None

    def _log(
        self,
        session: Session,
        by: User,
        action: str,
        case: int | None = None,
        document: str | None = None,
        version: int | None = None,
        detail: str = "",
    ) -> None:
        session.add(
            AuditRow(time=_now(), actor=by.name, action=action, case_id=case, document=document, version=version, detail=_note(detail))
        )

    # --- users ----------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, region: str | None = None, *, by: User) -> tuple[User, str]:
        """Add a user with *role* (a processledare with the *region* of their cases); return the user
        and their token, which the store does not keep and cannot show again."""
        check_admin(by)
        name = _one_line(name, N_("a user's name"))
        if role not in ROLES:
            raise UsageError(Message("unknown role '{role}'; use one of: {known}", role=role, known=", ".join(ROLES)))
        if role == "processledare" and not region:
            raise UsageError(Message("a processledare works for a region: name it"))
        if role != "processledare" and region:
            raise UsageError(Message("only a processledare has a region"))
        region = _one_line(region, N_("a region")) if region else None
        token = new_token()
        with self._session(write=True) as session:
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise StoreError(Message("there is already a user named {name}", name=name))
            row = UserRow(name=name, role=role, region=region, token_hash=token_hash(token), created=_now())
            session.add(row)
            self._log(session, by, "add user", detail=f"{name}: {role}{f', {region}' if region else ''}")
        return _user(row), token

    def users(self, *, by: User) -> list[User]:
        """Every user, by name."""
        check_admin(by)
        with self._session() as session:
            return [_user(row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]

    def remove_user(self, name: str, *, by: User) -> None:
        """Remove the user *name*; their token stops working. What they did stays in the log, by name."""
        check_admin(by)
        with self._session(write=True) as session:
            row = self._user_row(session, name)
            session.delete(row)
            self._log(session, by, "remove user", detail=name)

    def new_token(self, name: str, *, by: User) -> str:
        """A new token for the user *name*, which replaces their old one; return it (shown once)."""
        check_admin(by)
        token = new_token()
        with self._session(write=True) as session:
            self._user_row(session, name).token_hash = token_hash(token)
            self._log(session, by, "new token", detail=name)
        return token

    def has_users(self) -> bool:
        """Whether the store has any user: a service that others reach needs someone to let in."""
        with self._session() as session:
            return session.scalar(select(UserRow.id).limit(1)) is not None

    def authenticate(self, token: str) -> User | None:
        """The user whose token *token* is, or None."""
        with self._session() as session:
            rows = session.scalars(select(UserRow)).all()
            return find_token(token, ((row.token_hash, _user(row)) for row in rows))

    def _user_row(self, session: Session, name: str) -> UserRow:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise NotFound(Message("there is no user named {name}", name=name))
        return row

    # --- cases ----------------------------------------------------------------------------------

    def create_case(self, region: str, *, by: User) -> CaseInfo:
        """Open a new case of *region*, without documents yet."""
        region = _one_line(region, N_("a region"))
        with self._session(write=True) as session:
            row = self._new_case(session, region, by)
        return _case(row)

    def _new_case(self, session: Session, region: str, by: User) -> CaseRow:
        check_open(by, region)
        row = CaseRow(region=region, created=_now(), created_by=by.name)
        session.add(row)
        session.flush()
        self._log(session, by, "create", row.id, detail=region)
        return row

    def cases(self, *, by: User) -> list[CaseInfo]:
        """The cases *by* may see, in the order they were opened."""
        with self._session() as session:
            rows = session.scalars(select(CaseRow).order_by(CaseRow.id))
            return [_case(row) for row in rows if can_read(by, row.region)]

    def case(self, case: int, *, by: User) -> CaseInfo:
        """The case numbered *case*. Raises :class:`NotFound` or :class:`Forbidden`."""
        with self._session() as session:
            return _case(self._case_row(session, case, by))

    def _case_row(self, session: Session, case: int, by: User) -> CaseRow:
        row = session.get(CaseRow, case)
        if row is None:
            raise NotFound(Message("there is no case {case}", case=case))
        check_read(by, row.region)
        return row

    def documents(self, case: int, *, by: User) -> list[Version]:
        """The latest version of each of the case's documents, by file name."""
        with self._session() as session:
            self._case_row(session, case, by)
            return [_version(case, document, version) for document, version in self._latest(session, case)]

    def files(self, case: int, *, by: User) -> dict[str, str]:
        """The text of each of the case's documents as last saved, by file name."""
        with self._session() as session:
            self._case_row(session, case, by)
            return {document.name: version.text for document, version in self._latest(session, case, text=True)}

    def _latest(self, session: Session, case: int, text: bool = False) -> list[tuple[DocumentRow, VersionRow]]:
        newest = (
            select(VersionRow.document_id, func.max(VersionRow.number).label("number"))
            .join(DocumentRow, DocumentRow.id == VersionRow.document_id)
            .where(DocumentRow.case_id == case)
            .group_by(VersionRow.document_id)
            .subquery()
        )
        query = (
            select(DocumentRow, VersionRow)
            .join(newest, newest.c.document_id == DocumentRow.id)
            .join(VersionRow, (VersionRow.document_id == DocumentRow.id) & (VersionRow.number == newest.c.number))
            .order_by(DocumentRow.name)
        )
        if not text:
            query = query.options(defer(VersionRow.text))
        return [(document, version) for document, version in session.execute(query)]

    def history(self, case: int, name: str, *, by: User) -> list[Version]:
        """Every version of the case's document *name*, oldest first."""
        with self._session() as session:
            self._case_row(session, case, by)
            document = self._document_row(session, case, name)
            rows = session.scalars(select(VersionRow).where(VersionRow.document_id == document.id).order_by(VersionRow.number))
            return [_version(case, document, row) for row in rows]

    def read(self, case: int, name: str, number: int | None = None, *, by: User) -> tuple[Version, str]:
        """Version *number* (default: the latest) of the case's document *name*, and its text."""
        with self._session() as session:
            self._case_row(session, case, by)
            document = self._document_row(session, case, name)
            versions = select(VersionRow).where(VersionRow.document_id == document.id)
            latest = versions.order_by(VersionRow.number.desc()).limit(1)
            query = latest if number is None else versions.where(VersionRow.number == number)
            row = session.scalar(query)
            if row is None:
                raise NotFound(
                    Message("there is no version {number} of {document} in case {case}", number=number, document=name, case=case)
                )
            return _version(case, document, row), row.text

    def _document_row(self, session: Session, case: int, name: str) -> DocumentRow:
        row = session.scalar(select(DocumentRow).where(DocumentRow.case_id == case, DocumentRow.name == name))
        if row is None:
            raise NotFound(Message("there is no document {document} in case {case}", document=shown(name), case=case))
        return row

    def status(self, case: int, today: dt.date, *, by: User) -> Case:
        """Where the case stands as of *today*, read from its documents' latest texts: the documents
        name each other by file name, and find each other among the case's own documents."""
        files = {name: text.encode("utf-8") for name, text in self.files(case, by=by).items()}
        return case_from_uploads(files, Uploads(files), today)

    def files_as_of(self, case: int, name: str, number: int, *, by: User) -> dict[str, str]:
        """The case's documents as they were when version *number* of *name* was saved, by file name:
        that version's text, and of every other document the latest version saved before it (or, for
        one first saved later, as by the same import, its first version). A version rendered from these
        is the document exactly as it was, the documents it names included."""
        with self._session() as session:
            self._case_row(session, case, by)
            document = self._document_row(session, case, name)
            row = session.scalar(select(VersionRow).where(VersionRow.document_id == document.id, VersionRow.number == number))
            if row is None:
                raise NotFound(
                    Message("there is no version {number} of {document} in case {case}", number=number, document=shown(name), case=case)
                )
            # Row ids grow with every save of the database, so "saved before" is "a smaller id".
            chosen: dict[int, int] = {document.id: row.id}
            versions = (
                select(VersionRow.document_id, VersionRow.id)
                .join(DocumentRow, DocumentRow.id == VersionRow.document_id)
                .where(DocumentRow.case_id == case)
                .order_by(VersionRow.id)
            )
            for other, version in session.execute(versions).tuples():
                if other not in chosen or version <= row.id:
                    chosen[other] = version
            query = (
                select(DocumentRow.name, VersionRow.text)
                .join(VersionRow, VersionRow.document_id == DocumentRow.id)
                .where(VersionRow.id.in_(chosen.values()))
            )
            return dict(session.execute(query).tuples().all())

    def audit(self, case: int, *, by: User) -> list[AuditEntry]:
        """The changes to the case, oldest first."""
        with self._session() as session:
            self._case_row(session, case, by)
            rows = session.scalars(select(AuditRow).where(AuditRow.case_id == case).order_by(AuditRow.id))
            return [AuditEntry(row.time, row.actor, row.action, row.case_id, row.document, row.version, row.detail) for row in rows]

    # --- saving ---------------------------------------------------------------------------------

    def save(self, case: int, name: str, text: str, *, base: int | None, by: User, note: str = "") -> Version:
        """Save *text* as the next version of the case's document *name* (a new document if *base* is None).

        *base* is the version the text was made from. If another version was saved since (or the
        document was made meanwhile), raises :class:`SaveConflict` with it and saves nothing.
        The text is kept exactly as given; it must be YAML (JSON for a ``.json`` name) naming its
        kind, and may otherwise still have problems, which the case's status shows.
        """
        name = document_name(name)
        kind = document_kind(name, text)
        try:
            with self._session(write=True) as session:
                row = self._case_row(session, case, by)
                return self._save(session, row, name, kind, text, base, by, note)
        except IntegrityError:
            # Another save of this document came between this one's check and its insert.
            raise self._conflict(case, name, base) from None
        except StoreError as exc:
            if type(exc) is not StoreError:  # refused (conflict, role, no such case), not failed
                raise
            raise StoreError(
                Message("{document} was not saved, and its earlier versions are as they were: {reason}", document=shown(name), reason=exc)
            ) from None

    def _save(self, session: Session, case: CaseRow, name: str, kind: str, text: str, base: int | None, by: User, note: str) -> Version:
        check_write(by, case.region, kind)
        document = session.scalar(select(DocumentRow).where(DocumentRow.case_id == case.id, DocumentRow.name == name))
        if document is None:
            if base is not None:
                raise NotFound(Message("there is no document {document} in case {case}", document=shown(name), case=case.id))
            document = DocumentRow(case_id=case.id, name=name, kind=kind)
            session.add(document)
            session.flush()
            number = 1
        else:
            if document.kind != kind:
                raise UsageError(
                    Message(
                        "{document} is a {kind}; save the {other} under a name of its own",
                        document=shown(name),
                        kind=document.kind,
                        other=kind,
                    )
                )
            latest = session.scalar(select(func.max(VersionRow.number)).where(VersionRow.document_id == document.id)) or 0
            if base is not None and not 1 <= base <= latest:
                raise NotFound(
                    Message("there is no version {number} of {document} in case {case}", number=base, document=shown(name), case=case.id)
                )
            if base != latest:
                raise self._conflict_with(session, case.id, document, base)
            number = latest + 1
        row = VersionRow(
            document_id=document.id, number=number, text=text, sha256=sha256(text), author=by.name, saved=_now(), note=_note(note)
        )
        session.add(row)
        session.flush()
        self._log(session, by, "save", case.id, name, number, note)
        return _version(case.id, document, row)

    def _conflict_with(self, session: Session, case: int, document: DocumentRow, base: int | None) -> SaveConflict:
        row = session.scalars(select(VersionRow).where(VersionRow.document_id == document.id).order_by(VersionRow.number.desc())).first()
        assert row is not None  # a document is made with its first version
        return SaveConflict(case, document.name, base, row.number, row.author, row.saved, row.note, row.text)

    def _conflict(self, case: int, name: str, base: int | None) -> StoreError:
        """The version that won the race against a save based on *base*."""
        with self._session() as session:
            document = self._document_row(session, case, name)
            conflict = self._conflict_with(session, case, document, base)
        if base is not None and conflict.number <= base:  # not a race after all
            return StoreError(Message("{document} was not saved, and its earlier versions are as they were", document=shown(name)))
        return conflict

    def import_files(
        self, files: Mapping[str, str], *, by: User, case: int | None = None, region: str | None = None, note: str = ""
    ) -> tuple[CaseInfo, list[Version]]:
        """Save *files* (file name: text) in one transaction, all or none, and return the case and
        the versions saved.

        Without *case*, a new case of *region* (default: the region the documents name). Into an
        existing case, a file whose text is its document's latest version is left as it is; the
        others are saved as new versions, each based on the latest, so nothing earlier is lost.
        """
        if not files:
            raise UsageError(Message("there are no documents to import"))
        fields = {document_name(name): _fields(name, files[name]) for name in sorted(files)}
        if case is None and region is None:
            region = region_of(fields)
            if region is None:
                raise UsageError(
                    Message("none of the documents names the case's region (a samverkansavtal or an intresseanmälan does); name it")
                )
        try:
            with self._session(write=True) as session:
                row = (
                    self._new_case(session, _one_line(region or "", N_("a region")), by)
                    if case is None
                    else self._case_row(session, case, by)
                )
                latest = {document.name: version for document, version in self._latest(session, row.id)}
                saved = []
                for name, found in fields.items():
                    kind, text = str(found["kind"]), files[name]
                    before = latest.get(name)
                    if before is None or before.sha256 != sha256(text):
                        saved.append(self._save(session, row, name, kind, text, before.number if before else None, by, note))
                return _case(row), saved
        except IntegrityError:
            raise StoreError(Message("another save came between; nothing was imported, import again")) from None

    # --- the calendar feed ----------------------------------------------------------------------

    def calendar_secret(self, case: int, *, by: User, new: bool = False) -> str:
        """The secret in the address of the case's calendar feed, made when first asked for; with *new*,
        a new one that replaces the old (whose address then stops working). Anyone who may read the case may ask."""
        if not new:
            with self._session() as session:
                self._case_row(session, case, by)
                found = session.get(CalendarRow, case)
                if found is not None:
                    return found.secret
        secret = new_token()
        try:
            with self._session(write=True) as session:
                self._case_row(session, case, by)
                row = session.get(CalendarRow, case)
                if row is not None and not new:
                    return row.secret  # made by another meanwhile
                if row is None:
                    session.add(CalendarRow(case_id=case, secret=secret, created=_now(), created_by=by.name))
                else:
                    row.secret, row.created, row.created_by = secret, _now(), by.name
                self._log(session, by, "new calendar" if new else "calendar", case)
        except IntegrityError:
            # Two replicas made the first secret at once: the one saved first stands.
            with self._session() as session:
                found = session.get(CalendarRow, case)
                assert found is not None
                return found.secret
        return secret

    def feed(self, secret: str, today: dt.date) -> Case | None:
        """Where the case whose calendar feed *secret* opens stands as of *today*, or None if no case has
        that secret. The secret is the feed's only key: calendar programs send none."""
        with self._session() as session:
            row = session.scalar(select(CalendarRow).where(CalendarRow.secret == secret))
            if row is None:
                return None
            files = {document.name: version.text.encode("utf-8") for document, version in self._latest(session, row.case_id, text=True)}
        return case_from_uploads(files, Uploads(files), today)

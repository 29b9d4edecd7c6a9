"""The stored case (`tcdocs.store`), on SQLite and on a real PostgreSQL server: versions that are
never lost, saves that race or die, roles, tokens, the audit log, and the status read from the
stored texts exactly as `tcdocs status` reads a folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.orm import Session

from tcdocs.errors import Forbidden, LoadError, NotFound, SaveConflict, StoreError, UsageError
from tcdocs.road import read_case
from tcdocs.store import ROLES, Store, User, export_case, import_folder, open_store
from tcdocs.store.database import engine_for
from tcdocs.store.schema import UserRow

from .conftest import EXAMPLES
from .databases import python

TODAY = dt.date(2028, 3, 20)
ADMIN = User("Ada Admin", "admin")
ANNA = User("Anna Berg", "processledare", region="Nordvik")
OLLE = User("Olle Ek", "processledare", region="Mellanå")
RUT = User("Rut Kansli", "rts")


NORDVIK = 1
"""The example case's number in the example database."""


@pytest.fixture
def store(database: str) -> Iterator[Store]:
    """An empty store."""
    with open_store(database) as opened:
        yield opened


@pytest.fixture
def example_store(example_database: str) -> Iterator[Store]:
    """A store holding the example case, as case :data:`NORDVIK`."""
    with open_store(example_database) as opened:
        yield opened


def example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


# --- the case and its status --------------------------------------------------------------------


def test_the_example_case_imports_and_its_status_is_what_tcdocs_status_says(example_store, monkeypatch, capsys):
    from tcdocs.cli import main

    monkeypatch.chdir(EXAMPLES)  # so that the folder's documents are named by file name alone, as the store names them
    assert main(["status", ".", "--format", "json", "--today", TODAY.isoformat()]) == 0
    from_folder = json.loads(capsys.readouterr().out)
    case = example_store.status(NORDVIK, TODAY, by=ADMIN)
    assert {"today": TODAY.isoformat(), "cases": [case.as_json("sv")]} == from_folder
    assert case.region == "Nordvik" and case.current is not None and case.current.number == 10
    assert example_store.case(NORDVIK, by=ADMIN).region == "Nordvik"


def test_references_are_found_among_the_case_s_own_documents_never_on_the_disk(store, monkeypatch):
    # The case has no samverkansavtal; the working directory has one, which must not be read.
    case = store.create_case("Nordvik", by=ANNA)
    store.save(case.id, "ansokan.yaml", example("ansokan.yaml"), base=None, by=ANNA)
    monkeypatch.chdir(EXAMPLES)
    problems = store.status(case.id, TODAY, by=ANNA).problems
    assert [(p.file, p.path) for p in problems] == [("ansokan.yaml", "agreement")]
    assert "no file named 'samverkansavtal.yaml' was given" in problems[0].format("en")


def test_a_reference_by_path_is_refused_in_a_stored_case_as_in_a_folder(example_store, tmp_path):
    latest, text = example_store.read(NORDVIK, "ansokan.yaml", by=ADMIN)
    changed = text.replace("agreement: samverkansavtal.yaml", "agreement: ../nordvik/samverkansavtal.yaml")
    example_store.save(NORDVIK, "ansokan.yaml", changed, base=latest.number, by=ADMIN)
    problems = example_store.status(NORDVIK, TODAY, by=ADMIN).problems
    [refused] = [p for p in problems if p.file == "ansokan.yaml"]
    assert refused.path == "agreement" and "'../nordvik/samverkansavtal.yaml' is not a file name" in refused.format("en")
    assert [(p.file, p.path) for p in problems] == _as_folder_says(example_store, NORDVIK, tmp_path)


def test_a_document_name_is_one_name_whatever_its_unicode_normalisation(store):
    import unicodedata

    case = store.create_case("Nordvik", by=ANNA)
    store.save(case.id, unicodedata.normalize("NFD", "Åsby.yaml"), example("intresseanmalan.yaml"), base=None, by=ANNA)
    with pytest.raises(SaveConflict):
        store.save(case.id, unicodedata.normalize("NFC", "Åsby.yaml"), example("intresseanmalan.yaml"), base=None, by=ANNA)
    assert list(store.files(case.id, by=ANNA)) == [unicodedata.normalize("NFC", "Åsby.yaml")]


def _as_folder_says(store: Store, case: int, tmp_path: Path) -> list[tuple[str | None, str]]:
    """The problems `tcdocs status` finds in the case's documents written out as a folder."""
    folder = tmp_path / "as-a-folder"
    export_case(store, case, folder, by=ADMIN)
    return [(Path(p.file).name if p.file else None, p.path) for p in read_case(folder, TODAY).problems]


def test_the_status_is_read_from_the_latest_texts_whenever_it_is_asked(example_store, tmp_path):
    assert example_store.status(NORDVIK, TODAY, by=ADMIN).problems == []
    latest, old = example_store.read(NORDVIK, "intresseanmalan.yaml", by=ADMIN)
    assert "region: Nordvik" in old
    example_store.save(NORDVIK, "intresseanmalan.yaml", old.replace("region: Nordvik", "region: Söderå"), base=latest.number, by=ANNA)
    problems = [(p.file, p.path) for p in example_store.status(NORDVIK, TODAY, by=ADMIN).problems]
    assert ("intresseanmalan.yaml", "region") in problems
    assert problems == _as_folder_says(example_store, NORDVIK, tmp_path)
    # Nothing about the status is stored: the tables hold the texts and who saved them (and each case's
    # calendar secret, the deadlines read from the texts at each request).
    tables = set(inspect(example_store.engine).get_table_names())
    assert tables == {"alembic_version", "audit", "calendars", "cases", "documents", "users", "versions"}


def test_a_document_with_problems_is_saved_as_a_draft_and_the_status_says_what_is_wrong(example_store, tmp_path):
    latest, old = example_store.read(NORDVIK, "svar.yaml", by=ADMIN)
    draft = old.replace("date: 2028-02-22", "date: 2028-02-30")
    assert draft != old
    saved = example_store.save(NORDVIK, "svar.yaml", draft, base=latest.number, by=ANNA, note="utkast")
    assert example_store.read(NORDVIK, "svar.yaml", by=ANNA) == (saved, draft)
    problems = [(p.file, p.path) for p in example_store.status(NORDVIK, TODAY, by=ANNA).problems]
    assert ("svar.yaml", "date") in problems
    assert problems == _as_folder_says(example_store, NORDVIK, tmp_path)


# --- versions ------------------------------------------------------------------------------------


def test_every_save_is_a_new_version_kept_exactly_as_written(store):
    case = store.create_case("Nordvik", by=ANNA)
    first_text = example("samverkansavtal.yaml")
    # A byte order mark, Windows line ends and a trailing space are the file's, and stay.
    second_text = "\ufeff" + first_text.replace("\n", "\r\n").replace("dnr: KS 2026/0412", "dnr: KS 2026/0413 ")
    first = store.save(case.id, "samverkansavtal.yaml", first_text, base=None, by=ANNA, note="första")
    second = store.save(case.id, "samverkansavtal.yaml", second_text, base=first.number, by=ADMIN, note="nytt  dnr\n")
    assert [(v.number, v.author, v.note, v.kind) for v in store.history(case.id, "samverkansavtal.yaml", by=RUT)] == [
        (1, "Anna Berg", "första", "samverkansavtal"),
        (2, "Ada Admin", "nytt dnr", "samverkansavtal"),
    ]
    assert store.read(case.id, "samverkansavtal.yaml", 1, by=ANNA) == (first, first_text)
    assert store.read(case.id, "samverkansavtal.yaml", by=ANNA) == (second, second_text)
    assert second.sha256 == hashlib.sha256(second_text.encode("utf-8")).hexdigest()
    assert first.saved <= second.saved and second.saved.tzinfo == dt.UTC
    assert store.documents(case.id, by=ANNA) == [second]
    assert store.files(case.id, by=ANNA) == {"samverkansavtal.yaml": second_text}
    with pytest.raises(NotFound, match="there is no version 3 of samverkansavtal.yaml in case"):
        store.read(case.id, "samverkansavtal.yaml", 3, by=ANNA)


def test_a_save_based_on_an_older_version_is_refused_with_the_other_version(example_store):
    base, text = example_store.read(NORDVIK, "ansokan.yaml", by=ANNA)
    mine, theirs = text.replace("dnr: TCN 2027/031", "dnr: TCN 2027/032"), text + "# Olles rad\n"
    won = example_store.save(NORDVIK, "ansokan.yaml", theirs, base=base.number, by=User("Ola", "processledare", "Nordvik"), note="rad")
    with pytest.raises(SaveConflict) as refused:
        example_store.save(NORDVIK, "ansokan.yaml", mine, base=base.number, by=ANNA)
    conflict = refused.value
    assert (conflict.case, conflict.document, conflict.base, conflict.number) == (NORDVIK, "ansokan.yaml", 1, 2)
    assert (conflict.author, conflict.saved, conflict.note, conflict.text) == ("Ola", won.saved, "rad", theirs)
    assert "ansokan.yaml was saved by Ola at" in str(conflict) and "nothing was overwritten" in str(conflict)
    assert "sparades av Ola" in conflict.format("sv")
    assert pickle.loads(pickle.dumps(conflict)).text == theirs  # whole across a process boundary
    assert [v.number for v in example_store.history(NORDVIK, "ansokan.yaml", by=ANNA)] == [1, 2]
    # The loser takes the other's change into theirs and saves again: nobody's work is lost.
    merged = example_store.save(NORDVIK, "ansokan.yaml", mine + "# Olles rad\n", base=conflict.number, by=ANNA)
    assert merged.number == 3
    assert example_store.read(NORDVIK, "ansokan.yaml", 2, by=ANNA)[1] == theirs


def test_a_new_document_made_meanwhile_is_a_conflict_too(store):
    case = store.create_case("Nordvik", by=ANNA)
    store.save(case.id, "intresse.yaml", example("intresseanmalan.yaml"), base=None, by=ANNA)
    with pytest.raises(SaveConflict) as refused:
        store.save(case.id, "intresse.yaml", example("intresseanmalan.yaml"), base=None, by=ADMIN)
    assert (refused.value.base, refused.value.number, refused.value.author) == (None, 1, "Anna Berg")
    assert "intresse.yaml was made by Anna Berg" in str(refused.value)


@pytest.mark.parametrize(
    ("name", "text", "error", "message"),
    [
        ("ansokan.yaml", "kind: ansokan\ndnr: [\n", LoadError, "ansokan.yaml:3:1:"),
        ("ansokan.yaml", "dnr: X\n", LoadError, "ansokan.yaml:1:1: kind: missing 'kind:'"),
        ("ansokan.yaml", "kind: avtal\n", LoadError, "unknown document kind 'avtal'"),
        ("ansokan.yaml", "kind: ansokan\nnote: \x07\n", LoadError, "ansokan.yaml:2:7:"),
        ("ansokan.json", '{"kind": "ansokan",}', LoadError, "ansokan.json:1:20:"),
        ("../ansokan.yaml", "kind: ansokan\n", UsageError, "'../ansokan.yaml' cannot name a document of a case"),
        ("ansokan.txt", "kind: ansokan\n", UsageError, "'ansokan.txt' cannot name a document of a case"),
        ("samverkansavtal.yaml", "kind: ansokan\n", UsageError, "samverkansavtal.yaml is a samverkansavtal; save the ansokan under"),
    ],
    ids=["yaml-syntax", "no-kind", "unknown-kind", "control-character", "json-syntax", "folder", "suffix", "other-kind"],
)
def test_what_cannot_be_a_document_is_refused_and_nothing_is_saved(example_store, name, text, error, message):
    before = example_store.documents(NORDVIK, by=ADMIN)
    with pytest.raises(error) as refused:
        example_store.save(NORDVIK, name, text, base=1, by=ADMIN)
    assert message in refused.value.format("en")
    assert example_store.documents(NORDVIK, by=ADMIN) == before


def test_a_case_or_document_that_is_not_there(example_store):
    with pytest.raises(NotFound, match="there is no case 99"):
        example_store.status(99, TODAY, by=ADMIN)
    with pytest.raises(NotFound, match="there is no document avtal.yaml in case"):
        example_store.history(NORDVIK, "avtal.yaml", by=ADMIN)
    with pytest.raises(NotFound, match="there is no document avtal.yaml in case"):
        example_store.save(NORDVIK, "avtal.yaml", example("samverkansavtal.yaml"), base=1, by=ADMIN)
    with pytest.raises(NotFound, match="there is no version 7 of ansokan.yaml"):
        example_store.save(NORDVIK, "ansokan.yaml", example("ansokan.yaml"), base=7, by=ADMIN)


def _read_only(url: str) -> Store:
    """A store on *url* whose connections refuse to write, as a full disk or a lost server would."""
    if url.startswith("sqlite"):
        engine = engine_for(url)

        @event.listens_for(engine, "connect")
        def refuse_writes(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.execute("PRAGMA query_only = ON")

    else:
        engine = create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
    return Store(engine)


def test_a_save_the_database_fails_says_so_and_keeps_the_previous_version(example_store, example_database):
    base, text = example_store.read(NORDVIK, "svar.yaml", by=ADMIN)
    failing = _read_only(example_database)
    try:
        with pytest.raises(StoreError) as failed:
            failing.save(NORDVIK, "svar.yaml", text + "# ändrad\n", base=base.number, by=ANNA)
    finally:
        failing.close()
    assert type(failed.value) is StoreError
    assert str(failed.value).startswith("svar.yaml was not saved, and its earlier versions are as they were: the database ")
    assert failed.value.format("sv").startswith("svar.yaml sparades inte, och de tidigare versionerna är som de var: databasen ")
    assert example_store.history(NORDVIK, "svar.yaml", by=ADMIN) == [base]
    assert [e.document for e in example_store.audit(NORDVIK, by=ADMIN)].count("svar.yaml") == 1


# --- two processes at once, and one killed --------------------------------------------------------


def _writer(database: str, case: int, name: str, base: int, author: str, text_file: Path, *flags: str):
    return python("-m", "tests.store_writer", database, str(case), name, str(base), author, str(text_file), *flags)


def _wait_for_a_lock(database: str) -> None:
    """On PostgreSQL, wait until a save is blocked behind the other's uncommitted version (bounded)."""
    if not database.startswith("postgresql"):
        return
    engine = create_engine(database)
    try:
        for _ in range(200):
            with engine.connect() as connection:
                waiting = connection.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
            if waiting:
                return
            time.sleep(0.05)
        pytest.fail("the second save never waited for the first")
    finally:
        engine.dispose()


def test_two_processes_saving_the_same_document_lose_nothing_and_the_loser_is_told(example_store, example_database, tmp_path):
    base, text = example_store.read(NORDVIK, "svar.yaml", by=ADMIN)
    (tmp_path / "first.yaml").write_text(text + "# first\n", encoding="utf-8")
    (tmp_path / "second.yaml").write_text(text + "# second\n", encoding="utf-8")
    first = _writer(example_database, NORDVIK, "svar.yaml", base.number, "First", tmp_path / "first.yaml", "--pause")
    second = _writer(example_database, NORDVIK, "svar.yaml", base.number, "Second", tmp_path / "second.yaml")
    try:
        assert first.stdout.readline() == "ready\n"
        assert second.stdout.readline() == "ready\n"
        _say(first, "save")
        assert first.stdout.readline() == "written\n"  # its version is written, not yet committed
        _say(second, "save")
        _wait_for_a_lock(example_database)  # PostgreSQL: the second's insert waits on the first's; SQLite: its BEGIN IMMEDIATE does
        first_out, first_err = first.communicate("commit\n", timeout=60)
        second_out, second_err = second.communicate(timeout=60)
    finally:
        _end(first, second)
    assert json.loads(first_out) == {"saved": 2}, first_err
    told = json.loads(second_out)
    assert told["conflict"] == {"base": 1, "number": 2, "author": "First", "text": text + "# first\n"}, second_err
    history = example_store.history(NORDVIK, "svar.yaml", by=ADMIN)
    assert [(v.number, v.author) for v in history] == [(1, base.author), (2, "First")]
    assert example_store.read(NORDVIK, "svar.yaml", by=ADMIN)[1] == text + "# first\n"


def test_a_writer_killed_in_the_middle_of_a_save_leaves_the_previous_version_intact(example_store, example_database, tmp_path):
    base, text = example_store.read(NORDVIK, "beslut.yaml", by=ADMIN)
    (tmp_path / "half.yaml").write_text(text + "# never saved\n", encoding="utf-8")
    writer = _writer(example_database, NORDVIK, "beslut.yaml", base.number, "Killed", tmp_path / "half.yaml", "--pause")
    try:
        assert writer.stdout.readline() == "ready\n"
        _say(writer, "save")
        assert writer.stdout.readline() == "written\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
    assert writer.returncode == -signal.SIGKILL
    with open_store(example_database) as reopened:
        assert reopened.history(NORDVIK, "beslut.yaml", by=ADMIN) == [base]
        assert reopened.read(NORDVIK, "beslut.yaml", by=ADMIN) == (base, text)
        saved = reopened.save(NORDVIK, "beslut.yaml", text + "# next\n", base=base.number, by=RUT)
        assert saved.number == 2
        assert [e.actor for e in reopened.audit(NORDVIK, by=ADMIN) if e.document == "beslut.yaml"] == ["Ada Admin", "Rut Kansli"]


def _say(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def _end(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


# --- roles ---------------------------------------------------------------------------------------


def test_a_processledare_works_on_their_region_s_cases_only(example_store):
    other = example_store.create_case("Mellanå", by=OLLE)
    assert [case.id for case in example_store.cases(by=ANNA)] == [NORDVIK]
    assert [case.id for case in example_store.cases(by=OLLE)] == [other.id]
    base, text = example_store.read(NORDVIK, "samverkansavtal.yaml", by=ANNA)
    assert example_store.save(NORDVIK, "samverkansavtal.yaml", text, base=base.number, by=ANNA).number == 2
    cannot_see = "Olle Ek is the processledare of Teknikcollege Mellanå and cannot see the cases of Teknikcollege Nordvik"
    with pytest.raises(Forbidden, match=cannot_see):
        example_store.read(NORDVIK, "samverkansavtal.yaml", by=OLLE)
    for refused in (lambda: example_store.status(NORDVIK, TODAY, by=OLLE), lambda: example_store.audit(NORDVIK, by=OLLE)):
        with pytest.raises(Forbidden):
            refused()
    with pytest.raises(Forbidden, match="cannot change the cases of Teknikcollege Nordvik"):
        example_store.create_case("Nordvik", by=OLLE)
    # A region's own documents, yes; RTS kansli's, no.
    beslut, beslut_text = example_store.read(NORDVIK, "beslut.yaml", by=ANNA)
    with pytest.raises(Forbidden, match="Anna Berg cannot save a beslut: RTS kansli writes it"):
        example_store.save(NORDVIK, "beslut.yaml", beslut_text, base=beslut.number, by=ANNA)
    assert [v.number for v in example_store.history(NORDVIK, "beslut.yaml", by=ANNA)] == [1]


def test_rts_kansli_reads_every_case_and_writes_only_its_own_documents(example_store):
    other = example_store.create_case("Mellanå", by=OLLE)
    assert [case.id for case in example_store.cases(by=RUT)] == [NORDVIK, other.id]
    for name in ("aterkoppling.yaml", "granskningsprotokoll.yaml", "beslut.yaml"):
        base, text = example_store.read(NORDVIK, name, by=RUT)
        assert example_store.save(NORDVIK, name, text, base=base.number, by=RUT).number == 2
    base, text = example_store.read(NORDVIK, "samverkansavtal.yaml", by=RUT)
    with pytest.raises(Forbidden, match="Rut Kansli of RTS kansli cannot save a samverkansavtal: the region writes it"):
        example_store.save(NORDVIK, "samverkansavtal.yaml", text.replace("Nordvik", "Norrvik"), base=base.number, by=RUT)
    assert example_store.read(NORDVIK, "samverkansavtal.yaml", by=ANNA) == (base, text)
    with pytest.raises(Forbidden, match="Rut Kansli of RTS kansli cannot open a case: a region opens its own"):
        example_store.create_case("Mellanå", by=RUT)


def test_only_an_administrator_manages_users(store):
    for user in (ANNA, RUT):
        with pytest.raises(Forbidden, match=f"{user.name} is not an administrator; only an administrator manages users"):
            store.add_user("Eve", "admin", by=user)
        with pytest.raises(Forbidden):
            store.users(by=user)
    assert store.users(by=ADMIN) == []


def test_the_kinds_say_who_writes_them():
    from tcdocs.models import KINDS

    assert [kind for kind, model in KINDS.items() if model.writer == "rts"] == ["aterkoppling", "granskningsprotokoll", "beslut"]
    assert ROLES == ("processledare", "rts", "admin")


# --- users and tokens ----------------------------------------------------------------------------


def test_a_token_is_shown_once_and_kept_only_as_its_hash(store):
    anna, token = store.add_user("Anna Berg", "processledare", "Nordvik", by=ADMIN)
    assert (anna.name, anna.role, anna.region) == ("Anna Berg", "processledare", "Nordvik")
    assert len(token) >= 43
    with Session(store.engine) as session:
        row = session.scalars(select(UserRow)).one()
        stored = [str(value) for value in (row.name, row.role, row.region, row.token_hash)]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in value for value in stored)
    assert store.authenticate(token) == anna
    assert store.authenticate(token[:-1]) is None
    assert store.authenticate("") is None
    renewed = store.new_token("Anna Berg", by=ADMIN)
    assert renewed != token
    assert store.authenticate(token) is None
    assert store.authenticate(renewed) == anna
    store.remove_user("Anna Berg", by=ADMIN)
    assert store.authenticate(renewed) is None
    assert store.users(by=ADMIN) == []


def test_users_are_named_once_with_a_role_and_a_processledare_with_a_region(store):
    rut, _ = store.add_user("Rut Kansli", "rts", by=ADMIN)
    store.add_user("Anna Berg", "processledare", "Nordvik", by=ADMIN)
    assert [(u.name, u.role, u.region) for u in store.users(by=ADMIN)] == [
        ("Anna Berg", "processledare", "Nordvik"),
        ("Rut Kansli", "rts", None),
    ]
    with pytest.raises(StoreError, match="there is already a user named Rut Kansli"):
        store.add_user("Rut  Kansli", "admin", by=ADMIN)
    with pytest.raises(UsageError, match="a processledare works for a region"):
        store.add_user("Bo", "processledare", by=ADMIN)
    with pytest.raises(UsageError, match="only a processledare has a region"):
        store.add_user("Bo", "rts", "Nordvik", by=ADMIN)
    with pytest.raises(UsageError, match="unknown role 'chef'"):
        store.add_user("Bo", "chef", by=ADMIN)
    with pytest.raises(NotFound, match="there is no user named Bo"):
        store.remove_user("Bo", by=ADMIN)
    assert rut.created is not None


def test_the_audit_log_says_who_did_what_to_which_case_and_when(store):
    before = dt.datetime.now(dt.UTC)
    case = store.create_case("Nordvik", by=ANNA)
    first = store.save(case.id, "intresseanmalan.yaml", example("intresseanmalan.yaml"), base=None, by=ANNA, note="första")
    store.save(case.id, "intresseanmalan.yaml", example("intresseanmalan.yaml"), base=first.number, by=ADMIN, note="rättad")
    store.add_user("Rut Kansli", "rts", by=ADMIN)
    log = store.audit(case.id, by=RUT)
    assert [(e.actor, e.action, e.case, e.document, e.version, e.detail) for e in log] == [
        ("Anna Berg", "create", case.id, None, None, "Nordvik"),
        ("Anna Berg", "save", case.id, "intresseanmalan.yaml", 1, "första"),
        ("Ada Admin", "save", case.id, "intresseanmalan.yaml", 2, "rättad"),
    ]
    assert all(before <= e.time <= dt.datetime.now(dt.UTC) for e in log)
    assert log[1].as_json()["time"].endswith("+00:00")


# --- import, export, the database itself ---------------------------------------------------------


def test_export_import_export_gives_the_same_bytes(store, tmp_path):
    folder = tmp_path / "original"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.sh"))
    # Bytes a folder may hold that a store must keep: a byte order mark, Windows line ends.
    svar = folder / "svar.yaml"
    svar.write_bytes(b"\xef\xbb\xbf" + svar.read_bytes().replace(b"\n", b"\r\n"))
    case, _ = import_folder(store, folder, by=ADMIN)
    written = export_case(store, case.id, tmp_path / "first", by=ANNA)
    again, _ = import_folder(store, tmp_path / "first", by=ADMIN)
    export_case(store, again.id, tmp_path / "second", by=ANNA)
    originals = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert {path.name: path.read_bytes() for path in written} == originals
    assert {path.name: path.read_bytes() for path in (tmp_path / "second").iterdir()} == originals
    assert store.status(again.id, TODAY, by=ANNA).as_json() == store.status(case.id, TODAY, by=ANNA).as_json()


def test_importing_into_a_case_saves_only_what_changed(example_store, tmp_path):
    folder = tmp_path / "case"
    export_case(example_store, NORDVIK, folder, by=ADMIN)
    (folder / "svar.yaml").write_text(example("svar.yaml") + "# ändrad\n", encoding="utf-8")
    case, saved = import_folder(example_store, folder, by=ANNA, case=NORDVIK, note="från mappen")
    assert case.id == NORDVIK
    assert [(v.document, v.number, v.note) for v in saved] == [("svar.yaml", 2, "från mappen")]


def test_an_import_is_all_or_nothing(store, tmp_path):
    folder = tmp_path / "case"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.sh"))
    (folder / "svar.yaml").write_text("kind: svar\ndate: [\n", encoding="utf-8")
    with pytest.raises(LoadError):
        import_folder(store, folder, by=ADMIN)
    (folder / "svar.yaml").write_text(example("svar.yaml"), encoding="utf-8")
    with pytest.raises(Forbidden):  # a processledare cannot bring in RTS kansli's beslut
        import_folder(store, folder, by=ANNA)
    assert store.cases(by=ADMIN) == []


def test_the_migrations_make_the_schema_the_models_describe(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tcdocs.store.schema import Base

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == "0002"


def test_a_database_from_a_newer_tcdocs_is_refused(database):
    open_store(database).close()
    engine = create_engine(database)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="was made by a newer tcdocs"):
        open_store(database)


def test_a_database_that_cannot_be_opened_says_which_and_why(tmp_path):
    with pytest.raises(StoreError, match="cannot open the database sqlite:///.*: the folder .*missing does not exist"):
        open_store(tmp_path / "missing" / "cases.db")
    with pytest.raises(UsageError, match="'mysql://x/y' is not a database tcdocs can keep cases in"):
        open_store("mysql://x/y")
    with pytest.raises(StoreError, match=r"cannot open the database postgresql\+psycopg://tcdocs:\*\*\*@127.0.0.1:1/x"):
        open_store("postgresql://tcdocs:secret@127.0.0.1:1/x")

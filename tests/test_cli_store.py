"""`tcdocs cases` and `tcdocs users`: a case folder into the store and back, the cases listed and
their status, users with their tokens, on SQLite and on PostgreSQL; and the default database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tcdocs.cli import main
from tcdocs.store import default_url, open_store
from tcdocs.store.database import data_folder

from .conftest import EXAMPLES, ROOT

TODAY = "2028-03-20"
DOCUMENTS = sorted(path.name for path in EXAMPLES.glob("*.yaml"))


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_example_case_goes_into_the_store_and_its_status_is_that_of_the_folder(database, capsys, monkeypatch):
    code, out, err = run(capsys, "cases", "import", EXAMPLES, "--db", database)
    assert (code, err) == (0, "")
    assert out == f"{EXAMPLES}: ärende 1, Teknikcollege Nordvik: sparade 10 av dess 10 dokument\n"
    code, listed, _ = run(capsys, "cases", "list", "--today", TODAY, "--db", database)
    assert (code, listed) == (0, "1  Teknikcollege Nordvik  ny region  steg 10 Svar på protokoll  nästa: –\n")
    code, stored, _ = run(capsys, "cases", "status", "1", "--format", "json", "--today", TODAY, "--db", database)
    assert code == 0
    monkeypatch.chdir(EXAMPLES)  # the folder's documents named by file name alone, as the store names them
    code, folder, _ = run(capsys, "status", ".", "--format", "json", "--today", TODAY)
    assert code == 0
    assert json.loads(stored) == json.loads(folder)
    code, text, _ = run(capsys, "cases", "status", "1", "--today", TODAY, "--db", database)
    assert code == 0 and text.startswith("Teknikcollege Nordvik, ny region, Dnr RTS 2027/018: läget den 2028-03-20\n")
    assert run(capsys, "status", ".", "--today", TODAY)[1] == text


def test_export_import_export_gives_the_same_bytes_and_all_cases_export_to_a_folder_each(capsys, tmp_path):
    database = f"sqlite:///{tmp_path / 'cases.db'}"  # the store's own tests run on both databases
    db = ["--db", database]
    assert run(capsys, "cases", "import", EXAMPLES, *db)[0] == 0
    assert run(capsys, "cases", "export", "1", tmp_path / "first", *db) == (0, f"ärende 1: skrev 10 dokument i {tmp_path / 'first'}\n", "")
    assert run(capsys, "cases", "import", tmp_path / "first", *db)[0] == 0
    assert run(capsys, "cases", "export", "2", tmp_path / "second", *db)[0] == 0
    for name in DOCUMENTS:
        assert (tmp_path / "second" / name).read_bytes() == (tmp_path / "first" / name).read_bytes() == (EXAMPLES / name).read_bytes()
    assert sorted(path.name for path in (tmp_path / "second").iterdir()) == DOCUMENTS
    code, out, _ = run(capsys, "cases", "export", "--all", tmp_path / "all", *db)
    assert (code, out) == (0, f"ärende 1: skrev {tmp_path / 'all' / '1-Nordvik'}\närende 2: skrev {tmp_path / 'all' / '2-Nordvik'}\n")
    assert sorted(path.name for path in (tmp_path / "all" / "2-Nordvik").iterdir()) == DOCUMENTS
    # The export of all is a backup: imported into an empty store, it gives the same cases.
    restored = ["--db", f"sqlite:///{tmp_path / 'restored.db'}"]
    assert run(capsys, "cases", "import", *sorted((tmp_path / "all").iterdir()), *restored)[0] == 0
    assert run(capsys, "cases", "list", "--today", TODAY, *restored)[1] == run(capsys, "cases", "list", "--today", TODAY, *db)[1]


def test_importing_a_changed_folder_into_its_case_saves_what_changed_and_the_log_says_who(capsys, tmp_path):
    database = f"sqlite:///{tmp_path / 'cases.db'}"  # the store's own tests run on both databases
    db = ["--db", database]
    run(capsys, "cases", "import", EXAMPLES, *db, "--author", "Anna Berg")
    folder = tmp_path / "nordvik"
    run(capsys, "cases", "export", "1", folder, *db)
    (folder / "svar.yaml").write_text((EXAMPLES / "svar.yaml").read_text(encoding="utf-8") + "# ändrad\n", encoding="utf-8")
    code, out, _ = run(capsys, "cases", "import", folder, "--case", "1", "--note", "svar rättat", "--author", "Bo", *db)
    assert (code, out) == (0, f"{folder}: ärende 1, Teknikcollege Nordvik: sparade 1 av dess 10 dokument\n")
    code, log, _ = run(capsys, "cases", "log", "1", *db)
    lines = [line.split("  ", 1)[1] for line in log.splitlines()]  # without the time
    assert lines[0] == "Anna Berg  create  Nordvik"
    assert lines[1:-1] == [f"Anna Berg  save  {name} 1  import {EXAMPLES.name}" for name in DOCUMENTS]
    assert lines[-1] == "Bo  save  svar.yaml 2  svar rättat"


def test_users_get_a_token_once_and_the_store_knows_them_by_it(database, capsys):
    db = ["--db", database]
    code, token, note = run(capsys, "users", "add", "Anna Berg", "--role", "processledare", "--region", "Nordvik", *db)
    assert code == 0 and len(token.strip()) >= 43
    assert note == "åtkomstnyckeln för Anna Berg ovan visas bara denna gång; lämna den så att ingen annan kan läsa den\n"
    assert run(capsys, "users", "add", "Rut Kansli", "--role", "rts", *db)[0] == 0
    assert run(capsys, "users", "list", *db) == (0, "Anna Berg  processledare  Nordvik\nRut Kansli  rts\n", "")
    with open_store(database) as store:
        anna = store.authenticate(token.strip())
        assert anna is not None and (anna.name, anna.role, anna.region) == ("Anna Berg", "processledare", "Nordvik")
    code, renewed, _ = run(capsys, "users", "token", "Anna Berg", *db)
    assert code == 0 and renewed != token
    assert run(capsys, "users", "remove", "Anna Berg", *db) == (0, "tog bort Anna Berg\n", "")
    with open_store(database) as store:
        assert store.authenticate(token.strip()) is None and store.authenticate(renewed.strip()) is None
    assert run(capsys, "users", "list", *db)[1] == "Rut Kansli  rts\n"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["cases", "status", "9"], 1, "tcdocs: det finns inget ärende 9\n"),
        (["cases", "export", "x", "out"], 2, "tcdocs: 'x' är inget ärendenummer; tcdocs cases list visar dem\n"),
        (["cases", "export", "1"], 2, "tcdocs: ange ärendet och mappen att exportera det till: tcdocs cases export ÄRENDE MAPP\n"),
        (
            ["cases", "export", "--all", "1", "out"],
            2,
            "tcdocs: med --all anger du mappen att exportera till: tcdocs cases export --all MAPP\n",
        ),
        (["users", "add", "Bo", "--role", "processledare"], 2, "tcdocs: en processledare arbetar för en region: ange den\n"),
        (["users", "remove", "Bo"], 1, "tcdocs: det finns ingen användare som heter Bo\n"),
    ],
    ids=["no-such-case", "not-a-number", "no-folder", "all-and-a-case", "no-region", "no-such-user"],
)
def test_what_cannot_be_done_is_said_in_one_line(tmp_path, capsys, argv, code, message):
    assert run(capsys, *argv, "--db", tmp_path / "cases.db") == (code, "", message)


def test_an_export_into_a_folder_of_other_documents_writes_nothing(tmp_path, capsys):
    db = ["--db", tmp_path / "cases.db"]
    run(capsys, "cases", "import", EXAMPLES, *db)
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "protokoll.yaml").write_text("kind: styrgruppsprotokoll\n", encoding="utf-8")
    code, out, err = run(capsys, *["cases", "export", "1", folder, *db])
    assert (code, out) == (2, "")
    assert err == f"tcdocs: {folder} innehåller dokument som inte hör till ärendet (protokoll.yaml); exportera till en tom mapp\n"
    assert [path.name for path in folder.iterdir()] == ["protokoll.yaml"]


def test_a_database_url_tcdocs_cannot_use_is_a_usage_error(capsys):
    code, _, err = run(capsys, "cases", "list", "--db", "mysql://localhost/cases")
    assert (code, err) == (
        2,
        "tcdocs: 'mysql://localhost/cases' är ingen databas som tcdocs kan spara ärenden i; använd SQLite eller PostgreSQL\n",
    )


def test_a_postgresql_url_as_people_write_it(postgresql_server, capsys):
    url = postgresql_server.new_database().replace("postgresql+psycopg://", "postgresql://")
    assert run(capsys, "cases", "import", EXAMPLES, "--db", url)[0] == 0
    assert run(capsys, "cases", "list", "--today", TODAY, "--db", url)[1].startswith("1  Teknikcollege Nordvik")


def test_without_db_the_store_is_a_file_in_the_data_folder(tmp_path, capsys, monkeypatch):
    assert data_folder({"XDG_DATA_HOME": "/srv/data", "HOME": "/home/a"}) == Path("/srv/data/tcdocs")
    assert data_folder({"XDG_DATA_HOME": "relative", "HOME": "/home/a"}) == Path.home() / ".local/share/tcdocs"
    monkeypatch.delenv("TCDOCS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'tcdocs' / 'tcdocs.db'}"
    assert run(capsys, "cases", "import", EXAMPLES)[0] == 0
    assert (tmp_path / "data" / "tcdocs" / "tcdocs.db").is_file()
    assert run(capsys, "cases", "list", "--today", TODAY)[1].startswith("1  Teknikcollege Nordvik")
    monkeypatch.setenv("TCDOCS_DB", str(tmp_path / "elsewhere.db"))
    assert run(capsys, "cases", "list")[1] == ""
    assert (tmp_path / "elsewhere.db").is_file()


def test_every_command_has_help(capsys):
    for command in (["cases"], ["users"], *(["cases", name] for name in ("import", "export", "list", "status", "log"))):
        code, out, _ = run(capsys, *command, "--help")
        assert code == 0 and "Användning: tcdocs" in out
    for command in ("add", "list", "remove", "token"):
        code, out, _ = run(capsys, "users", command, "--help")
        assert code == 0 and "--db URL" in out


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("import", "export", "list", "status", "log"):
        assert f"tcdocs cases {command}" in readme
    for command in ("add", "list", "remove", "token"):
        assert f"tcdocs users {command}" in readme


def test_the_other_commands_do_not_load_sqlalchemy():
    code = "import sys, tcdocs, tcdocs.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'psycopg'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_roles_the_command_offers_are_the_store_s():
    from tcdocs.cli_store import add_user
    from tcdocs.store import ROLES

    role = next(param for param in add_user.params if param.name == "role")
    assert tuple(role.type.choices) == ROLES  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _no_default_store(monkeypatch, tmp_path):
    """No test writes into the data folder of whoever runs the tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TCDOCS_DB", raising=False)

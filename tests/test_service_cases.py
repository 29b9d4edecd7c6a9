"""The stored cases through the service (`/v1/cases`), on SQLite and on a real PostgreSQL server: who sees
and changes what, versions made exactly as they were, saves that race and are told, the calendar feed,
a restart, and two service processes on one PostgreSQL database."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")

import tcdocs
from tcdocs.store import User, import_folder, open_store

from .conftest import EXAMPLES
from .databases import DATABASES, Server
from .test_server import Service, start

ADMIN = User("Ada Admin", "admin")
TODAY = "2028-03-20"


@dataclass
class Setup:
    """A database holding the example case (case 1) and its users' tokens."""

    url: str
    tokens: dict[str, str]


def _database(kind: str, request: pytest.FixtureRequest, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'cases.db'}"
    server: Server = request.getfixturevalue("postgresql_server")
    return server.new_database()


def _set_up(url: str) -> Setup:
    with open_store(url) as store:
        case, _ = import_folder(store, EXAMPLES, by=ADMIN)
        assert case.id == 1
        tokens = {
            "anna": store.add_user("Anna Berg", "processledare", "Nordvik", by=ADMIN)[1],
            "olle": store.add_user("Olle Ek", "processledare", "Mellanå", by=ADMIN)[1],
            "rut": store.add_user("Rut Kansli", "rts", by=ADMIN)[1],
        }
    return Setup(url, tokens)


@pytest.fixture(scope="module", params=DATABASES)
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Setup:
    return _set_up(_database(request.param, request, tmp_path_factory.mktemp("arenden")))


@pytest.fixture(scope="module")
def service(setup: Setup) -> Iterator[Service]:
    yield from start("--jobs", "1", "--timeout", "60", "--db", setup.url)


class Client:
    """A user of the service: their token on every request, Swedish answers."""

    def __init__(self, base: str, token: str | None) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> tuple[int, Any, dict[str, str]]:
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        headers = {"Accept-Language": "sv", "Content-Type": content_type}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                raw, status, answer_headers = response.read(), response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            with error:
                raw, status, answer_headers = error.read(), error.code, dict(error.headers)
        is_json = answer_headers.get("content-type", "").startswith("application/json")
        return status, json.loads(raw) if is_json else raw, answer_headers

    def get(self, path: str) -> Any:
        status, body, _ = self.call("GET", path)
        assert status == 200, body
        return body

    def save(self, name: str, text: str, base: int | None, note: str = "") -> tuple[int, Any]:
        status, body, _ = self.call("PUT", f"/v1/cases/1/documents/{name}", {"text": text, "base": base, "note": note})
        return status, body


def client(service: Service, setup: Setup, who: str | None) -> Client:
    return Client(service.base, setup.tokens[who] if who else None)


def example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def latest(user: Client, name: str) -> tuple[int, str]:
    body = user.get(f"/v1/cases/1/documents/{name}")
    return body["version"]["version"], body["text"]


# --- seeing the cases ----------------------------------------------------------------------------------------


def test_a_case_s_status_from_the_service_is_what_tcdocs_status_says_of_its_folder(service, setup, monkeypatch, capsys):
    from tcdocs.cli import main

    monkeypatch.chdir(EXAMPLES)
    assert main(["status", ".", "--format", "json", "--today", TODAY]) == 0
    from_folder = json.loads(capsys.readouterr().out)
    rut = client(service, setup, "rut")
    status, body, _ = rut.call("GET", f"/v1/cases/1/status?today={TODAY}")
    assert status == 200 and body == from_folder
    listed = rut.get(f"/v1/cases?today={TODAY}")
    [nordvik] = listed["cases"]
    assert nordvik["region"] == "Nordvik" and nordvik["dnr"] == "RTS 2027/018"
    assert nordvik["current_step"]["name"] == "Svar på protokoll"
    assert listed["user"]["role_name"] == "RTS kansli"


def test_a_processledare_sees_the_cases_of_their_region_only(service, setup):
    assert [case["region"] for case in client(service, setup, "anna").get("/v1/cases")["cases"]] == ["Nordvik"]
    olle = client(service, setup, "olle")
    assert olle.get("/v1/cases")["cases"] == []
    status, body, _ = olle.call("GET", "/v1/cases/1")
    assert status == 403
    assert body["detail"] == "Olle Ek är processledare för Teknikcollege Mellanå och kan inte se ärendena för Teknikcollege Nordvik"


def test_the_cases_need_a_user_s_own_key(service, setup):
    status, body, headers = client(service, setup, None).call("GET", "/v1/cases")
    assert status == 401 and headers["www-authenticate"] == "Bearer"
    assert body["detail"] == "ärendena kräver din egen nyckel, den du fick som användare av tjänsten"
    assert Client(service.base, "fel-nyckel-0123456789").call("GET", "/v1/cases/1")[0] == 401


def test_rts_sees_every_case_and_cannot_change_the_region_s_agreement(service, setup):
    rut = client(service, setup, "rut")
    case = rut.get("/v1/cases/1")
    writable = {document["document"]: document["writable"] for document in case["documents"]}
    assert writable["samverkansavtal.yaml"] is False and writable["beslut.yaml"] is True
    number, text = latest(rut, "samverkansavtal.yaml")
    status, body = rut.save("samverkansavtal.yaml", text.replace("KS 2026/0412", "KS 2026/0413"), number)
    assert status == 403
    assert body["detail"].startswith("Rut Kansli på RTS kansli kan inte spara ett dokument av slaget samverkansavtal")
    assert latest(rut, "samverkansavtal.yaml") == (number, text)
    assert {kind["kind"] for kind in case["kinds"] if kind["writable"]} == {"aterkoppling", "granskningsprotokoll", "beslut"}


# --- versions ------------------------------------------------------------------------------------------------


def test_every_save_is_a_new_version_with_its_author_note_and_a_comparison_field_by_field(service, setup):
    anna = client(service, setup, "anna")
    number, text = latest(anna, "intresseanmalan.yaml")
    changed = text.replace("ny_utbildning: false", "ny_utbildning: true") if "ny_utbildning: false" in text else text
    changed = changed.replace("dnr: ", "dnr: X", 1)
    status, body = anna.save("intresseanmalan.yaml", changed, number, note="nytt diarienummer")
    assert status == 200 and body["version"]["version"] == number + 1 and body["version"]["author"] == "Anna Berg"
    history = anna.get("/v1/cases/1/documents/intresseanmalan.yaml")["versions"]
    assert [(v["version"], v["author"], v["note"]) for v in history][-1] == (number + 1, "Anna Berg", "nytt diarienummer")
    earlier = anna.get(f"/v1/cases/1/documents/intresseanmalan.yaml?version={number}")
    assert earlier["text"] == text  # exactly as it was saved
    compared = anna.get(f"/v1/cases/1/documents/intresseanmalan.yaml/changes?from={number}&to={number + 1}")
    assert {"path": "dnr", "field": "Diarienummer", "before": tcdocs.load(EXAMPLES / "intresseanmalan.yaml").dnr,
            "after": "X" + tcdocs.load(EXAMPLES / "intresseanmalan.yaml").dnr} in compared["changes"]
    log = anna.get("/v1/cases/1")["log"]
    assert {"actor": "Anna Berg", "what": "sparade", "document": "intresseanmalan.yaml", "version": number + 1,
            "detail": "nytt diarienummer"}.items() <= log[-1].items()


def test_an_earlier_version_downloads_exactly_as_it_was_with_the_documents_it_named_as_they_were(service, setup):
    anna = client(service, setup, "anna")
    [first] = [v for v in anna.get("/v1/cases/1/documents/ansokan.yaml")["versions"] if v["version"] == 1]
    number, text = latest(anna, "samverkansavtal.yaml")
    # The agreement the ansökan names changes after the ansökan was saved: its version 1 still names the old.
    status, _ = anna.save("samverkansavtal.yaml", text.replace("KS 2026/0412", "KS 2026/0499"), number, note="nytt dnr")
    assert status == 200
    status, docx, headers = anna.call("GET", f"/v1/cases/1/documents/ansokan.yaml/file?format=docx&version={first['version']}")
    assert status == 200 and headers["content-type"].startswith("application/vnd.openxmlformats")
    assert docx == tcdocs.render(tcdocs.load(EXAMPLES / "ansokan.yaml"), "docx")
    # The latest version is made with the agreement as it is now.
    status, now, _ = anna.call("GET", "/v1/cases/1/documents/ansokan.yaml/file?format=docx")
    assert status == 200 and now != docx


def test_a_document_written_in_the_case_finds_the_documents_it_names_there(service, setup):
    anna = client(service, setup, "anna")
    status, body, _ = anna.call("POST", "/v1/cases/1/documents/svar.yaml/check", example("svar.yaml").encode(), "application/yaml")
    assert status == 200 and body["valid"] is True and body["problems"] == []
    assert "Svar på granskningsprotokoll" in body["preview"]
    wrong = example("svar.yaml").replace("protocol: granskningsprotokoll.yaml", "protocol: protokoll.yaml")
    status, body, _ = anna.call("POST", "/v1/cases/1/documents/svar.yaml/check", wrong.encode(), "application/yaml")
    assert status == 200 and body["valid"] is False
    assert any("protokoll.yaml" in problem["message"] for problem in body["problems"])


# --- two saves of one version --------------------------------------------------------------------------------


def test_the_second_of_two_saves_is_told_and_shown_the_other_and_nothing_is_lost(service, setup):
    anna, rut = client(service, setup, "anna"), client(service, setup, "rut")
    number, text = latest(rut, "beslut.yaml")
    theirs = text.replace("kind: beslut", "kind: beslut\n# Ruts ändring", 1)
    assert rut.save("beslut.yaml", theirs, number, note="Ruts ändring")[0] == 200
    admin_view = text.replace("kind: beslut", "kind: beslut\n# en annan ändring", 1)
    status, body = rut.save("beslut.yaml", admin_view, number, note="andra")  # from another tab, based on the same version
    assert status == 409
    assert body["other"]["version"] == number + 1 and body["other"]["author"] == "Rut Kansli" and body["other"]["text"] == theirs
    assert body["other"]["note"] == "Ruts ändring" and body["base"] == number
    assert "sparades av Rut Kansli" in body["detail"] and "ingenting skrevs över" in body["detail"]
    assert latest(anna, "beslut.yaml") == (number + 1, theirs)
    # Taking their version in, the save goes through as the next version.
    assert rut.save("beslut.yaml", admin_view, number + 1, note="andra")[0] == 200
    texts = [anna.get(f"/v1/cases/1/documents/beslut.yaml?version={n}")["text"] for n in (number, number + 1, number + 2)]
    assert texts == [text, theirs, admin_view]


def test_a_conflict_shows_their_fields_beside_yours(service, setup):
    anna = client(service, setup, "anna")
    number, text = latest(anna, "svar.yaml")
    mine = text.replace("kind: svar", "kind: svar", 1)
    dated = tcdocs.load(EXAMPLES / "svar.yaml").date.isoformat()
    theirs = text.replace(f"date: {dated}", "date: 2028-02-23", 1)
    assert theirs != text
    assert anna.save("svar.yaml", theirs, number)[0] == 200
    status, body = anna.save("svar.yaml", mine, number)
    assert status == 409
    assert {"path": "date", "field": "Datum", "before": "2028-02-23", "after": dated} in body["differences"]


# --- the calendar feed ---------------------------------------------------------------------------------------


def test_the_calendar_feed_has_the_case_s_deadlines_and_follows_its_changes(service, setup):
    anna, rut = client(service, setup, "anna"), client(service, setup, "rut")
    address = rut.get("/v1/cases/1/calendar")["url"]
    assert address == anna.get("/v1/cases/1/calendar")["url"] and address.startswith(f"{service.base}/v1/calendar/")
    path = address.removeprefix(service.base)
    seen = f"{path}?today=2027-06-01"  # after the återkoppling, before the ansökan
    status, feed, headers = Client(service.base, None).call("GET", seen)  # a calendar program sends no key
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    ics = feed.decode().replace("\r\n ", "")
    assert "BEGIN:VCALENDAR" in ics and "SUMMARY:Teknikcollege Nordvik: Planerad ansökan" in ics
    assert "DTSTART;VALUE=DATE:20271001" in ics
    # The intresseanmälan moves the planned application: the feed says so at once.
    number, text = latest(anna, "intresseanmalan.yaml")
    moved = text.replace("planned_application: 2027-10-01", "planned_application: 2027-10-15")
    assert anna.save("intresseanmalan.yaml", moved, number)[0] == 200
    ics = Client(service.base, None).call("GET", seen)[1].decode()
    assert "DTSTART;VALUE=DATE:20271015" in ics and "DTSTART;VALUE=DATE:20271001" not in ics
    new = rut.call("POST", "/v1/cases/1/calendar")[1]["url"]
    assert new != address
    status, body, _ = Client(service.base, None).call("GET", seen)
    assert status == 404 and "det finns ingen kalender på den här adressen" in body["detail"]
    assert rut.get("/v1/cases/1")["log"][-1]["what"] == "gjorde en ny adress till kalendern; den gamla slutade fungera"


# --- a new case, a restart -------------------------------------------------------------------------------------


def test_a_case_made_through_the_service_is_there_after_a_restart(setup):
    service = start("--jobs", "1", "--db", setup.url)
    running = next(service)
    try:
        anna = client(running, setup, "anna")
        status, body, _ = anna.call("POST", "/v1/cases", {})
        assert status == 201 and body["case"]["region"] == "Nordvik"
        case = body["case"]["id"]
        status, saved, _ = anna.call("PUT", f"/v1/cases/{case}/documents/samverkansavtal.yaml",
                                     {"text": example("samverkansavtal.yaml"), "base": None, "note": "första"})
        assert status == 200 and saved["version"]["version"] == 1
    finally:
        service.close()
    again = start("--jobs", "1", "--db", setup.url)
    running = next(again)
    try:
        anna = client(running, setup, "anna")
        kept = anna.get(f"/v1/cases/{case}")
        assert [(d["document"], d["version"], d["note"], d["author"]) for d in kept["documents"]] == [
            ("samverkansavtal.yaml", 1, "första", "Anna Berg")
        ]
        assert kept["status"]["steps"][1]["documents"] == ["samverkansavtal.yaml"]
    finally:
        again.close()


def test_beyond_loopback_the_service_lets_in_its_users(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    with open_store(url) as store:
        _, token = store.add_user("Anna Berg", "processledare", "Nordvik", by=ADMIN)
    service = start("--jobs", "1", "--db", url, host="0.0.0.0")
    running = next(service)
    try:
        assert Client(running.base, None).call("GET", "/v1/kinds")[0] == 401  # the documents too need a key here
        assert Client(running.base, token).call("GET", "/v1/kinds")[0] == 200
        assert Client(running.base, token).call("GET", "/v1/cases")[0] == 200
    finally:
        service.close()


# --- two replicas on one PostgreSQL ------------------------------------------------------------------------------


def test_two_service_processes_on_one_postgresql_lose_nothing_and_tell_every_loser(postgresql_server, tmp_path):
    setup = _set_up(postgresql_server.new_database())
    first, second = start("--jobs", "1", "--db", setup.url), start("--jobs", "1", "--db", setup.url)
    replicas = [next(first), next(second)]
    try:
        results: list[tuple[str, int, Any, str]] = []
        lock = threading.Lock()

        def edit(worker: int) -> None:
            user = Client(replicas[worker % 2].base, setup.tokens["anna"])
            for round_ in range(6):
                number, text = latest(user, "samverkansavtal.yaml")
                mine = text + f"# {worker}-{round_}\n"
                status, body = user.save("samverkansavtal.yaml", mine, number, note=f"{worker}-{round_}")
                with lock:
                    results.append((f"{worker}-{round_}", status, body, mine))

        threads = [threading.Thread(target=edit, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {status for _, status, _, _ in results} <= {200, 409}
        won = {body["version"]["version"]: (note, mine) for note, status, body, mine in results if status == 200}
        told = [body for _, status, body, _ in results if status == 409]
        assert told, "four writers, one document: some saves must come second"
        for body in told:  # each loser is told who won, with their text
            assert body["other"]["author"] == "Anna Berg" and body["other"]["text"].startswith(example("samverkansavtal.yaml"))
        anna = Client(replicas[0].base, setup.tokens["anna"])
        history = anna.get("/v1/cases/1/documents/samverkansavtal.yaml")["versions"]
        assert [v["version"] for v in history] == list(range(1, len(won) + 2))
        for number, (note, mine) in won.items():  # every save that was told it succeeded is there, as it was sent
            kept = anna.get(f"/v1/cases/1/documents/samverkansavtal.yaml?version={number}")
            assert (kept["version"]["note"], kept["text"]) == (note, mine)
    finally:
        first.close()
        second.close()


def test_serve_names_its_store_in_its_log(service, setup):
    assert "the cases are kept in " in service.log_text()
    assert (setup.url.split("@")[-1] if "postgresql" in setup.url else setup.url) in service.log_text()


"""`tcdocs status`: a certification case on the handbook's road, its deadlines, its cross-document
problems, the calendar of what is due, the ärendeöversikt, and many cases at once."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import icalendar
import pytest

import tcdocs
from tcdocs.cli import main
from tcdocs.road import overview, read_case

from .conftest import EXAMPLES
from .reading import docx_body, flat, pdf_pages

ROAD = [
    (1, "Förankringsarbete", None),
    (2, "Styrgrupp formas", "2026-11-24"),
    (3, "Intresseanmälan", "2027-05-03"),
    (4, "Återkoppling från kansliet", "2027-05-24"),
    (5, "Ansökan tas fram och godkänns", "2027-09-16"),
    (6, "Ansökan skickas in", "2027-09-28"),
    (7, "Beredning", None),
    (8, "Granskningsbesök", "2027-11-16"),
    (9, "Protokoll", "2027-12-07"),
    (10, "Svar på protokoll", "2028-02-22"),
    (11, "Beredning av beslut", None),
    (12, "Beslut", "2028-04-20"),
    (13, "Certifieringsceremoni", None),
]


def case_folder(tmp_path: Path, changes: dict[str, list[tuple[str, str]]] | None = None, without: tuple[str, ...] = (),
                name: str = "nordvik") -> Path:
    """The example case in a folder of its own, with {file: [(old, new), ...]} changes and *without* some files."""
    folder = tmp_path / name
    folder.mkdir()
    for example in EXAMPLES.glob("*.yaml"):
        if example.stem not in without:
            shutil.copy(example, folder / example.name)
    for file, edits in (changes or {}).items():
        text = (folder / file).read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, (file, old)
            text = text.replace(old, new)
        (folder / file).write_text(text, encoding="utf-8")
    return folder


def status(capsys, *args: object) -> tuple[int, str, str]:
    code = main(["status", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_example_case_gives_the_thirteen_steps_with_their_dates(capsys):
    code, out, err = status(capsys, EXAMPLES, "--today", "2028-05-02", "--format", "json")
    assert code == 0, err
    [case] = json.loads(out)["cases"]
    assert [(s["step"], s["name"], s["date"]) for s in case["steps"]] == ROAD
    assert [s["done"] for s in case["steps"]] == [True] * 12 + [False]
    assert case["steps"][8]["documents"] == [str(EXAMPLES / "granskningsprotokoll.yaml")]
    summary = (case["region"], case["type"], case["dnr"], case["current_step"], case["late"])
    assert summary == ("Nordvik", "ny_region", "RTS 2027/018", 12, False)
    assert [(d["deadline"], d["due"], d["met"], d["late"]) for d in case["deadlines"]] == [
        ("application", "2027-10-01", "2027-09-28", False),
        ("protocol", "2027-12-16", "2027-12-07", False),
        ("supplements", "2028-03-07", "2028-02-22", False),
        ("validity", "2031-04-30", None, False),
    ]
    # The handbook gives no day to apply for re-certification, and the board set none: no such deadline.
    assert case["next_deadline"]["name"] == "Certifieringen gäller till"
    assert case["problems"] == []


def test_the_road_as_a_person_reads_it(capsys):
    code, out, _ = status(capsys, EXAMPLES, "--today", "2028-03-20")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Teknikcollege Nordvik, ny region, Dnr RTS 2027/018: läget den 2028-03-20"
    assert " 9  Protokoll                      2027-12-07  granskningsprotokoll.yaml" in lines
    # A document dated after the day the case is seen from plans its step.
    assert "12  Beslut                         2028-04-20  beslut.yaml (planerat)" in lines
    # The first step not taken is the one under way; the ones after it are ahead.
    assert "11  Beredning av beslut                        näst på tur" in lines
    assert "13  Certifieringsceremoni                      kommande" in lines
    assert "  2028-03-07  Kompletteringarna ska vara inne  klart 2028-02-22" in lines


def test_a_late_protocol_and_overdue_supplements_are_both_late(tmp_path, capsys):
    folder = case_folder(tmp_path, {"granskningsprotokoll.yaml": [("date: 2027-12-07 ", "date: 2027-12-20 ")]}, without=("svar", "beslut"))
    code, out, err = status(capsys, folder, "--today", "2028-04-01")
    assert code == 0, err
    assert "  2027-12-16  Protokollet ska skickas          klart 2027-12-20, SENT" in out.splitlines()
    # Three months from the day the protocol was in fact sent.
    assert "  2028-03-20  Kompletteringarna ska vara inne  FÖRSENAT" in out.splitlines()
    case = read_case(folder, dt.date(2028, 4, 1))
    assert [(d.key, d.late) for d in case.deadlines if d.late] == [("protocol", True), ("supplements", True)]
    assert case.current is not None and case.current.number == 9
    # On the day the supplements are due, only the protocol is late.
    assert [d.key for d in read_case(folder, dt.date(2028, 3, 20)).deadlines if d.late] == ["protocol"]


CONTACT = ("\nchair:", "\ncontact: {name: Sofia Ek, phone: 0611-12 34 56}\nchair:")
"""The svar's contact, which it must name when its protocol writes out the case instead of naming the ansökan."""


def protocol_written_out(programme: str = "Teknikprogrammet") -> tuple[str, str]:
    """The protocol with its case written out (one provider, one programme) instead of naming the ansökan."""
    case = (
        "case:\n  type: ny_region\n  region: Nordvik\n  school_units:\n    - name: Nordviksgymnasiet\n"
        f"      principal: Nordviks kommun\n      programmes:\n        - name: {programme}\n"
    )
    return ("application: ansokan.yaml   # relativt till denna fil\n", case)


CROSS = [
    ("intresseanmalan.yaml", [("region: Nordvik", "region: Södervik")], "svar.yaml", [],
     "intresseanmalan.yaml:7:1: Region: det här dokumentet gäller Teknikcollege Södervik, men ärendet är Teknikcollege Nordvik"),
    ("granskningsprotokoll.yaml", [protocol_written_out("Elprogrammet")], "svar.yaml", [CONTACT],
     "granskningsprotokoll.yaml:15:11: Ärende › Skolenheter › 1 › Utbildningar › 1 › Utbildning: Nordviksgymnasiet har "
     "inte Elprogrammet i samverkansavtalet"),
    # The beslut that names the svar cannot be dated before it; one that does not is caught by the road's order.
    ("beslut.yaml", [("  date: 2028-04-20\n  paragraph: 42", "  date: 2028-02-20\n  paragraph: 42"), ("response: svar.yaml", ""),
                     ("  date: 2028-03-30\n", "  date: 2028-02-10\n")],
     "svar.yaml", [],
     "beslut.yaml:13:3: Styrelsemöte › Mötesdatum: Beslut är daterat 2028-02-20, före Svar på protokoll den 2028-02-22; vägens "
     "steg kommer i ordning"),
]


@pytest.mark.parametrize(("name", "edits", "other", "other_edits", "expected"), CROSS,
                         ids=["two-regions", "programme-not-agreed", "decision-before-answer"])
def test_each_cross_document_problem_is_reported_at_its_line(tmp_path, capsys, name, edits, other, other_edits, expected):
    folder = case_folder(tmp_path, {name: edits, other: other_edits})
    code, out, err = status(capsys, folder, "--today", "2028-05-02")
    assert code == 1
    assert any(line.startswith(f"  {folder / expected}") for line in out.splitlines()), out
    assert "problem mellan dokumenten; se ovan" in err


def test_a_beslut_and_a_svar_about_another_protocol(tmp_path, capsys):
    folder = case_folder(tmp_path)
    other = (folder / "granskningsprotokoll.yaml").read_text(encoding="utf-8").replace("dnr: RTS 2027/018", "dnr: RTS 2027/099")
    (folder / "protokoll-099.yaml").write_text(other, encoding="utf-8")
    for name in ("beslut.yaml", "svar.yaml"):
        text = (folder / name).read_text(encoding="utf-8").replace("protocol: granskningsprotokoll.yaml", "protocol: protokoll-099.yaml")
        (folder / name).write_text(text.replace("response: svar.yaml", ""), encoding="utf-8")
    case = read_case(folder, dt.date(2028, 5, 2))
    found = [(Path(p.file or "").name, p.line, p.path, p.text("sv")) for p in case.problems]
    assert ("svar.yaml", 8, "protocol", "dokumentet gäller protokollet från 2027-12-07 (Dnr RTS 2027/099), men ärendets "
            f"protokoll är från 2027-12-07 (Dnr RTS 2027/018, {folder / 'granskningsprotokoll.yaml'})") in found
    assert [(name, line, path) for name, line, path, _ in found] == [
        ("beslut.yaml", 7, "protocol"), ("protokoll-099.yaml", 5, "kind"), ("svar.yaml", 8, "protocol")]


def test_two_documents_of_one_step_and_dates_out_of_the_roads_order(tmp_path):
    folder = case_folder(tmp_path, {"granskningsprotokoll.yaml": [protocol_written_out()], "svar.yaml": [CONTACT]})
    text = (folder / "granskningsprotokoll.yaml").read_text(encoding="utf-8").replace("  date: 2027-11-16\n", "  date: 2027-09-20\n")
    (folder / "granskningsprotokoll.yaml").write_text(text, encoding="utf-8")
    shutil.copy(folder / "intresseanmalan.yaml", folder / "intresseanmalan-kopia.yaml")
    case = read_case(folder, dt.date(2028, 5, 2))
    found = [(Path(p.file or "").name, p.line, p.path, p.text("sv")) for p in case.problems]
    assert ("intresseanmalan.yaml", 4, "kind", f"{folder / 'intresseanmalan-kopia.yaml'} är redan ärendets intresseanmälan; "
            "ett ärende har ett av varje dokument") in found
    assert ("granskningsprotokoll.yaml", 18, "visit.date", "Granskningsbesök är daterat 2027-09-20, före Ansökan skickas in den "
            "2027-09-28; vägens steg kommer i ordning") in found


def test_the_calendar_holds_the_deadlines_ahead_as_all_day_events(tmp_path, capsys):
    folder = case_folder(tmp_path, without=("svar", "beslut"))
    ics = tmp_path / "frister.ics"
    assert status(capsys, folder, "--today", "2028-01-10", "--ics", ics)[0] == 0
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = [(e.decoded("dtstart"), str(e["summary"]), str(e["description"])) for e in calendar.walk("VEVENT")]
    assert events == [
        (dt.date(2028, 3, 7), "Teknikcollege Nordvik: Kompletteringarna ska vara inne",
         "Ärende: Teknikcollege Nordvik, Dnr RTS 2027/018\nSteg 10: Svar på protokoll\nDokument: granskningsprotokoll.yaml")
    ]
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtend") == dt.date(2028, 3, 8) and str(event["uid"]).endswith("@tcdocs")
    # After the decision: the end of the certification (the board set no day to apply for re-certification).
    assert status(capsys, EXAMPLES, "--today", "2028-05-02", "--ics", ics)[0] == 0
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in calendar.walk("VEVENT")] == [
        (dt.date(2031, 4, 30), "Teknikcollege Nordvik: Certifieringen gäller till"),
    ]


def test_many_cases_give_one_line_each(tmp_path, capsys):
    early = case_folder(tmp_path, without=("svar", "beslut"))
    code, out, _ = status(capsys, EXAMPLES, early, "--today", "2028-03-20")
    assert code == 0
    assert out.splitlines() == [
        "Teknikcollege Nordvik  ny region  steg 10 Svar på protokoll  nästa: –",
        "Teknikcollege Nordvik  ny region  steg 9 Protokoll  nästa: 2028-03-07 Kompletteringarna ska vara inne  FÖRSENAT",
    ]


def test_the_overview_as_a_document_in_both_formats(tmp_path, capsys):
    code, out, _ = status(capsys, EXAMPLES, "--today", "2028-03-20", "--document", tmp_path)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arendeoversikt-Nordvik.docx", "arendeoversikt-Nordvik.pdf"]
    docx = flat(docx_body((tmp_path / "arendeoversikt-Nordvik.docx").read_bytes()))
    pdf = flat(" ".join(pdf_pages((tmp_path / "arendeoversikt-Nordvik.pdf").read_bytes())))
    for text in (docx, pdf):
        assert "Ärendeöversikt, Teknikcollege Nordvik" in text
        assert "Vägen till certifiering enligt handboken, läget den 20 mars 2028" in text
        # Each step names its documents as a reader knows them: kind, date and Dnr, never a file.
        assert "9 Protokoll 2027-12-07 Granskningsprotokollet 2027-12-07, Dnr RTS 2027/018 Klart" in text
        assert "12 Beslut 2028-04-20 Beslutet 2028-04-20, Dnr RTS 2027/018 Planerat" in text
        assert ".yaml" not in text
        assert "11 Beredning av beslut Näst på tur 12" in text and "13 Certifieringsceremoni Kommande" in text
        assert "Kompletteringarna ska vara inne 2028-03-07 2028-02-22 I tid" in text
        # A case without problems says nothing of checks it may not have been able to make.
        assert "Avvikelser" not in text and "avvikelser" not in text


def test_the_example_overview_is_what_status_writes(capsys):
    written = tcdocs.load(EXAMPLES / "arendeoversikt.yaml")
    assert written == overview(read_case(EXAMPLES, dt.date(2028, 3, 20)))
    # And the case does not count its own overview among its documents.
    assert "arendeoversikt" not in [d.doc.kind_name() for d in read_case(EXAMPLES, dt.date(2028, 3, 20)).documents]


def test_a_file_that_does_not_validate_is_a_problem_of_the_case(tmp_path, capsys):
    folder = case_folder(tmp_path, {"svar.yaml": [("  - request: 3\n", "  - request: 7\n")]})
    code, out, err = status(capsys, folder, "--today", "2028-05-02")
    assert code == 1
    assert f"{folder / 'svar.yaml'}:31:5: Svar på begärda kompletteringar › 3 › Begärd komplettering nr: protokollet har ingen " \
           "komplettering 7" in out
    assert "10  Svar på protokoll" in out  # the road is still drawn from the other documents


def test_not_a_folder_is_a_clear_error(tmp_path, capsys):
    code, _, err = status(capsys, tmp_path / "saknas")
    assert code == 2 and "saknas" in err and "Traceback" not in err


# --- what a careless or hostile run gets: a clear answer, and nothing half written ---------------------------


@pytest.mark.parametrize("day", ["1999-12-31", "2100-01-01", "9999-12-31"])
def test_a_today_outside_the_documents_years_is_a_usage_error(tmp_path, capsys, day):
    code, out, err = status(capsys, EXAMPLES, "--today", day, "--format", "yaml", "--ics", tmp_path / "x.ics", "--document", tmp_path / "d")
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"{day} är inte en dag för de här ärendena; ange en dag från 2000 till 2099" in err
    assert not (tmp_path / "x.ics").exists() and not (tmp_path / "d").exists()


def test_an_overview_the_model_refuses_is_a_located_problem_and_nothing_is_written(tmp_path, capsys):
    folder = case_folder(tmp_path)
    shutil.copy(folder / "svar.yaml", folder / "svar-東京.yaml")  # a name the house font cannot show, and a second svar
    code, out, err = status(capsys, folder, "--today", "2028-03-20", "--ics", tmp_path / "x.ics", "--document", tmp_path / "d")
    assert code == 1 and out == "" and "Traceback" not in err
    # The overview names documents by kind, date and Dnr; the problem's message names the file.
    assert "arendeoversikt-Nordvik: Problem › 1: husets typsnitt har inga tecken för 東 京" in err
    assert not (tmp_path / "x.ics").exists() and not (tmp_path / "d").exists()


def test_an_empty_folder_says_so(tmp_path, capsys):
    (tmp_path / "tom").mkdir()
    code, out, _ = status(capsys, tmp_path / "tom")
    assert code == 1 and f"{tmp_path / 'tom'}: mappen har inga YAML- eller JSON-dokument" in out
    code, _, err = status(capsys, tmp_path / "tom", "--format", "yaml")
    assert code == 1 and "inget av ärendets dokument kunde läsas" in err


def test_two_cases_of_one_region_get_an_overview_each(tmp_path, capsys):
    copy = case_folder(tmp_path)
    code, out, _ = status(capsys, EXAMPLES, copy, "--today", "2028-03-20", "--document", tmp_path / "d")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [
        "arendeoversikt-Nordvik-2.docx", "arendeoversikt-Nordvik-2.pdf", "arendeoversikt-Nordvik.docx", "arendeoversikt-Nordvik.pdf"]


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_the_calendar_never_replaces_a_link_or_a_pipe(tmp_path, capsys, kind):
    import os

    target = tmp_path / "kalender.ics"
    if kind == "symlink":
        (tmp_path / "annan.txt").write_text("orörd", encoding="utf-8")
        target.symlink_to(tmp_path / "annan.txt")
    else:
        os.mkfifo(target)
    code, out, err = status(capsys, EXAMPLES, "--today", "2028-03-20", "--ics", target)
    assert code == 1 and out == "" and "det är en länk, en enhet eller en rörledning, inte en fil" in err
    assert target.is_symlink() if kind == "symlink" else not target.is_file()
    if kind == "symlink":
        assert (tmp_path / "annan.txt").read_text(encoding="utf-8") == "orörd"


def test_json_for_other_tools_says_its_problems_in_the_users_language(tmp_path, capsys, monkeypatch):
    folder = case_folder(tmp_path, {"svar.yaml": [("  - request: 3\n", "  - request: 7\n")]})
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    code, out, _ = status(capsys, folder, "--today", "2028-05-02", "--format", "json")
    problems = json.loads(out)["cases"][0]["problems"]
    assert code == 1 and {"file": str(folder / "svar.yaml"), "line": 31, "path": "answers[2].request",
                          "message": "protokollet har ingen komplettering 7; det begär 3, numrerade 1–3"} in [
        {key: p[key] for key in ("file", "line", "path", "message")} for p in problems]


def test_a_file_named_by_many_documents_is_read_once_for_the_case(tmp_path, monkeypatch):
    from tcdocs import loader

    folder = tmp_path / "nordvik"
    folder.mkdir()
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", folder)
    for number in range(120):
        shutil.copy(EXAMPLES / "hangavtal.yaml", folder / f"hangavtal-{number:03}.yaml")
    reads: list[str] = []
    read_file = loader.read_file
    monkeypatch.setattr(loader, "read_file", lambda path, limits: reads.append(path.name) or read_file(path, limits))
    case = read_case(folder, dt.date(2028, 5, 2))
    assert len(case.documents) == 121
    assert reads.count("samverkansavtal.yaml") == 1 and len(reads) == 121


def test_a_file_name_cannot_forge_a_line_of_the_road(tmp_path, capsys):
    folder = case_folder(tmp_path)
    forged = "\n12  Beslut                         2028-04-20  beslut.yaml\n\u202eavtal"
    (folder / f"x{forged}.yaml").write_text("kind: beslut\n", encoding="utf-8")
    code, out, _ = status(capsys, folder, "--today", "2028-05-02")
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("12  ")] == [
        "12  Beslut                         2028-04-20  beslut.yaml"]
    problem = next(line for line in out.splitlines() if "x\\n12" in line)
    assert problem.startswith(f"  {folder}/x\\n12  Beslut                         2028-04-20  beslut.yaml\\n\\u202eavtal.yaml:1:1: ")


REQUESTS = (
    "  supplements:\n"
    "    - En plan för hur resultaten från nöjdhetsundersökningarna förs in i de lokala handlingsplanerna.\n"
    "    - En beskrivning av arbetsfördelningen mellan den regionala och de lokala styrgrupperna.\n"
    "    - En tidplan för handledarutbildningen.\n"
)


def test_a_svar_that_writes_out_the_case_s_protocol_is_about_it(tmp_path):
    folder = case_folder(tmp_path, {"svar.yaml": [(
        "protocol: granskningsprotokoll.yaml",
        "protocol:\n  region: Nordvik\n  dnr: RTS 2027/018\n  date: 2027-12-07\n  visit_date: 2027-11-16\n" + REQUESTS
        + "contact: {name: Sofia Ek, phone: 0611-12 34 56}")]})
    assert read_case(folder, dt.date(2028, 5, 2)).problems == []


@pytest.mark.parametrize("written_out", [False, True], ids=["as-a-file", "written-out"])
def test_a_svar_and_a_beslut_on_another_protocol_of_the_same_dnr_and_date(tmp_path, written_out):
    folder = case_folder(tmp_path)
    protocol = (folder / "granskningsprotokoll.yaml").read_text(encoding="utf-8")
    other = protocol.replace("  - En tidplan för handledarutbildningen.\n", "").replace(
        "supplements:\n", "supplements:\n  - En redovisning av ekonomin.\n")
    assert other != protocol
    if written_out:
        answer = (folder / "svar.yaml").read_text(encoding="utf-8").replace(
            "protocol: granskningsprotokoll.yaml",
            "protocol:\n  region: Nordvik\n  dnr: RTS 2027/018\n  date: 2027-12-07\n  visit_date: 2027-11-16\n"
            "  supplements:\n    - En redovisning av ekonomin.\n"
            "    - En plan för hur resultaten från nöjdhetsundersökningarna förs in i de lokala handlingsplanerna.\n"
            "    - En beskrivning av arbetsfördelningen mellan den regionala och de lokala styrgrupperna.\n"
            "contact: {name: Sofia Ek, phone: 0611-12 34 56}")
        (folder / "svar.yaml").write_text(answer, encoding="utf-8")
    else:
        (folder / "protokoll-kopia.yaml").write_text(other, encoding="utf-8")
        for name in ("svar.yaml", "beslut.yaml"):
            text = (folder / name).read_text(encoding="utf-8").replace("granskningsprotokoll.yaml", "protokoll-kopia.yaml")
            (folder / name).write_text(text, encoding="utf-8")
    case = read_case(folder, dt.date(2028, 5, 2))
    found = {(Path(p.file or "").name, p.path): p.text("sv") for p in case.problems}
    assert found[("svar.yaml", "protocol")] == (
        "dokumentet hänvisar till ett protokoll med ärendets Dnr och datum som säger något annat än ärendets "
        f"({folder / 'granskningsprotokoll.yaml'})")


@pytest.mark.parametrize("units", ["all", "one-less"])
def test_a_beslut_that_writes_out_its_protocol_decides_the_case_s(tmp_path, units):
    folder = case_folder(tmp_path)
    reviewed = tcdocs.load(folder / "granskningsprotokoll.yaml").reviewed.model_dump(mode="json", exclude_none=True)
    if units == "one-less":
        reviewed["school_units"] = reviewed["school_units"][:-1]
    written = {"dnr": "RTS 2027/018", "date": "2027-12-07", "visit_date": "2027-11-16", "case": reviewed}
    text = (folder / "beslut.yaml").read_text(encoding="utf-8").replace(
        "protocol: granskningsprotokoll.yaml", f"protocol: {json.dumps(written, ensure_ascii=False)}")  # JSON is YAML too
    (folder / "beslut.yaml").write_text(text, encoding="utf-8")
    problems = [(Path(p.file or "").name, p.path) for p in read_case(folder, dt.date(2028, 5, 2)).problems]
    assert problems == ([] if units == "all" else [("beslut.yaml", "protocol")])


OVERVIEW = (EXAMPLES / "arendeoversikt.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  met: '2028-02-22'\n  late: false", "  met: '2028-03-10'\n  late: false",
         [("deadlines[2].late", "senast 2028-03-07, klart 2028-03-10, läget 2028-03-20: tidsfristen är sen")]),
        ("    dnr: RTS 2027/018\n  done: false\n- step: 13", "    dnr: RTS 2027/018\n  done: true\n- step: 13",
         [("steps[10].done", "steg 12 är markerat som klart, så det här steget före det är taget också"),
          ("steps[11].done", "ett steg daterat 2028-04-20 är inte taget den 2028-03-20")]),
        ("    dnr: TCN 2028/004\n  done: true", "    dnr: TCN 2028/004\n  done: false",
         [("steps[9].done", "ett steg daterat 2028-02-22 är taget den 2028-03-20; markera det som klart")]),
        ("- step: 13\n  documents: []\n  done: false", "- step: 13\n  documents: []\n  done: true",
         [("steps[10].done", "steg 13 är markerat som klart, så det här steget före det är taget också"),
          ("steps[11].done", "steg 13 är markerat som klart, så det här steget före det är taget också")]),
    ],
    ids=["in-time-but-late", "done-in-the-future", "not-done-in-the-past", "done-after-one-not-taken"],
)
def test_an_overview_written_by_hand_cannot_contradict_its_own_dates(old, new, expected):
    assert old in OVERVIEW
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load_text(OVERVIEW.replace(old, new), "arendeoversikt.yaml")
    assert [(p.path, p.text("sv")) for p in caught.value.problems] == expected


def test_one_stray_samverkansavtal_of_another_region_is_the_one_reported(tmp_path):
    folder = case_folder(tmp_path)
    stray = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8").replace("region: Nordvik", "region: Södervik")
    (folder / "avtal-sodervik.yaml").write_text(stray, encoding="utf-8")  # first of the folder's files
    case = read_case(folder, dt.date(2028, 5, 2))
    assert case.region == "Nordvik"
    assert [(Path(p.file or "").name, p.path, p.text("sv")) for p in case.problems] == [
        ("avtal-sodervik.yaml", "region", "det här dokumentet gäller Teknikcollege Södervik, men ärendet är Teknikcollege Nordvik")]

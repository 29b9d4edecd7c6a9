"""The rest of the road to certification: the ansökan, the återkoppling and the svar på protokoll,
and the example case of Teknikcollege Nordvik walked from the samverkansavtal to the beslut."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import tcdocs
from tcdocs.cli import main

from .conftest import EXAMPLES
from .reading import docx_body, docx_header, docx_header_rows, flat, pdf_body, pdf_pages, words

NEW_KINDS = ("ansokan", "aterkoppling", "svar")


@pytest.fixture(scope="module")
def files() -> dict[str, dict[str, bytes]]:
    return {kind: tcdocs.render_formats(tcdocs.load(EXAMPLES / f"{kind}.yaml")) for kind in NEW_KINDS}


def texts(out: dict[str, bytes]) -> tuple[str, str]:
    return flat(docx_body(out["docx"])), flat(" ".join(pdf_pages(out["pdf"])))


SEEN = {
    "ansokan": [
        "Ansökan om certifiering av Teknikcollege Nordvik Till Riksföreningen Teknikcollege Sverige, kansliet",
        "Sökande Teknikcollege Nordvik Ansökan avser Ny region Värdkommun Nordviks kommun",
        "Sökt certifieringsperiod 1 maj 2028 – 30 april 2031 Godkänd av regional styrgrupp 16 september 2027, § 24",
        # From the samverkansavtal: the parties, the school units with their huvudmän, the processledare.
        "Regionen bygger på samverkansavtalet mellan Nordviks kommun, Strandbergs kommun, Åsby kommun, Ekeskogs kommun "
        "och Industriskolan Nordvik AB, med Nordviks kommun som värdkommun.",
        "Ekeskogs naturbruks- och teknikgymnasium Skolenhetskod 47218653 Ekeskogs kommun 212999-0046",
        "Sofia Ek Regional processledare sofia.ek@nordvik.example 0611-12 34 56",
        "Parterna har i samverkansavtalet enats om följande mål för certifieringsperioden.",
        # The criteria, each with its account.
        "5.6 Kreativ och stimulerande lärmiljö Utbildningarna har moderna lokaler och utrustning",
        "Mål Minst tolv företag tar emot elever i arbetsplatsförlagt lärande. Aktiviteter Handledarutbildning för företagens handledare. "
        "Belägg Avsiktsförklaringar och listor över apl-platser.",
        # The steering groups, each party's members and the company majority visible.
        "Annika Dahl Nordvik Precision AB Ordförande Ja",
        "Henrik Åberg Åsby kommun Näringslivschef Åsby kommun Nej",
        "Gruppen har elva ledamöter, varav sex företräder näringslivet, som därmed är i majoritet.",
        "Lokal styrgrupp, Teknikcollege Strandberg–Ekeskog",
        # The programmes applied for, tracks from the agreement, and the companies in workplace learning.
        # A programme without tracks names none: the document does not claim "all" of them.
        "Nordviksgymnasiet Industriteknik – Kommunal vuxenutbildning 16",
        "Industritekniska programmet, Strandbergs gymnasieskola Strandbergs Mekaniska AB och Ekeskog Plåt AB",
        "Ekeskog Trä AB 556999-1069 6 april 2027",
        # The financing from the agreement.
        "med 10 kr per invånare och år. Industriskolan Nordvik AB betalar i stället ett fast belopp om 60 000 kr per år.",
        "Nordviks kommun 324 000 kr",
        "Summa 662 500 kr",
        "Den regionala styrgruppen för Teknikcollege Nordvik har godkänt ansökan vid sitt möte den 16 september 2027, § 24.",
        # The chair signs as chair of the steering group, not as an employee of her company.
        "För den regionala styrgruppen för Teknikcollege Nordvik Nordvik Ort och datum Underskrift Annika Dahl "
        "Ordförande i den regionala styrgruppen Bilagor",
        "Bilaga 1. Samverkansavtal för Teknikcollege Nordvik, certifieringsperioden 2028–2031 (Dnr KS 2026/0412)",
        "Bilaga 6. Avsiktsförklaringar från samverkande företag",
    ],
    "aterkoppling": [
        "Bekräftelse och återkoppling på intresseanmälan från Teknikcollege Nordvik Från RTS kansli",
        "Mottagare Sofia Ek, regional processledare, Teknikcollege Nordvik "
        "Kopia: Annika Dahl, ordförande i den regionala styrgruppen",
        "Ärende Intresseanmälan från Teknikcollege Nordvik, 3 maj 2027, Dnr TCN 2027/012",
        "Avser Ny region Mottagen 5 maj 2027",
        "RTS kansli har den 5 maj 2027 tagit emot intresseanmälan från Teknikcollege Nordvik om certifiering som ny region.",
        "RTS har godkänt intresseanmälan, och Teknikcollege Nordvik är därmed, enligt föreningens stadgar, medlem i "
        "Riksföreningen Teknikcollege Sverige.",
        "I ansökan vill kansliet särskilt se hur regionen har kartlagt företagens kompetensbehov",
        "samverkansavtal för den kommande certifieringsperioden.",
        "Regionen planerar att skicka sin ansökan till RTS kansli den 1 oktober 2027",  # a plan, not a deadline
        "Kontaktperson på RTS kansli är Helena Strömberg, verksamhetsutvecklare (helena.stromberg@rts.example, 08-123 456 00).",
        # A letter, closed as one.
        "Med vänlig hälsning Helena Strömberg Verksamhetsutvecklare, RTS kansli",
    ],
    "svar": [
        "Svar på granskningsprotokoll, Teknikcollege Nordvik Kompletteringar till RTS kansli",
        "Avser Granskningsprotokoll 7 december 2027, Dnr RTS 2027/018 Granskningsbesök 16 november 2027 "
        "Kompletteringar senast 7 mars 2028",
        "skickades till Teknikcollege Nordvik den 7 december 2027 och begärde tre kompletteringar.",
        "har behandlat dem vid sitt möte den 15 februari 2028, § 5.",
        "Komplettering 2 Begärt i protokollet: en beskrivning av arbetsfördelningen mellan den regionala och de lokala "
        "styrgrupperna. Den regionala styrgruppen har antagit en arbetsordning.",
        "Se bilaga 3.",
        "Övriga synpunkter Regionen tackar granskarna för ett konstruktivt besök.",
        # The processledare from the samverkansavtal, through the protocol and its application.
        "Kontaktperson är Sofia Ek, regional processledare (sofia.ek@nordvik.example, 0611-12 34 56).",
        "För den regionala styrgruppen för Teknikcollege Nordvik Nordvik Ort och datum Underskrift "
        "Annika Dahl Ordförande i den regionala styrgruppen",
        "Bilaga 1. Lokala handlingsplaner 2028, reviderade Bilaga 2. Arbetsordning för styrgrupperna "
        "Bilaga 3. Tidplan för handledarutbildningen 2028",
    ],
}

SECTIONS = {
    "ansokan": ["1. Sökande", "2. Sammanfattning", "3. Nulägesbeskrivning", "4. Vision och mål", "5. Redogörelse per kriterium",
                "6. Organisation", "7. Utbildningar som söks", "8. Samverkande företag", "9. Finansiering",
                "10. Kvalitetssäkring och uppföljning", "11. Underskrift", "Bilagor"],
    "aterkoppling": ["Bekräftelse", "Återkoppling", "Ansökan ska innehålla", "Fortsatt handläggning"],
    "svar": ["Inledning", "Kompletteringar", "Komplettering 1", "Komplettering 2", "Komplettering 3", "Övriga synpunkter",
             "Underskrift", "Bilagor"],
}
HEADERS = {
    "ansokan": ("Teknikcollege Nordvik", "ANSÖKAN", "Dnr TCN 2027/031"),
    "aterkoppling": ("Riksföreningen Teknikcollege Sverige", "ÅTERKOPPLING", "Dnr RTS 2027/018"),
    "svar": ("Teknikcollege Nordvik", "SVAR PÅ GRANSKNINGSPROTOKOLL", "Dnr TCN 2028/004"),
}


@pytest.mark.parametrize(("kind", "phrase"), [(kind, phrase) for kind, phrases in SEEN.items() for phrase in phrases])
def test_reader_sees_phrase_in_both_formats(kind, phrase, files):
    docx_text, pdf_text = texts(files[kind])
    assert phrase in docx_text
    assert phrase in pdf_text


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_sections_in_order_in_both_formats(kind, files):
    for text in texts(files[kind]):
        at = 0
        for heading in SECTIONS[kind]:
            at = text.index(heading, at) + len(heading)  # each found after the one before


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_page_header_in_both_formats(kind, files):
    header = flat(docx_header(files[kind]["docx"]))
    for part in HEADERS[kind]:
        assert part in header
    for page in pdf_pages(files[kind]["pdf"]):
        assert all(part in page for part in HEADERS[kind])


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_docx_and_pdf_carry_the_same_words_in_the_same_order(kind, files):
    out = files[kind]
    docx_words = words(docx_body(out["docx"]))
    assert len(docx_words) > 150
    assert docx_words == words(pdf_body(out["pdf"], docx_header_rows(out["docx"])))


# --- their rules, each at its line ---------------------------------------------------------------

def case_folder(tmp_path: Path, changes: dict[str, tuple[str, str]] | None = None) -> Path:
    """Copies of every example in *tmp_path*, with {file: (old, new)} changes made."""
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, tmp_path / example.name)
    for name, (old, new) in (changes or {}).items():
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (tmp_path / name).write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


def problems(path: Path) -> list[str]:
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(path)
    return [str(p) for p in caught.value.problems]


RULES = [
    # The ansökan.
    ("ansokan.yaml", "  date: 2027-09-16", "  date: 2027-09-30",
     "204:3: approval.date: the steering group must approve the application before it is sent (2027-09-28)"),
    ("ansokan.yaml", "summary: |", "summaryx: |", "18:1: summaryx: unknown field; check its spelling (`tcdocs schema` lists the fields)"),
    ("ansokan.yaml", "  larmiljo:", "  lärmiljön:",
     "94:3: criteria.lärmiljön: 'lärmiljön' is not one of the eight criteria; use one of: "),
    ("ansokan.yaml", "  - {name: Karl Ås, organisation: Hydro Nordvik AB, company: true}\n",
     "  - {name: Karl Ås, organisation: Hydro Nordvik AB}\n",
     "125:1: steering_group: a Teknikcollege steering group has a majority from industry; 5 of its 11 members represent a company"),
    ("ansokan.yaml", "  - {name: Annika Dahl, organisation: Nordvik Precision AB, company: true, role: ordförande}\n",
     "  - {name: Annika Dahl, organisation: Nordvik Precision AB, role: ordförande}\n"
     "  - {name: Ny Ny, organisation: Ny AB, company: true}\n",
     "126:5: steering_group[0].company: the chair of a Teknikcollege steering group comes from industry; Annika Dahl does not"),
    ("ansokan.yaml", "letter_of_intent: 2027-04-06}\n  - {name: Nordvik El", "letter_of_intent: 2027-10-06}\n  - {name: Nordvik El",
     "188:53: companies[5].letter_of_intent: the letter of intent is dated 2027-10-06, after the application of 2027-09-28"),
    ("ansokan.yaml", "  - name: Teknikcollege Strandberg–Ekeskog", "  - name: Teknikcollege Strandby",
     "148:5: local_groups[1].name: 'Teknikcollege Strandby' is not a local Teknikcollege of the samverkansavtal (it has: "
     "Teknikcollege Nordvik–Åsby, Teknikcollege Strandberg–Ekeskog)"),
    ("ansokan.yaml", "  - school_unit: Industriskolan Nordvik\n", "  - school_unit: Industriskolan Södervik\n",
     "177:5: programmes[5].school_unit: 'Industriskolan Södervik' is not a school unit of the samverkansavtal (it has: "),
    ("ansokan.yaml", "    programme: Industriteknik\n", "    programme: Elprogrammet\n",
     "166:5: programmes[2].programme: Nordviksgymnasiet has no Elprogrammet in the samverkansavtal (it has: Teknikprogrammet, "
     "Industritekniska programmet, Industriteknik)"),
    ("ansokan.yaml", "    programme: Teknikprogrammet\n    places: 60\n",
     "    programme: Teknikprogrammet\n    tracks: [Produktionsteknik, Flygteknik]\n    places: 60\n",
     "159:33: programmes[0].tracks[1]: Teknikprogrammet at Nordviksgymnasiet has no track 'Flygteknik' in the samverkansavtal"),
    ("ansokan.yaml", "    programme: Industriteknik\n", "    programme: Teknikprogrammet\n",
     "165:5: programmes[2]: this programme is already listed above"),
    # The återkoppling.
    ("aterkoppling.yaml", "received: 2027-05-05", "received: 2027-05-01",
     "8:1: received: the intresseanmälan cannot be received before its date, 2027-05-03"),
    ("aterkoppling.yaml", "date: 2027-05-24", "date: 2027-05-04",
     "6:1: date: the feedback cannot come before the intresseanmälan was received (2027-05-05)"),
    ("aterkoppling.yaml", "received: 2027-05-05", "received: 2027-05-05\nplanned_application: 2027-05-20",
     "9:1: planned_application: the planned application date (2027-05-20) must come after this feedback"),
    ("aterkoppling.yaml", "  email: helena.stromberg@rts.example\n  phone: 08-123 456 00\n", "",
     "18:1: contact: give the contact person's email or phone, so the region can reach the office"),
    # The svar på protokoll.
    ("svar.yaml", "  - request: 3\n", "  - request: 4\n",
     "31:5: answers[2].request: the protocol has no request 4; it asks for 3, numbered 1–3"),
    ("svar.yaml", "  - request: 3\n", "  - request: 2\n", "31:5: answers[2].request: request 2 is already answered above"),
    ("svar.yaml", "date: 2028-02-22", "date: 2027-12-01",
     "7:1: date: the answer cannot come before the protocol was sent (2027-12-07)"),
    ("svar.yaml", "  date: 2028-02-15", "  date: 2028-02-25",
     "11:3: handled.date: the steering group must handle the supplements before they are sent (2028-02-22)"),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), RULES,
                         ids=[f"{name.split('.')[0]}-{expected.split(': ')[1]}" for name, _, _, expected in RULES])
def test_each_rule_is_an_error_at_its_line(tmp_path, name, old, new, expected):
    folder = case_folder(tmp_path, {name: (old, new)})
    found = problems(folder / name)
    assert any(problem.startswith(f"{folder / name}:{expected}") for problem in found), found


def test_a_request_left_unanswered_is_an_error_at_the_answers(tmp_path):
    folder = case_folder(tmp_path, {"svar.yaml": ("  - request: 2\n", "  - request: 3\n")})
    found = problems(folder / "svar.yaml")
    assert f"{folder / 'svar.yaml'}:14:1: answers: request 2 is not answered: En beskrivning av arbetsfördelningen mellan " \
           "den regionala och de lokala styrgrupperna." in found


def test_an_application_for_the_whole_region_accounts_for_every_criterion(tmp_path):
    text = (EXAMPLES / "ansokan.yaml").read_text(encoding="utf-8")
    start = text.index("  larmiljo:")
    end = text.index("  utbildning_inom_teknikcollege:")
    folder = case_folder(tmp_path, {"ansokan.yaml": (text[start:end], "")})
    assert f"{folder / 'ansokan.yaml'}:42:1: criteria: an application for the whole region gives an account of every " \
           "criterion; missing: larmiljo (6. Kreativ och stimulerande lärmiljö)" in problems(folder / "ansokan.yaml")


def test_a_smaller_application_needs_neither_every_criterion_nor_the_regions_story(tmp_path):
    text = (EXAMPLES / "ansokan.yaml").read_text(encoding="utf-8")
    small = text[: text.index("summary: |")] + text[text.index("steering_group:"):]
    small = small.replace("type: ny_region", "type: ny_utbildning")
    (tmp_path / "liten.yaml").write_text(small, encoding="utf-8")
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", tmp_path / "samverkansavtal.yaml")
    doc = tcdocs.load(tmp_path / "liten.yaml")
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Ansökan om certifiering av ny utbildning inom Teknikcollege Nordvik" in text
    assert "Regionen redovisar de kvalitetskriterier som ansökan berör." in text
    assert "Sammanfattning" not in text


def test_the_application_warns_of_missing_annexes_and_a_period_of_the_wrong_length(tmp_path):
    folder = case_folder(tmp_path, {"ansokan.yaml": ("  - title: Regional verksamhetsplan 2028\n", "")})
    doc, warnings = tcdocs.load_checked(folder / "ansokan.yaml")
    assert [(w.path, w.line, w.message) for w in warnings] == [
        ("attachments", 212, "the handbook asks the application to attach the operational plan (verksamhetsplan)")
    ]
    assert warnings[0].text("sv") == "handboken begär att ansökan har med verksamhetsplanen som bilaga"
    folder = case_folder(tmp_path, {"ansokan.yaml": ("type: ny_region", "type: atercertifiering")})
    _, warnings = tcdocs.load_checked(folder / "ansokan.yaml")
    assert [w.text("sv") for w in warnings] == ["samverkansavtalet gäller i 3 år, men en återcertifiering gäller i 5 år"]


def test_a_late_answer_is_a_warning_and_still_renders(tmp_path, capsys):
    folder = case_folder(tmp_path, {"svar.yaml": ("date: 2028-02-22", "date: 2028-03-20")})
    path = folder / "svar.yaml"
    assert main(["render", str(path), "--out", str(tmp_path / "ut")]) == 0
    assert f"{path}:7:1: varning: Datum: kompletteringarna skickas 2028-03-20, efter att de skulle ha kommit in senast 2028-03-07" \
        in capsys.readouterr().err
    assert (tmp_path / "ut" / "svar.pdf").exists()


def test_the_protocols_own_due_date_decides_when_an_answer_is_late(tmp_path):
    folder = case_folder(tmp_path, {"svar.yaml": ("date: 2028-02-22", "date: 2028-03-20"),
                                    "granskningsprotokoll.yaml": ("\nsuggestions:", "\nsupplements_due: 2028-03-31\n\nsuggestions:")})
    doc, warnings = tcdocs.load_checked(folder / "svar.yaml")
    assert warnings == []
    assert "Kompletteringar senast 31 mars 2028" in flat(docx_body(tcdocs.render(doc, "docx")))


@pytest.mark.parametrize(
    ("name", "field", "line", "kind", "target"),
    [("ansokan.yaml", "agreement", 8, "samverkansavtal", "samverkansavtal.yaml"),
     ("aterkoppling.yaml", "interest", 7, "intresseanmälan", "intresseanmalan.yaml"),
     ("svar.yaml", "protocol", 8, "granskningsprotokoll", "granskningsprotokoll.yaml"),
     ("granskningsprotokoll.yaml", "application", 8, "ansökan", "ansokan.yaml")],
)
def test_a_missing_or_invalid_referenced_file_names_both_files(tmp_path, name, field, line, kind, target):
    folder = case_folder(tmp_path)
    (folder / target).unlink()
    [message] = problems(folder / name)
    assert message.startswith(f"{folder / name}:{line}:1: {field}: the {kind} '{target}' it refers to cannot be used:")
    assert f"{folder / target}: cannot read the file: there is no such file" in message
    case_folder(tmp_path, {target: ("\ndate: ", "\ndate: 2027-13-01\nx: ")})
    [message] = problems(folder / name)
    assert f"{folder / name}:{line}:1: {field}:" in message and f"{folder / target}:" in message


@pytest.mark.parametrize(("name", "field"), [("ansokan.yaml", "agreement"), ("aterkoppling.yaml", "interest"), ("svar.yaml", "protocol")])
def test_a_document_that_names_itself_is_refused(tmp_path, name, field):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    target = next(line.split(":")[1].split("#")[0].strip() for line in text.splitlines() if line.startswith(f"{field}:"))
    folder = case_folder(tmp_path, {name: (f"{field}: {target}", f"{field}: {name}")})
    [message] = problems(folder / name)
    assert "refers back to a file that is being read; a document cannot refer to itself" in message


# --- the example case, walked ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def case() -> dict[str, tcdocs.Document]:
    return {path.stem: tcdocs.load(path) for path in sorted(EXAMPLES.glob("*.yaml"))}


def test_every_document_of_the_case_names_the_one_before_it(case):
    assert case["aterkoppling"].interest == case["intresseanmalan"]
    assert case["ansokan"].agreement == case["samverkansavtal"]
    assert case["granskningsprotokoll"].application == case["ansokan"]
    assert case["svar"].protocol == case["granskningsprotokoll"]
    assert case["beslut"].protocol == case["granskningsprotokoll"]
    assert case["beslut"].response == case["svar"]
    assert case["hangavtal"].agreement == case["samverkansavtal"]
    assert {doc.region for doc in case.values() if hasattr(doc, "region")} == {"Nordvik"}


def test_the_case_follows_the_handbooks_road_and_deadlines(case):
    minutes = case["styrgruppsprotokoll"]
    interest, feedback, application = case["intresseanmalan"], case["aterkoppling"], case["ansokan"]
    protocol, answer, decision = case["granskningsprotokoll"], case["svar"], case["beslut"]
    # Steps 2-3: the agreement, then the steering group approves the intresseanmälan (a § of its minutes).
    assert case["samverkansavtal"].date < minutes.date == interest.approval.date < interest.date
    assert interest.approval.paragraph in minutes.numbers()
    # Step 4: the kansli receives it and answers; the application is planned after that.
    assert interest.date <= feedback.received <= feedback.date < feedback.application_due
    # Steps 5-6: the steering group approves the application, which goes in by the planned date.
    assert feedback.date < application.approval.date <= application.date <= feedback.application_due
    # Steps 8-9: the visit after the application; the protocol within one month of the visit.
    assert application.date < protocol.visit.date < protocol.sent_on <= protocol.send_by
    assert protocol.send_by == dt.date(2027, 12, 16)
    # Step 10: the answer within three months of the protocol being sent.
    assert protocol.sent_on < answer.handled.date <= answer.date <= protocol.due == dt.date(2028, 3, 7)
    # Step 12: the board decides after the answer; the certification is the agreement's period.
    assert answer.date < decision.board_meeting.date
    assert decision.period == case["samverkansavtal"].period
    # The handbook sets no day to apply for re-certification, and the board gave none.
    assert decision.recertify_by is None


def test_the_whole_case_renders(tmp_path, capsys):
    assert main(["render", *sorted(str(p) for p in EXAMPLES.glob("*.yaml")), "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{p.stem}.{fmt}" for p in EXAMPLES.glob("*.yaml") for fmt in ("docx", "pdf")
    )
    assert capsys.readouterr().err == ""


def test_a_file_named_twice_is_read_once_and_its_warning_said_once(tmp_path):
    # The beslut names the protocol, and so does the svar it names.
    folder = case_folder(tmp_path, {"granskningsprotokoll.yaml": ("date: 2027-12-07 ", "date: 2027-12-20 ")})
    _, warnings = tcdocs.load_checked(folder / "beslut.yaml")
    assert [(w.file, w.path, w.line) for w in warnings] == [(str(folder / "granskningsprotokoll.yaml"), "date", 7)]

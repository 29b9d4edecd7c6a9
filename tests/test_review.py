"""The granskningsprotokoll and the board's beslut: what a reader sees, their rules and warnings."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

import tcdocs
from tcdocs.cli import main

from .conftest import CRITERIA_HEADINGS, EXAMPLES
from .reading import docx_body, docx_document, docx_header, docx_header_rows, flat, pdf_body, pdf_pages, signed, words


@pytest.fixture(scope="module")
def protocol() -> tcdocs.Granskningsprotokoll:
    doc = tcdocs.load(EXAMPLES / "granskningsprotokoll.yaml")
    assert isinstance(doc, tcdocs.Granskningsprotokoll)
    return doc


@pytest.fixture(scope="module")
def decision() -> tcdocs.Beslut:
    doc = tcdocs.load(EXAMPLES / "beslut.yaml")
    assert isinstance(doc, tcdocs.Beslut)
    return doc


@pytest.fixture(scope="module")
def files(protocol, decision) -> dict[str, dict[str, bytes]]:
    return {"protocol": tcdocs.render_formats(protocol), "decision": tcdocs.render_formats(decision)}


def texts(files: dict[str, bytes]) -> tuple[str, str]:
    return flat(docx_body(files["docx"])), flat(" ".join(pdf_pages(files["pdf"])))



PROTOCOL_SEEN = [
    "Granskningsprotokoll Teknikcollege Nordvik, ny region",
    "Ärende Ny region",
    "Granskningsbesök 16 november 2027",
    # Computed: sent on the document's date, supplements due three months later.
    "Protokollet skickat 7 december 2027",
    "Kompletteringar senast 7 mars 2028",
    # What is reviewed: the programmes at each school unit, with its huvudman and the huvudman's number.
    "Nordviks kommun 212999-0012 Nordviksgymnasiet Skolenhetskod 28451937 Teknikprogrammet Produktionsteknik, "
    "Design och produktutveckling Gymnasieskola",
    "förbereder Industrirådets granskningskommitté och RTS kansli beslutsunderlaget till styrelsen för Riksföreningen "
    "Teknikcollege Sverige, som beslutar om certifiering utifrån granskningskommitténs förordande.",
    "Granskningsbesöket genomfördes den 16 november 2027 och omfattade besök vid Nordviksgymnasiet, "
    "Nordvik Precision AB och Strandbergs gymnasieskola.",
    "Granskare var Lena Forsberg, IF Metall, och Magnus Ek, Teknikföretagen, från Industrirådets granskningskommitté "
    "för Teknikcollege, samt Helena Strömberg från RTS kansli.",
    "Annika Dahl Ordförande i den regionala styrgruppen Nordvik Precision AB",
    "Samverkansavtal för Teknikcollege Nordvik avseende certifieringsperioden 2028–2031",
    "Granskarna möttes av en region med ett starkt engagemang från både företag och skolor.",
    "Styrkor Gemensam antagning oavsett hemkommun.",
    "Utvecklingsområden Samtliga handledare bör ha gått handledarutbildning före nästa läsår.",
    "Kompletteringarna ska skickas till RTS kansli senast den 7 mars 2028, samlade i ett dokument.",
    "Sofia Ek, regional processledare, Teknikcollege Nordvik",
    "Den regionala processledaren vidarebefordrar protokollet",
]

DECISION_SEEN = [
    "Beslut om certifiering av Teknikcollege Nordvik",
    "Styrelsen för Riksföreningen Teknikcollege Sverige (802999-0010)",
    "Granskningsbesök 16 november 2027",
    "Granskningsprotokoll 7 december 2027, Dnr RTS 2027/018",
    "Styrelsemöte 20 april 2028, § 42",
    "Styrelsen beslutar att Teknikcollege Nordvik certifieras som Teknikcollege för perioden från och med den 1 maj 2028 "
    "till och med den 30 april 2031",
    "Strandbergs kommun 212999-0020 Strandbergs gymnasieskola Skolenhetskod 61927384 Industritekniska programmet "
    "Produkt- och maskinteknik Gymnasieskola",
    # The period, and no day for re-certification: the handbook gives none and the board decided none.
    "Certifieringen gäller i tre år, från och med den 1 maj 2028 till och med den 30 april 2031.",
    "Granskningskommittén förordade certifiering den 30 mars 2028.",
    "Beslutet grundar sig på regionens ansökan den 28 september 2027 (Dnr TCN 2027/031), granskningsbesöket",
    "Styrelsen bedömer kompletteringarna som tillräckliga.",
    "Söktrycket till Industritekniska programmet i Strandberg.",
    "upprättat av Lena Forsberg, Magnus Ek och Helena Strömberg, och regionens kompletteringar den 22 februari 2028 "
    "(Dnr TCN 2028/004).",
    "Styrelsen för Riksföreningen Teknikcollege Sverige Kontrasignation Stockholm Ort och datum Underskrift Bengt Håkansson "
    "Ordförande Stockholm Ort och datum Underskrift Maria Lindgren Kanslichef, RTS kansli",
    "Kopia till Industrirådets granskningskommitté för Teknikcollege",
]


@pytest.mark.parametrize("phrase", PROTOCOL_SEEN + CRITERIA_HEADINGS)
def test_reader_sees_protocol_phrase_in_both_formats(phrase, files):
    docx_text, pdf_text = texts(files["protocol"])
    assert phrase in docx_text
    assert phrase in pdf_text


def test_all_eight_criteria_in_the_handbooks_order(files):
    for text in texts(files["protocol"]):
        positions = [text.index(heading) for heading in CRITERIA_HEADINGS]
        assert positions == sorted(positions)


def test_criteria_order_and_titles_come_from_the_package_not_the_data(protocol):
    reversed_data = protocol.model_copy(update={"assessments": dict(reversed(protocol.assessments.items()))})
    text = flat(docx_body(tcdocs.render(reversed_data, "docx")))
    positions = [text.index(heading) for heading in CRITERIA_HEADINGS]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("who", "capacity", "body"),
    [("Lena Forsberg", "Ledamot, IF Metall", "Industrirådets granskningskommitté för Teknikcollege"),
     ("Magnus Ek", "Ledamot, Teknikföretagen", "Industrirådets granskningskommitté för Teknikcollege"),
     ("Helena Strömberg", "Granskare från RTS kansli", "RTS kansli")],
    ids=["committee-1", "committee-2", "office"],
)
def test_three_reviewers_sign(who, capacity, body, files):
    for text in texts(files["protocol"]):
        assert signed(text[text.index("Underskrifter") :], body, who, capacity), who


def test_the_decision_states_no_rule_the_handbook_does_not_give(files):
    for text in texts(files["decision"]):
        assert "ansöka om återcertifiering" not in text
        assert "sex månader" not in text


@pytest.mark.parametrize("phrase", DECISION_SEEN)
def test_reader_sees_decision_phrase_in_both_formats(phrase, files):
    docx_text, pdf_text = texts(files["decision"])
    assert phrase in docx_text
    assert phrase in pdf_text


@pytest.mark.parametrize(("which", "doc_type", "dnr"), [("protocol", "GRANSKNINGSPROTOKOLL", "RTS 2027/018"),
                                                          ("decision", "BESLUT", "RTS 2027/018")])
def test_page_header_names_rts(which, doc_type, dnr, files):
    header = flat(docx_header(files[which]["docx"]))
    assert "Riksföreningen Teknikcollege Sverige" in header and doc_type in header and f"Dnr {dnr}" in header
    for page in pdf_pages(files[which]["pdf"]):
        assert doc_type in page and f"Dnr {dnr}" in page


@pytest.mark.parametrize("which", ["protocol", "decision"])
def test_docx_and_pdf_carry_the_same_words_in_the_same_order(which, files):
    out = files[which]
    docx_words = words(docx_body(out["docx"]))
    assert len(docx_words) > 300
    assert docx_words == words(pdf_body(out["pdf"], docx_header_rows(out["docx"])))


# --- the protocol's rules ----------------------------------------------------------------------

def protocol_text(old: str = "", new: str = "") -> str:
    text = (EXAMPLES / "granskningsprotokoll.yaml").read_text(encoding="utf-8")
    if old:
        assert old in text
        text = text.replace(old, new)
    return text


def load_protocol(text: str, name: str = "p.yaml") -> tcdocs.Document:
    """The protocol *text*, read as if it lay beside the examples: its application is ``ansokan.yaml`` there."""
    return tcdocs.load_text(text, name, sources=tcdocs.Files(EXAMPLES))


def problems_of(text: str, name: str = "p.yaml") -> list[str]:
    with pytest.raises(tcdocs.LoadError) as caught:
        load_protocol(text, name)
    return [str(p) for p in caught.value.problems]


REVIEWER_RULE = ("p.yaml:13:3: visit.reviewers: a review visit has exactly two reviewers from the review committee "
                 "(body: granskningskommitten) and one from the RTS office (body: kansli); found {} and {}")


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("      body: granskningskommitten\n      place: Stockholm\n    - name: Magnus Ek",
         "      body: kansli\n      place: Stockholm\n    - name: Magnus Ek", (1, 2)),
        ("      body: kansli\n", "      body: granskningskommitten\n", (3, 0)),
        ("  participants:", "    - {name: Extra Person, organisation: Unionen, body: granskningskommitten}\n  participants:", (3, 1)),
    ],
    ids=["one-from-committee", "none-from-office", "a-fourth-reviewer"],
)
def test_reviewers_are_two_from_the_committee_and_one_from_the_office(old, new, found):
    assert problems_of(protocol_text(old, new)) == [REVIEWER_RULE.format(*found)]


def test_unknown_criterion_is_an_error():
    [message] = problems_of(protocol_text("  larmiljo:", "  lärmiljön:"))[:1]
    assert message.startswith("p.yaml:92:3: assessments.lärmiljön: 'lärmiljön' is not one of the eight criteria; use one of: ")


@pytest.mark.parametrize("name", ["Lärmiljö", "6", "Kreativ och stimulerande lärmiljö", "6. Kreativ och stimulerande lärmiljö"])
def test_a_criterion_may_be_named_by_its_number_or_title(name):
    doc = load_protocol(protocol_text("  larmiljo:", f"  {name}:"))
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "6. Kreativ och stimulerande lärmiljö" in text


def test_two_names_of_one_criterion_are_an_error():
    text = protocol_text("  larmiljo:", "  Lärmiljö:\n    observations: Två gånger.\n  larmiljo:")
    assert problems_of(text) == ["p.yaml:52:1: assessments: 'Lärmiljö' and 'larmiljo' name the same criterion"]


def test_missing_criterion_is_an_error():
    text = protocol_text("  larmiljo:", "  xlarmiljo:")
    found = problems_of(text)
    missing = "p.yaml:52:1: assessments: every criterion needs an assessment; missing: larmiljo (6. Kreativ och stimulerande lärmiljö)"
    assert missing in found


def test_due_date_before_sending_is_an_error():
    text = protocol_text("suggestions:", "supplements_due: 2027-12-01\n\nsuggestions:")
    assert problems_of(text) == ["p.yaml:111:1: supplements_due: the supplements cannot be due before the protocol is sent (2027-12-07)"]


def test_due_date_given_in_the_data_is_used():
    doc = load_protocol(protocol_text("suggestions:", "supplements_due: 2028-03-15\n\nsuggestions:"))
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Kompletteringar senast 15 mars 2028" in text


def test_sending_late_is_a_warning_in_validate_and_render_and_the_document_renders(tmp_path, capsys):
    copy_examples(tmp_path)
    late = tmp_path / "sen.yaml"
    late.write_text(protocol_text("date: 2027-12-07 ", "date: 2027-12-20 "), encoding="utf-8")
    warning = (f"{late}:7:1: varning: Datum: protokollet skickas 2027-12-20, mer än en månad efter granskningsbesöket "
               "den 2027-11-16 (senast 2027-12-16)")
    assert main(["validate", str(late)]) == 0
    out, err = capsys.readouterr()
    assert f"{late}: ok" in out and warning in err
    assert main(["render", str(late), "--out", str(tmp_path / "out")]) == 0
    assert warning in capsys.readouterr().err
    assert "Kompletteringar senast 20 mars 2028" in flat(docx_body((tmp_path / "out" / "sen.docx").read_bytes()))


def test_load_checked_returns_the_warning_for_library_users(tmp_path):
    copy_examples(tmp_path)
    late = tmp_path / "sen.yaml"
    late.write_text(protocol_text("date: 2027-12-07 ", "sent: 2027-12-17\ndate: 2027-12-07 "), encoding="utf-8")
    doc, warnings = tcdocs.load_checked(late)
    assert [(w.path, w.line, w.severity) for w in warnings] == [("sent", 7, "warning")]
    assert doc.warnings() == [(("sent",), warnings[0].message)]


# --- the decision's rules and computed period --------------------------------------------------

def copy_examples(folder: Path) -> None:
    """Every example into *folder*, so that the documents there find the ones they name."""
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, folder / example.name)


def decision_pair(tmp_path: Path, old: str = "", new: str = "", change: tuple[str, str, str] | None = None) -> Path:
    """The example beslut in *tmp_path* among copies of the other examples, with *old* replaced by *new*,
    and *change* (file, old, new) made in another of them."""
    copy_examples(tmp_path)
    if change is not None:
        other, before, after = change
        text = (tmp_path / other).read_text(encoding="utf-8")
        assert before in text
        (tmp_path / other).write_text(text.replace(before, after), encoding="utf-8")
    path = tmp_path / "beslut.yaml"
    text = path.read_text(encoding="utf-8")
    if old:
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def load_problems(path: Path) -> list[str]:
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(path)
    return [str(p) for p in caught.value.problems]


def test_validity_is_three_years_from_the_decision_date_by_default(tmp_path):
    doc = tcdocs.load(decision_pair(tmp_path, "valid_from: 2028-05-01", ""))
    assert doc.period is not None and (doc.period.start.isoformat(), doc.period.end.isoformat()) == ("2028-04-20", "2031-04-19")
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Certifieringen gäller i tre år, från och med den 20 april 2028 till och med den 19 april 2031." in text


def test_re_certification_is_five_years(tmp_path):
    path = decision_pair(tmp_path, "outcome: certifiering", "outcome: atercertifiering",
                         change=("ansokan.yaml", "type: ny_region", "type: atercertifiering"))
    doc = tcdocs.load(path)
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Beslut om återcertifiering av Teknikcollege Nordvik" in text
    assert "Certifieringen gäller i fem år, från och med den 1 maj 2028 till och med den 30 april 2033." in text


@pytest.mark.parametrize(
    ("old", "new", "change", "expected"),
    [
        ("outcome: certifiering ", "outcome: atercertifiering ", None,
         "9:1: outcome: the case is ny_region, not a re-certification; decide certifiering"),
        ("outcome: certifiering ", "outcome: certifiering ", ("ansokan.yaml", "type: ny_region", "type: atercertifiering"),
         "9:1: outcome: the case is a re-certification; decide atercertifiering"),
        ("outcome: certifiering ", "outcome: uppskov ", None,
         "9:1: outcome: a deferral (uppskov) needs new_deadline, the new deadline for the region's supplements"),
        ("  date: 2028-04-20\n  paragraph: 42", "  date: 2027-12-01\n  paragraph: 42", None,
         "13:3: board_meeting.date: the board cannot decide before the review protocol of 2027-12-07"),
        ("  date: 2028-04-20\n  paragraph: 42", "  date: 2028-02-20\n  paragraph: 42", None,
         "13:3: board_meeting.date: the board cannot decide before the region's supplements of 2028-02-22 arrived"),
        ("outcome: certifiering ", "outcome: certifiering ",
         ("svar.yaml", "protocol: granskningsprotokoll.yaml", "protocol: {region: Nordvik, dnr: RTS 2027/099, date: 2027-12-07, "
          "visit_date: 2027-11-16, supplements: [En, Två, Tre]}\ncontact: {name: Sofia Ek, phone: 0611-12 34 56}"),
         "8:1: response: the answer is to the protocol of 2027-12-07 (Dnr RTS 2027/099), not to this decision's protocol of "
         "2027-12-07 (Dnr RTS 2027/018)"),
        ("date: 2028-04-20\nprotocol:", "date: 2028-04-10\nprotocol:", None,
         "6:1: date: the decision cannot be dated before the board meeting of 2028-04-20"),
        ("valid_from: 2028-05-01", "valid_from: 2020-05-01", None,
         "10:1: valid_from: the certification would end on 2023-04-30, before the board decides on 2028-04-20"),
    ],
    ids=["certification-of-a-recertification-case", "recertification-of-a-new-case", "deferral-without-deadline",
         "decided-before-the-protocol", "decided-before-the-supplements", "the-answer-to-another-protocol",
         "dated-before-the-board-meeting", "valid-only-before-the-decision"],
)
def test_decision_rules(tmp_path, old, new, change, expected):
    path = decision_pair(tmp_path, old, new, change)
    assert f"{path}:{expected}" in load_problems(path)


def test_deferral_with_a_new_deadline(tmp_path):
    path = decision_pair(tmp_path, "outcome: certifiering ", "new_deadline: 2028-06-30\noutcome: uppskov ")
    path.write_text(path.read_text(encoding="utf-8").replace("valid_from: 2028-05-01", ""), encoding="utf-8")
    doc = tcdocs.load(path)
    assert doc.period is None
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Beslut om uppskov i ärendet om Teknikcollege Nordvik" in text
    assert "senast den 30 juni 2028, varefter styrelsen prövar ärendet på nytt" in text
    assert "Giltighetstid" not in text


def test_valid_from_on_a_decision_that_certifies_nothing(tmp_path):
    path = decision_pair(tmp_path, "outcome: certifiering ", "outcome: avslag ")
    assert f"{path}:10:1: valid_from: a decision on avslag certifies nothing; leave out valid_from" in load_problems(path)


def test_protocol_path_that_does_not_validate_names_both_files(tmp_path):
    path = decision_pair(tmp_path, change=("granskningsprotokoll.yaml", "      body: kansli\n", "      body: granskningskommitten\n"))
    message, answer = load_problems(path)
    assert message.startswith(f"{path}:7:1: protocol: the granskningsprotokoll 'granskningsprotokoll.yaml' it refers to cannot be used:")
    # The answer names the same protocol, so it cannot be used either; each says where.
    assert answer.startswith(f"{path}:8:1: response: the svar på protokoll 'svar.yaml' it refers to cannot be used:")
    assert f"{tmp_path / 'granskningsprotokoll.yaml'}:13:3: visit.reviewers: a review visit has exactly two" in message


def test_starter_decision_with_the_protocol_written_out_renders():
    doc = tcdocs.load_text(tcdocs.starter("beslut"), "beslut.yaml")
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Granskningsprotokoll 19 mars 2027, Dnr RTS 2027/012" in text
    assert "upprättat av" not in text


def test_the_long_issuer_and_the_document_type_do_not_overlap_in_the_pdf_header(files):
    import pypdf

    chunks: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            chunks.setdefault(text.strip(), tm[4] * cm[0] + cm[4])

    page = pypdf.PdfReader(io.BytesIO(files["decision"]["pdf"])).pages[0]
    page.extract_text(visitor_text=visit)
    issuer, doc_type = "Riksföreningen Teknikcollege Sverige", "BESLUT"
    # Carlito's letters average about half an em, so the bold 11 pt issuer ends near its start + 5.5 pt per letter.
    issuer_end = chunks[issuer] + 5.5 * len(issuer)
    assert chunks[doc_type] > issuer_end + 10


def test_the_reviewers_table_is_not_split_over_two_pages(files):
    # A table of a few rows is kept on one page in the PDF, and in Word each of its rows but the last
    # keeps with the next, so LibreOffice and Word keep it together too.
    [page] = [page for page in pdf_pages(files["protocol"]["pdf"]) if "Granskare Organisation Uppdrag" in flat(page)]
    assert all(name in flat(page) for name in ("Lena Forsberg", "Magnus Ek", "Helena"))
    [table] = [t for t in docx_document(files["protocol"]["docx"]).tables if t.rows[0].cells[0].text == "Granskare"]
    keeps = [all(p._p.pPr is not None and p._p.pPr.keepNext is not None for cell in row.cells for p in cell.paragraphs)
             for row in table.rows]
    assert keeps == [True, True, True, False]

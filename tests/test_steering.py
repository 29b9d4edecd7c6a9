"""The processledare's paperwork: steering-group minutes, their extracts, and the intresseanmälan."""

from __future__ import annotations

import pytest

import tcdocs
from tcdocs.cli import main

from .conftest import EXAMPLES
from .reading import docx_body, docx_header, docx_header_rows, flat, pdf_body, pdf_pages, signed, words


@pytest.fixture(scope="module")
def minutes() -> tcdocs.Styrgruppsprotokoll:
    doc = tcdocs.load(EXAMPLES / "styrgruppsprotokoll.yaml")
    assert isinstance(doc, tcdocs.Styrgruppsprotokoll)
    return doc


@pytest.fixture(scope="module")
def interest() -> tcdocs.Intresseanmalan:
    doc = tcdocs.load(EXAMPLES / "intresseanmalan.yaml")
    assert isinstance(doc, tcdocs.Intresseanmalan)
    return doc


@pytest.fixture(scope="module")
def files(minutes, interest) -> dict[str, dict[str, bytes]]:
    return {
        "minutes": tcdocs.render_formats(minutes),
        "extract": tcdocs.render_formats(minutes.with_extract(14)),
        "interest": tcdocs.render_formats(interest),
    }


def texts(out: dict[str, bytes]) -> list[str]:
    return [flat(docx_body(out["docx"])), flat(" ".join(pdf_pages(out["pdf"])))]


PARAGRAPHS = [
    "§ 9 Mötets öppnande",
    "§ 10 Val av justerare",
    "§ 11 Godkännande av dagordning",
    "§ 12 Föregående protokoll",
    "§ 13 Rapporter från de lokala styrgrupperna",
    "§ 14 Anslutning av Lindås kommun",
    "§ 15 Intresseanmälan om certifiering",
    "§ 16 Ekonomi",
    "§ 17 Information från RTS",
    "§ 18 Nästa möte",
    "§ 19 Mötets avslutande",
]

MINUTES_SEEN = [
    "Protokoll 2/2027 Regional styrgrupp Teknikcollege Nordvik",
    "Datum 22 april 2027 Tid kl. 13.00–15.30 Plats Nordviksgymnasiet, konferensrummet",
    "Annika Dahl Nordvik Precision AB Ordförande",
    "Ahmed Yousef Strandbergs Mekaniska AB Justerare",
    "Justerare Ahmed Yousef Justering 29 april 2027, Nordvik",
    "Närvarande ledamöter Namn Organisation Roll Annika Dahl Nordvik Precision AB Ordförande",
    "Anmält förhinder Anders Falk (Nordvik El & Automation AB) och Erik Holm (Strandbergs kommun).",
    # The processledare keeps the minutes: secretary, among the others present, not a member.
    "Övriga närvarande Namn Organisation Roll Sofia Ek Nordviks kommun Sekreterare, regional processledare",
    "Per Nyström Lindås kommun Näringslivschef, §§ 13–14",
    # Standard items filled in by tcdocs.
    "Ordföranden Annika Dahl hälsade alla välkomna och förklarade mötet öppnat.",
    "Beslut att utse Ahmed Yousef att jämte ordföranden justera protokollet.",
    "Beslut att godkänna dagordningen.",
    "Beslut att lägga föregående protokoll till handlingarna.",
    "Nästa möte hålls den 16 september 2027 kl. 13.00 i Strandbergs gymnasieskola.",
    "Ordföranden tackade deltagarna och förklarade mötet avslutat.",
    # The data's own items, with their decisions as att-clauses, owners and deadlines.
    "Dnr TCN 2027/011",
    "Beslut att godkänna att Lindås kommun ansluter sig till samverkansavtalet genom ett hängavtal. "
    "Ansvarig: Sofia Ek. Klart senast 30 juni 2028. att Lindås kommun ingår i den lokala styrgruppen",
    "att godkänna att intresseanmälan skickas till RTS kansli. Ansvarig: Sofia Ek. Klart senast 14 maj 2027.",
    "Protokollet justerades den 29 april 2027, Nordvik.",
]


@pytest.mark.parametrize("phrase", MINUTES_SEEN + PARAGRAPHS)
def test_reader_sees_minutes_phrase_in_both_formats(phrase, files):
    for text in texts(files["minutes"]):
        assert phrase in text


def test_paragraphs_run_on_from_the_first_number_in_order(files):
    for text in texts(files["minutes"]):
        positions = [text.index(heading) for heading in PARAGRAPHS]
        assert positions == sorted(positions)
        assert "§ 8 " not in text and "§ 20 " not in text


@pytest.mark.parametrize(("role", "name"), [("Sekreterare", "Sofia Ek"), ("Ordförande", "Annika Dahl"), ("Justerare", "Ahmed Yousef")])
def test_secretary_chair_and_adjuster_sign(role, name, files):
    for text in texts(files["minutes"]):
        signatures = text[text.index("Underskrifter"):]
        assert signed(signatures, role, name), role


def test_extract_is_one_paragraph_with_the_meeting_header_and_certification(files):
    header = flat(docx_header(files["extract"]["docx"]))
    assert "PROTOKOLLSUTDRAG" in header
    for text in texts(files["extract"]):
        assert "Protokollsutdrag 2/2027 Regional styrgrupp Teknikcollege Nordvik" in text
        assert "Datum 22 april 2027 Tid kl. 13.00–15.30" in text
        assert "Utdrag ur Protokoll 2/2027, § 14" in text
        assert "§ 14 Anslutning av Lindås kommun" in text
        assert "Utdragsbestyrkande Utdraget överensstämmer med originalprotokollet." in text
        assert "Utdragsbestyrkande Utdraget överensstämmer med originalprotokollet. Sekreterare Ort och datum Underskrift Sofia Ek" in text
        assert "§ 13" not in text and "§ 15" not in text and "Närvarande" not in text


@pytest.mark.parametrize("which", ["minutes", "extract", "interest"])
def test_docx_and_pdf_carry_the_same_words_in_the_same_order(which, files):
    out = files[which]
    docx_words = words(docx_body(out["docx"]))
    assert len(docx_words) > 100
    assert docx_words == words(pdf_body(out["pdf"], docx_header_rows(out["docx"])))


def test_cli_paragraph_writes_an_extract_named_after_the_paragraph(tmp_path, capsys):
    assert main(["render", str(EXAMPLES / "styrgruppsprotokoll.yaml"), "--paragraph", "15", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["styrgruppsprotokoll-paragraf-15.docx", "styrgruppsprotokoll-paragraf-15.pdf"]
    text = flat(docx_body((tmp_path / "styrgruppsprotokoll-paragraf-15.docx").read_bytes()))
    assert "§ 15 Intresseanmälan om certifiering" in text


def test_cli_unknown_paragraph_is_a_clear_error_and_writes_nothing(tmp_path, capsys):
    source = EXAMPLES / "styrgruppsprotokoll.yaml"
    assert main(["render", str(source), "--paragraph", "30", "--out", str(tmp_path)]) == 2
    assert f"{source}: § 30 finns inte i protokoll 2/2027; dess paragrafer är § 9–19" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_paragraph_on_another_kind_is_refused(tmp_path, capsys):
    source = EXAMPLES / "beslut.yaml"
    assert main(["render", str(source), "--paragraph", "3", "--out", str(tmp_path)]) == 2
    assert "--paragraph gör ett utdrag ur ett styrgruppsprotokoll; det här är ett dokument av slaget beslut" in capsys.readouterr().err


def test_library_extract_of_an_unknown_paragraph(minutes):
    with pytest.raises(tcdocs.UsageError, match=r"§ 8 is not in protocol 2/2027; its paragraphs are § 9–19"):
        minutes.with_extract(8)


def minutes_text(old: str, new: str) -> str:
    text = (EXAMPLES / "styrgruppsprotokoll.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def problems_of(text: str) -> list[str]:
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load_text(text, "m.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("adjusters: [Ahmed Yousef]", "adjusters: [Erik Holm]",
         "m.yaml:34:13: adjusters[0]: 'Erik Holm' was not present and cannot check (justera) the minutes"),
        ("chair: Annika Dahl", "chair: Göran Vik",
         "m.yaml:32:1: chair: the chair of a Teknikcollege steering group comes from industry; Göran Vik is not marked company: true"),
        ("chair: Annika Dahl", "chair: Anna Okänd", "m.yaml:32:1: chair: 'Anna Okänd' is not on the list of those present"),
        ("secretary: Sofia Ek", "secretary: Erik Holm", "m.yaml:33:1: secretary: 'Erik Holm' is neither present nor co-opted"),
    ],
    ids=["adjuster-not-present", "chair-not-from-a-company", "chair-not-present", "secretary-not-present"],
)
def test_minutes_rules(old, new, expected):
    assert expected in problems_of(minutes_text(old, new))


def test_a_standard_item_in_the_data_replaces_the_filled_in_one():
    own = "  - standard: foregaende\n    text: Protokoll 1/2027 var justerat och lades till handlingarna.\n"
    text = minutes_text("items:\n", "items:\n" + own)
    doc = tcdocs.load_text(text, "m.yaml")
    body = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "§ 12 Föregående protokoll Protokoll 1/2027 var justerat och lades till handlingarna. § 13" in body
    assert "att lägga föregående protokoll till handlingarna" not in body


# --- the intresseanmälan -----------------------------------------------------------------------

INTEREST_SEEN = [
    "Intresseanmälan Till Riksföreningen Teknikcollege Sverige, kansliet",
    "Region Teknikcollege Nordvik Avser Ny region Planerad ansökan 1 oktober 2027",
    "Ny region Ja Ny utbildningsanordnare Nej Ny utbildning Nej Ny inriktning Nej",
    # The huvudman, with its organisation number, apart from its school units.
    "Huvudman Organisationsnummer Adress Nordviks kommun 212999-0012 Stadshuset, Storgatan 1, 871 80 Nordvik",
    "Nordviksgymnasiet Skolenhetskod 28451937 Skolgatan 10, 871 31 Nordvik Nordviks kommun Industritekniska programmet "
    "Processteknik, Svetsteknik Gymnasieskola",
    "Nordviks kommun Industriteknik – Kommunal vuxenutbildning",
    "Regionen planerar att lämna in sin ansökan till RTS kansli den 1 oktober 2027.",
    "Namn Sofia Ek Befattning Regional processledare Organisation Nordviks kommun Telefon 0611-12 34 56 "
    "E-post sofia.ek@nordvik.example",
    "Den regionala styrgruppen för Teknikcollege Nordvik har godkänt att intresseanmälan skickas, "
    "vid sitt möte den 22 april 2027, § 15.",
    "Kontaktuppgifterna lämnas för att RTS kansli ska kunna handlägga anmälan och ansökan och kontakta regionen i ärendet.",
    "För den regionala styrgruppen för Teknikcollege Nordvik För den regionala styrgruppen för Teknikcollege Nordvik "
    "Nordvik Ort och datum Underskrift "
    "Annika Dahl Ordförande i den regionala styrgruppen Nordvik Ort och datum Underskrift Sofia Ek Regional processledare",
    "Ifylls av RTS kansli Mottagen, datum Bekräftelse skickad, datum",
]


@pytest.mark.parametrize("phrase", INTEREST_SEEN)
def test_reader_sees_interest_phrase_in_both_formats(phrase, files):
    for text in texts(files["interest"]):
        assert phrase in text
    assert "INTRESSEANMÄLAN" in flat(docx_header(files["interest"]["docx"]))


def interest_text(old: str, new: str) -> str:
    text = (EXAMPLES / "intresseanmalan.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("planned_application: 2027-10-01", "planned_application: 2027-04-01",
         "i.yaml:53:1: planned_application: the planned application date must come after the document's date (2027-05-03)"),
        ("  date: 2027-04-22", "  date: 2027-05-10",
         "i.yaml:63:3: approval.date: the steering group must have approved this before the document's date (2027-05-03)"),
        ("  email: sofia.ek@nordvik.example\n  phone: 0611-12 34 56\n", "",
         "i.yaml:55:1: contact: give the contact person's email or phone, so the office can answer"),
    ],
    ids=["application-in-the-past", "approval-after-the-document", "no-way-to-reach-the-contact"],
)
def test_interest_rules(old, new, expected):
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load_text(interest_text(old, new), "i.yaml")
    assert [str(p) for p in caught.value.problems] == [expected]

"""The hängavtal: what a reader sees, its rules, and its reference to the main agreement."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import tcdocs

from .conftest import EXAMPLES
from .reading import docx_body, docx_header, docx_header_rows, flat, pdf_body, pdf_pages, words


@pytest.fixture(scope="module")
def accession() -> tcdocs.Hangavtal:
    doc = tcdocs.load(EXAMPLES / "hangavtal.yaml")
    assert isinstance(doc, tcdocs.Hangavtal)
    return doc


@pytest.fixture(scope="module")
def files(accession) -> dict[str, bytes]:
    return tcdocs.render_formats(accession)


@pytest.fixture(scope="module")
def docx_text(files):
    return flat(docx_body(files["docx"]))


@pytest.fixture(scope="module")
def pdf_text(files):
    # The body without the page headers and footers, so a sentence that runs over a page reads whole.
    return flat(pdf_body(files["pdf"], docx_header_rows(files["docx"])))


SEEN = [
    "Hängavtal till samverkansavtal för Teknikcollege Nordvik",
    "Lindås kommun ansluter sig till samverkansavtalet från och med den 1 augusti 2028",
    # The main agreement, taken from examples/samverkansavtal.yaml.
    "Huvudavtal Samverkansavtal för Teknikcollege Nordvik",
    "Huvudavtalets datum 24 november 2026",
    "Huvudavtalets Dnr KS 2026/0412",
    "Certifieringsperiod 1 maj 2028 – 30 april 2031",
    "och parterna i huvudavtalet: Nordviks kommun, Strandbergs kommun, Åsby kommun, Ekeskogs kommun och Industriskolan Nordvik AB.",
    # The joining party.
    "Lindås kommun 212999-0087 Kommunhuset, Kyrkvägen 2, 875 60 Lindås Kommunstyrelsen",
    "Lindåsskolan, gymnasiet Skolenhetskod 39182746 Industritekniska programmet Produkt- och maskinteknik, Svetsteknik Gymnasieskola",
    "certifieringsprocess för utbildningen",
    # Its seats in the steering groups, and the seats industry gets with them.
    "Den nya parten ingår från anslutningsdagen i Teknikcollege Strandberg–Ekeskog och utser en ledamot i dess lokala styrgrupp. "
    "Den lokala styrgruppen utökas samtidigt med en plats för näringslivet.",
    "Ledamot är Per Nyström, näringslivschef, Lindås kommun.",
    "Den regionala styrgruppen utökas samtidigt med en plats för näringslivet.",
    # Its cost share, computed from the main agreement's 10 kr per inhabitant.
    "Med 6 240 invånare blir andelen 62 400 kr per år.",
    "längst till och med den 30 april 2031",
    # The political decision and the steering group's approval.
    "Kommunstyrelsen i Lindås kommun beslutade den 18 maj 2028, § 87 (Dnr KS 2028/0150), att Lindås kommun ansluter sig till "
    "huvudavtalet.",
    "godkände hängavtalet, med den nya partens platser i styrgrupperna, vid sitt möte den 30 maj 2028, § 31.",
    "Den nya parten för in följande utbildning vid sin skolenhet i Teknikcollege Nordvik, som dess huvudman.",
    "För 2028 betalar den nya parten för fem månader, 26 000 kr. Värdkommunen fakturerar enligt huvudavtalet.",
    "Bilaga 1. Protokollsutdrag, kommunstyrelsen i Lindås kommun, 18 maj 2028, § 87",
]

HEADINGS = ["Parter", "§ 1 Anslutning", "§ 2 Omfattning", "§ 3 Lokal styrgrupp och representation", "§ 4 Finansiering",
            "§ 5 Giltighet", "§ 6 Beslut", "§ 7 Exemplar", "Underskrifter", "Bilagor"]


@pytest.mark.parametrize("phrase", SEEN + HEADINGS)
def test_reader_sees_phrase_in_both_formats(phrase, docx_text, pdf_text):
    assert phrase in docx_text
    assert phrase in pdf_text


def test_sections_are_in_order(docx_text):
    positions = [docx_text.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("party", "name", "capacity"),
    [
        ("Lindås kommun", "Eva Strand", "Kommunstyrelsens ordförande"),
        ("huvudavtalets parter genom Nordviks kommun, värdkommun", "Karin Lindqvist", "Kommunstyrelsens ordförande"),
    ],
    ids=["joining", "existing"],
)
def test_both_signature_blocks(party, name, capacity, docx_text, pdf_text):
    for text in (docx_text, pdf_text):
        signatures = text[text.index("Underskrifter") :]
        assert f"För {party}" in signatures, f"no block for {party}"
        assert re.search(rf"(\S+ )?Ort och datum Underskrift {name} {capacity}", signatures), f"no lines for {name}"


def test_page_header_in_both_formats(files):
    header = flat(docx_header(files["docx"]))
    for expected in ("Teknikcollege Nordvik", "HÄNGAVTAL", "2028-06-12", "Dnr KS 2028/0188"):
        assert expected in header
    for page in pdf_pages(files["pdf"]):
        assert "HÄNGAVTAL" in page and "Dnr KS 2028/0188" in page


def test_docx_and_pdf_carry_the_same_words_in_the_same_order(files):
    docx_words = words(docx_body(files["docx"]))
    assert len(docx_words) > 400
    assert docx_words == words(pdf_body(files["pdf"], docx_header_rows(files["docx"])))


# --- the rules, each a located error -----------------------------------------------------------

def write_pair(tmp_path: Path, change: str = "", old: str = "", main_change: tuple[str, str] | None = None) -> Path:
    """The two examples side by side in *tmp_path*, the hängavtal with *old* replaced by *change*."""
    main = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")
    if main_change:
        assert main_change[0] in main
        main = main.replace(*main_change)
    (tmp_path / "samverkansavtal.yaml").write_text(main, encoding="utf-8")
    text = (EXAMPLES / "hangavtal.yaml").read_text(encoding="utf-8")
    if old:
        assert old in text
        text = text.replace(old, change)
    path = tmp_path / "hangavtal.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load(path)
    return [str(problem) for problem in caught.value.problems]


def test_joining_party_already_in_the_main_agreement(tmp_path):
    path = write_pair(tmp_path, "org_number: 212999-0038", "org_number: 212999-0087")
    assert problems(path) == [
        f"{path}:11:3: party.org_number: 212999-0038 is already a party of the main agreement (Åsby kommun); "
        "a hängavtal is for a new party"
    ]


def test_accession_outside_the_main_agreements_period(tmp_path):
    path = write_pair(tmp_path, "joins_on: 2031-06-01", "joins_on: 2028-08-01")
    assert f"{path}:33:1: joins_on: 2031-06-01 is outside the main agreement's period, 2028-05-01 to 2031-04-30" in problems(path)


def test_accession_before_the_political_decision(tmp_path):
    path = write_pair(tmp_path, "  date: 2028-08-20\n  paragraph: 87", "  date: 2028-05-18\n  paragraph: 87")
    assert problems(path) == [
        f"{path}:33:1: joins_on: the party cannot join before its political decision of 2028-08-20",
        f"{path}:6:1: date: the new party cannot sign before its political decision of 2028-08-20",
    ]


def test_steering_group_approves_before_the_hangavtal_is_signed(tmp_path):
    path = write_pair(tmp_path, "  date: 2028-07-03\n", "  date: 2028-05-30 ")
    assert problems(path) == [
        f"{path}:51:3: steering_group_approval.date: the steering group must approve the accession before the hängavtal is signed "
        "(2028-06-12)"
    ]


def test_school_unit_without_programmes(tmp_path):
    old = "      programmes:\n        - name: Industritekniska programmet\n          tracks: [Produkt- och maskinteknik, Svetsteknik]\n"
    path = write_pair(tmp_path, "      programmes: []\n", old)
    assert problems(path) == [f"{path}:18:7: party.school_units[0].programmes: give at least 1 here"]


def test_unknown_local_steering_group(tmp_path):
    path = write_pair(tmp_path, "name: Teknikcollege Lindås  ", "name: Teknikcollege Strandberg–Ekeskog")
    [message] = problems(path)
    assert message.startswith(f"{path}:36:3: local_steering.name: 'Teknikcollege Lindås' is not a local Teknikcollege")
    assert "set new: true to form a new one" in message


def test_main_agreement_path_that_does_not_exist(tmp_path):
    path = write_pair(tmp_path, "agreement: saknas.yaml", "agreement: samverkansavtal.yaml")
    [message] = problems(path)
    assert message.startswith(f"{path}:7:1: agreement: the samverkansavtal 'saknas.yaml' it refers to cannot be used:")
    assert f"{tmp_path / 'saknas.yaml'}: cannot read the file" in message


def test_main_agreement_that_does_not_validate_names_both_files(tmp_path):
    path = write_pair(tmp_path, main_change=("org_number: 212999-0020", "org_number: 212999-0021"))
    [message] = problems(path)
    assert message.startswith(f"{path}:7:1: agreement: the samverkansavtal 'samverkansavtal.yaml' it refers to cannot be used:")
    assert f"{tmp_path / 'samverkansavtal.yaml'}:37:5: parties[1].org_number: '212999-0021' has a wrong check digit" in message


def test_main_agreement_path_to_another_kind(tmp_path):
    path = write_pair(tmp_path)
    shutil.copy(path, tmp_path / "annat.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("agreement: samverkansavtal.yaml", "agreement: annat.yaml"))
    [message] = problems(path)
    assert "'annat.yaml' holds a hängavtal, not a samverkansavtal" in message


def test_cli_validate_reports_the_broken_reference(tmp_path, capsys):
    from tcdocs.cli import main

    path = write_pair(tmp_path, main_change=("years: 3 ", "years: 4 "))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:7:1: Huvudavtal: dokumentet 'samverkansavtal.yaml' (samverkansavtal) som det hänvisar till kan inte användas:" in err
    assert f"{tmp_path / 'samverkansavtal.yaml'}:11:3: Certifieringsperiod › Antal år: en certifieringsperiod är 3 år" in err


# --- the main agreement given in other ways ------------------------------------------------------

def test_main_agreement_written_out_needs_amount_and_countersignatory():
    text = tcdocs.starter("hangavtal")
    text = re.sub(r"\n  amount: 40000[^\n]*", "", text)
    text = re.sub(r"\ncountersignatory:.*?\n\n", "\n\n", text, flags=re.S)
    with pytest.raises(tcdocs.LoadError) as caught:
        tcdocs.load_text(text, "starter.yaml")
    found = [(p.path, p.message) for p in caught.value.problems]
    assert ("financing.amount", "give the yearly amount, or give the main agreement as a file so it can be computed") in found
    assert ("countersignatory", "name who signs for the main agreement's parties, or give the main agreement as a file") in found


def test_starter_with_the_main_agreement_written_out_renders():
    doc = tcdocs.load_text(tcdocs.starter("hangavtal"), "starter.yaml")
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Huvudavtalets Dnr KS 2026/0100" in text
    assert "Certifieringsperiod 1 juli 2027 – 30 juni 2030" in text
    assert "Den nya parten betalar 40 000 kr per år till de gemensamma kostnaderna." in text
    assert "För 2027 betalar den nya parten för fyra månader, 13 333 kr. Värdkommunen fakturerar" in text
    assert "Den nya parten bildar en ny lokal styrgrupp, Teknikcollege Norrå" in text
    assert "För huvudavtalets parter genom Mellanå kommun, värdkommun" in text


def test_python_model_with_a_samverkansavtal_passed_in(agreement):
    doc = tcdocs.Hangavtal(
        kind="hangavtal", dnr="KS 2027/1", date="2027-03-01", agreement=agreement,
        party=tcdocs.JoiningParty(
            name="Kodby kommun", org_number="212999-0053", address="Box 1, 111 11 Kodby", represented_by="kommunstyrelsen",
            signatory=tcdocs.Signatory(name="Kim Kod", capacity="Kommunstyrelsens ordförande"),
        ),
        joins_on="2028-06-01",
        local_steering=tcdocs.LocalSteering(name="Teknikcollege Kodby", new=True),
        financing=tcdocs.JoiningFinancing(start="2028-06-01", amount=12000, pro_rata=False),
        decision=tcdocs.PoliticalDecision(body="namnd", committee="barn- och utbildningsnämnden", date="2027-02-10",
                                          paragraph=12, dnr="BUN 2027/3"),
    )
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "Den nya parten har ingen egen skolenhet inom Teknikcollege Nordvik." in text
    assert "Barn- och utbildningsnämnden i Kodby kommun beslutade den 10 februari 2027, § 12 (Dnr BUN 2027/3), att Kodby kommun " \
           "ansluter sig till huvudavtalet." in text
    assert "Den nya parten betalar 12 000 kr per år" in text
    assert "För 2028 betalar" not in text


def test_a_hangavtal_that_refers_to_itself_is_an_error_not_a_recursion(tmp_path):
    path = write_pair(tmp_path, "agreement: hangavtal.yaml", "agreement: samverkansavtal.yaml")
    [message] = problems(path)
    assert message.startswith(f"{path}:7:1: agreement: the samverkansavtal 'hangavtal.yaml' it refers to cannot be used:")
    assert "'hangavtal.yaml' refers back to a file that is being read; a document cannot refer to itself" in message

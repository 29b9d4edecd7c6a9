"""The samverkansavtal as a reader sees it, in the DOCX and in the PDF."""

from __future__ import annotations

import re

import pytest

import tcdocs

from .conftest import EXAMPLES
from .reading import docx_body, docx_document, docx_header, docx_header_rows, flat, pdf_body, pdf_fonts, pdf_pages, words

SECTION_HEADINGS = [
    "§ 1 Parter",
    "§ 2 Definitioner",
    "§ 3 Bakgrund",
    "§ 4 Syfte och mål",
    "§ 5 Omfattning",
    "§ 6 Gemensam antagning",
    "§ 7 Organisation",
    "§ 8 Parternas åtaganden",
    "§ 9 Finansiering",
    "§ 10 Uppföljning och kvalitetssäkring",
    "§ 11 Behandling av personuppgifter",
    "§ 12 Avtalstid",
    "§ 13 Uppsägning",
    "§ 14 Ändringar och tillägg",
    "§ 15 Tvist",
    "§ 16 Exemplar",
]

SEEN = [
    "Samverkansavtal för Teknikcollege Nordvik",
    "avseende certifieringsperioden 2028–2031, version 1.0",
    "Nordviks kommun 212999-0012",
    "Strandbergs kommun 212999-0020",
    "Åsby kommun 212999-0038",
    "Ekeskogs kommun 212999-0046",
    "Industriskolan Nordvik AB 559999-1014",
    "huvudman den kommun eller det företag som driver en skolenhet",
    "värdkommun Nordviks kommun, som anställer den regionala processledaren",
    "certifieras, och ansöker om en certifieringsperiod från och med den 1 maj 2028 till och med den 30 april 2031.",
    # The agreement governs the work before certification too: it enters into force when signed.
    "Avtalet träder i kraft när samtliga parter har undertecknat det.",
    "Det gäller för parternas samverkan inför certifieringen och under den certifieringsperiod som RTS styrelse beslutar om, "
    "och upphör att gälla när certifieringsperioden löper ut.",
    "Uppsägningen ska vara skriftlig och ställas till värdkommunen, som underrättar övriga parter.",
    "ska i första hand lösas genom förhandling mellan parterna.",
    "Varje part betalar 10 kr per invånare och år till de gemensamma kostnaderna, "
    "räknat på det antal invånare som tabellen nedan anger för parten.",
    "ett fast belopp om 60 000 kr per år",
    "Nordviks kommun 32 400 324 000 kr",
    "Summa 662 500 kr",
    # What the common costs pay for, adding up to the parties' shares.
    "De gemensamma medlen används till följande.",
    "Medlemsavgift till RTS 25 000 kr",
    "Gemensam marknadsföring 60 000 kr",
    "Regional processledare, 50 procent av en heltid, med sociala avgifter 400 000 kr",
    "Styrgruppernas möten, resor och RTS föreningsmöten 77 500 kr Summa 662 500 kr",
    "Teknikcollege Nordvik–Åsby: Nordviks kommun, Åsby kommun och Industriskolan Nordvik AB",
    "Åsby kommun har ingen egen skolenhet",
    "Nordviksgymnasiet Skolenhetskod 28451937",
    "Varje part utser en ledamot och näringslivet har sex platser. Styrgruppen har därmed elva ledamöter.",
    "Ordförande när avtalet tecknas är Annika Dahl, produktionschef, Nordvik Precision AB.",
    "enligt dataskyddsförordningen (EU) 2016/679",
    "Värdkommunen är personuppgiftsansvarig för regionens gemensamma kontaktlistor.",
    "Uppsägningstiden är tolv månader",
    "betala sin andel av de gemensamma kostnaderna enligt § 9.",
    "Avtalet har upprättats i fem likalydande exemplar",
    "ett hängavtal",
    "Bilaga 4. Parternas beslut (protokollsutdrag)",
]

SIGNATORIES = [
    ("Nordviks kommun", "Karin Lindqvist", "Kommunstyrelsens ordförande"),
    ("Strandbergs kommun", "Erik Holm", "Barn- och utbildningsnämndens ordförande"),
    ("Åsby kommun", "Maria Sjöberg", "Kommunstyrelsens ordförande"),
    ("Ekeskogs kommun", "Lars Öberg", "Kommunstyrelsens ordförande"),
    ("Industriskolan Nordvik AB", "Johan Berg", "Verkställande direktör"),
]


@pytest.fixture(scope="module")
def docx_text(rendered):
    return flat(docx_body(rendered["docx"]))


@pytest.fixture(scope="module")
def pdf_text(rendered):
    return flat(" ".join(pdf_pages(rendered["pdf"])))


@pytest.mark.parametrize("phrase", SEEN + SECTION_HEADINGS)
def test_reader_sees_phrase_in_both_formats(phrase, docx_text, pdf_text):
    assert phrase in docx_text
    assert phrase in pdf_text


def test_sections_are_in_order(docx_text):
    positions = [docx_text.index(heading) for heading in SECTION_HEADINGS]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("party", "name", "capacity"), SIGNATORIES, ids=[s[1] for s in SIGNATORIES])
def test_every_party_has_a_signature_block(party, name, capacity, docx_text, pdf_text):
    for text in (docx_text, pdf_text):
        signatures = text[text.index("Underskrifter") :]
        assert f"För {party}" in signatures, f"no signature block for {party}"
        assert re.search(rf"(\S+ )?Ort och datum Underskrift {name} {capacity}", signatures), f"no signature lines for {name}"


def test_signature_blocks_pair_each_party_with_its_signer(docx_text):
    """Two blocks to a row: the parties' names above, their signers below, in the same order."""
    signatures = docx_text[docx_text.index("Underskrifter") :]
    parties = [signatures.index(f"För {party}") for party, _, _ in SIGNATORIES]
    names = [signatures.index(f"Underskrift {name}") for _, name, _ in SIGNATORIES]
    assert parties == sorted(parties) and names == sorted(names)
    for pair in range(0, len(SIGNATORIES), 2):
        assert max(parties[pair : pair + 2]) < min(names[pair : pair + 2])


def test_page_header_in_both_formats(rendered):
    header = flat(docx_header(rendered["docx"]))
    for expected in ("Teknikcollege Nordvik", "SAMVERKANSAVTAL", "2026-11-24", "Dnr KS 2026/0412", "Sida"):
        assert expected in header
    pages = pdf_pages(rendered["pdf"])
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert f"Sida {number} ({len(pages)})" in text
        assert "SAMVERKANSAVTAL" in text and "Dnr KS 2026/0412" in text and "2026-11-24" in text


def test_docx_uses_word_styles(rendered):
    styles = {p.style.name for p in docx_document(rendered["docx"]).paragraphs}
    assert {"Heading 1", "Heading 2", "List Bullet", "Normal"} <= styles
    tables = docx_document(rendered["docx"]).tables
    assert tables[0].style.name == "Table Grid"


def test_pdf_embeds_the_bundled_font(rendered):
    fonts = pdf_fonts(rendered["pdf"])
    assert set(fonts) == {"Carlito", "Carlito-Bold"}
    assert all(fonts.values())


def test_docx_and_pdf_carry_the_same_words_in_the_same_order(rendered):
    docx_words = words(docx_body(rendered["docx"]))
    pdf_words = words(pdf_body(rendered["pdf"], docx_header_rows(rendered["docx"])))
    assert len(docx_words) > 1000
    assert docx_words == pdf_words


def test_same_input_gives_same_bytes(agreement, rendered):
    again = tcdocs.render_formats(agreement)
    assert again["docx"] == rendered["docx"]
    assert again["pdf"] == rendered["pdf"]


def test_docx_zip_entries_have_fixed_dates_and_no_template_author(rendered):
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(rendered["docx"]))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert "python-docx" not in core
    assert "<dc:creator>Teknikcollege Nordvik</dc:creator>" in core
    assert "2026-11-24T00:00:00Z" in core


TRICKY = "Bygg & Montage <AB> \"Ett\" 'Två' {{ 7*7 }} {% if true %}x{% endif %} åäöÅÄÖ é ü"


def test_special_characters_appear_literally(agreement):
    parties = list(agreement.parties)
    parties[4] = parties[4].model_copy(update={"name": TRICKY})
    doc = agreement.model_copy(update={"parties": parties, "dnr": "KS <1> & \"2\"", "local_colleges": []})
    out = tcdocs.render_formats(doc)
    body, header = flat(docx_body(out["docx"])), flat(docx_header(out["docx"]))
    pdf = flat(" ".join(pdf_pages(out["pdf"])))
    assert TRICKY in body
    assert f"För {TRICKY}" in pdf
    assert "KS <1> & \"2\"" in header
    assert "Dnr KS <1> & \"2\"" in pdf
    assert "49" not in body.replace("212999", "")
    assert words(docx_body(out["docx"])) == words(pdf_body(out["pdf"], docx_header_rows(out["docx"])))


def test_model_built_in_python_renders_without_yaml():
    def party(name, number, place, host=False):
        return tcdocs.AgreementParty(
            name=name, org_number=number, address=f"Box 1, {place}", represented_by="kommunstyrelsen", host=host,
            signatory=tcdocs.Signatory(name=f"Ordförande {place}", capacity="Kommunstyrelsens ordförande", place=place),
        )

    doc = tcdocs.Samverkansavtal(
        kind="samverkansavtal", dnr="KS 2026/9", date="2026-12-01", region="Kodby",
        period=tcdocs.CertificationPeriod(start="2027-08-01", years=5),
        parties=[party("Kodby kommun", "212999-0053", "Kodby", True), party("Listby kommun", "212999-0061", "Listby"),
                 party("Tuppby kommun", "212999-0079", "Tuppby")],
        process_leader=tcdocs.Person(name="Kim Kod"),
        financing=tcdocs.Financing(model="fast", amount=30000),
        electronic_signing=True,
    )
    text = flat(docx_body(tcdocs.render(doc, "docx")))
    assert "återcertifieras, och ansöker om en certifieringsperiod från och med den 1 augusti 2027 till och med den 31 juli 2032." in text
    assert "Varje part betalar 30 000 kr per år" in text
    assert "Avtalet undertecknas elektroniskt." in text
    assert "Summa 90 000 kr" in text


def test_two_processes_in_different_time_zones_give_the_same_bytes(tmp_path):
    import os
    import subprocess
    import sys


    outputs = []
    for zone in ("UTC", "Asia/Tokyo"):
        folder = tmp_path / zone.replace("/", "-")
        env = {**os.environ, "TZ": zone}
        env.pop("SOURCE_DATE_EPOCH", None)
        command = [sys.executable, "-m", "tcdocs", "render", str(EXAMPLES / "samverkansavtal.yaml"), "--out", str(folder)]
        subprocess.run(command, check=True, capture_output=True, env=env)
        outputs.append({name: (folder / f"samverkansavtal.{name}").read_bytes() for name in ("docx", "pdf")})
    assert outputs[0] == outputs[1]


def test_a_period_that_starts_before_the_agreement_is_dated_is_a_warning(tmp_path):
    text = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")
    early = tmp_path / "tidig.yaml"
    early.write_text(re.sub(r"^  start: \d{4}-\d{2}-\d{2}", "  start: 2026-01-01", text, count=1, flags=re.MULTILINE), encoding="utf-8")
    dated = re.search(r"^date: (\S+)", text, re.MULTILINE)
    assert dated is not None
    _, warnings = tcdocs.load_checked(early)
    [warning] = warnings
    assert (warning.path, warning.severity) == ("period.start", "warning")
    assert warning.text("sv") == f"certifieringsperioden börjar 2026-01-01, före avtalets datum ({dated[1]}); kontrollera datumen"
    assert tcdocs.load_checked(EXAMPLES / "samverkansavtal.yaml").warnings == []  # the same day or after: nothing to say

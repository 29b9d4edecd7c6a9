"""Text, numbers and dates that a document can hold: what validate accepts, render renders as written."""

from __future__ import annotations

import io
import re
import typing
import unicodedata
from decimal import Decimal

import pdfplumber
import pytest
from pydantic import BaseModel

import tcdocs
from tcdocs.house import house
from tcdocs.models import KINDS
from tcdocs.models.text import Checked

from .conftest import EXAMPLES
from .reading import docx_body, flat, pdf_pages

# The example without what its common costs pay for, so that a changed amount leaves a valid agreement.
EXAMPLE = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")
SAMVERKANSAVTAL = re.sub(r"\n  costs:.*?\n  invoice_month", "\n  invoice_month", EXAMPLE, flags=re.S)
MM = 72 / 25.4


def load_with(old: str, new: str) -> tcdocs.Document:
    assert old in SAMVERKANSAVTAL
    return tcdocs.load_text(SAMVERKANSAVTAL.replace(old, new), "avtal.yaml")


def problem_with(old: str, new: str) -> tcdocs.Problem:
    with pytest.raises(tcdocs.LoadError) as caught:
        load_with(old, new)
    [problem] = caught.value.problems
    return problem


# --- every string field is a checked one -------------------------------------------------------------------

def _string_fields(model: type[BaseModel], seen: set[type]) -> list[str]:
    found = []
    for name, field in model.model_fields.items():
        for annotation in _leaves(field.annotation):
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
                seen.add(annotation)
                found += _string_fields(annotation, seen)
        if _plain_str(field.annotation, field.metadata):
            found.append(f"{model.__name__}.{name}")
    return found


def _leaves(annotation: typing.Any) -> list[typing.Any]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict:
        args = args[1:]  # a mapping's keys are names the model checks itself (the criteria)
    if not args:
        return [annotation]
    return [leaf for arg in args for leaf in _leaves(arg)]


def _plain_str(annotation: typing.Any, metadata: list[typing.Any]) -> bool:
    # A text field is checked when its type carries the Checked validator somewhere.
    text = repr(annotation) + repr(metadata)
    return "str" in [getattr(leaf, "__name__", "") for leaf in _leaves(annotation)] and "_clean" not in text and "Literal" not in text


def test_every_text_field_is_checked():
    assert "_clean" in repr(typing.get_args(Checked))
    assert [field for model in KINDS.values() for field in _string_fields(model, set())] == []


# --- text that cannot be seen as written ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
        ("\u200b", "ZERO WIDTH SPACE"),
        ("\u200d", "ZERO WIDTH JOINER"),
        ("\u00ad", "SOFT HYPHEN"),
        ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
        ("\u2028", "LINE SEPARATOR"),
        ("\u034f", "COMBINING GRAPHEME JOINER"),
        ("\ufe0f", "VARIATION SELECTOR-16"),
        ("\u3164", "HANGUL FILLER"),
    ],
)
def test_invisible_and_bidirectional_characters_are_refused_at_their_line(char, named):
    problem = problem_with("name: Erik Holm", f'name: "Erik Holm{char} kr: 10 000"')
    assert (problem.path, problem.line) == ("parties[1].signatory.name", 48)
    assert f"character 10 is the invisible U+{ord(char):04X} ({named})" in problem.message


def test_a_signatory_named_by_an_invisible_character_alone_is_refused():
    problem = problem_with("name: Erik Holm", 'name: "\u034f"')
    assert problem.path == "parties[1].signatory.name"
    assert problem.text("sv") == "tecken 1 är det osynliga U+034F (COMBINING GRAPHEME JOINER), som en läsare inte skulle se; ta bort det"


@pytest.mark.parametrize(("marks", "refused"), [("\u0305\u0336", False), ("\u0305\u0336\u0305", False),
                                                 ("\u0305\u0336\u0305\u0336", True), ("\u0336" * 40, True)])
def test_a_letter_may_carry_a_few_combining_marks_but_no_stack(marks, refused):
    text = SAMVERKANSAVTAL.replace("name: Erik Holm", f'name: "Erik Ho{marks}lm"')
    if not refused:
        assert tcdocs.load_text(text, "avtal.yaml").parties[1].signatory.name == unicodedata.normalize("NFC", f"Erik Ho{marks}lm")
        return
    problem = problem_with("name: Erik Holm", f'name: "Erik Ho{marks}lm"')
    assert problem.text("sv") == "tecken 7 har fler än 3 accenter eller andra diakritiska tecken; skriv bokstaven som den skrivs"


def test_names_that_differ_only_in_what_a_reader_cannot_see_are_one_name():
    from tcdocs.models.text import name_key

    assert name_key("Nordviks\u034f kommun") == name_key("NORDVIKS  kommun") == name_key("Nordviks\u00a0kommun")
    assert name_key("Åsby kommun") != name_key("Asby kommun")


def test_a_name_in_nfd_is_the_same_party_as_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Åsby kommun")
    assert decomposed != "Åsby kommun"
    # A second party written in NFD is the same name: refused as a duplicate.
    with pytest.raises(tcdocs.LoadError) as caught:
        load_with("  - name: Ekeskogs kommun", f'  - name: "{decomposed}"')
    assert ("parties[3].name", "two parties are both called 'Åsby kommun'") in [(p.path, p.message) for p in caught.value.problems]
    # And a local Teknikcollege may name a party in NFD: it is found.
    doc = load_with("parties: [Nordviks kommun, Åsby kommun,", f'parties: [Nordviks kommun, "{decomposed}",')
    assert doc.local_colleges[0].parties[1] == "Åsby kommun"


def test_names_differing_only_in_case_or_spaces_are_the_same_party():
    with pytest.raises(tcdocs.LoadError) as caught:
        load_with("  - name: Ekeskogs kommun", "  - name: åsby   KOMMUN")
    assert "two parties are both called 'åsby   KOMMUN'" in [p.message for p in caught.value.problems]
    # and a local Teknikcollege that writes a party's name in other case finds it
    assert load_with("parties: [Strandbergs kommun,", "parties: [STRANDBERGS  kommun,").local_colleges[1].parties[0]


@pytest.mark.parametrize("text", ["Li 東京", "👩‍👩‍👧", "Ωμέγα Доброе", "ع"])
def test_letters_the_house_font_lacks_are_refused_naming_them(text):
    problem = problem_with("name: Erik Holm", f'name: "Erik {text}"')
    assert problem.path == "parties[1].signatory.name"
    assert "the house font has no letters for" in problem.message
    shown = problem.message.split("letters for ")[1].split(";")[0].split()
    assert shown and all(char in text for char in shown)


def test_nordic_and_european_letters_are_written_as_they_are():
    name = "Łukasz Ørsted-Ñúñez Æbelø ŞÇ ß “citat” – 12\u202f500 €"
    doc = load_with("name: Erik Holm", f'name: "{name}"')
    out = tcdocs.render_formats(doc)
    assert name in docx_body(out["docx"])
    assert flat(name) in flat(" ".join(pdf_pages(out["pdf"])))


# --- text that leaves its place ------------------------------------------------------------------------

def test_a_very_long_word_wraps_inside_the_text_area():
    word = "Läroplansanpassningsdokumentationsunderlag" * 25
    doc = load_with("antas som förstahandssökande", f"antas som {word}")
    with pdfplumber.open(io.BytesIO(tcdocs.render(doc, "pdf"))) as pdf:
        chars = [char for page in pdf.pages for char in page.chars]
    page = house().page
    assert max(char["x1"] for char in chars) <= (page.left + page.text_width) * MM + 0.5
    assert min(char["x0"] for char in chars) >= page.left * MM - 0.5


def test_a_region_name_too_long_for_the_header_is_refused():
    problem = problem_with("region: Nordvik", "region: Nordvik Västra Östra Norra Södra Mellersta Regionen")
    assert problem.path == "region" and "too long for the page header" in problem.message


def test_the_longest_region_name_allowed_keeps_the_header_apart_from_the_body():
    region = "Nordvik"
    for extra in ("Västra", "och", "Östra", "Bergslagen", "Kusten"):
        try:
            load_with("region: Nordvik", f"region: {region} {extra}")
        except tcdocs.LoadError:
            break
        region = f"{region} {extra}"
    doc = load_with("region: Nordvik", f"region: {region}")
    with pdfplumber.open(io.BytesIO(tcdocs.render(doc, "pdf"))) as pdf:
        page = pdf.pages[0]
        issuer = [w for w in page.extract_words() if w["top"] < 38 * MM and w["x0"] < 100 * MM]
        right = [w for w in page.extract_words() if w["top"] < 38 * MM and w["x0"] >= 100 * MM]
    assert {w["text"] for w in issuer} == {"Teknikcollege", *region.split()}
    assert max(w["x1"] for w in issuer) < min(w["x0"] for w in right)  # the issuer ends before the right block
    assert max(w["bottom"] for w in issuer + right) < 38 * MM  # and all of it above the body


@pytest.mark.parametrize("dnr", ["KS 2026/0412\nrad 2\nrad 3", "KS 2026/0412 " + "X" * 60])
def test_a_dnr_of_several_lines_or_too_long_for_the_header_is_refused(dnr):
    problem = problem_with("dnr: KS 2026/0412", f"dnr: {dnr!r}".replace("'", '"').replace("\n", "\\n"))
    assert problem.path == "dnr"


# --- numbers and dates a document can hold --------------------------------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("start: 2028-05-01", "start: 9999-01-01", "period.start", "give a date from 2000 to 2099"),
        ("date: 2026-11-24", "date: 1899-12-31", "date", "give a date from 2000 to 2099"),
        ("inhabitants: 32400", "inhabitants: " + "9" * 31, "parties[0].inhabitants", "10000000"),
        ("amount: 10\n", "amount: " + "9" * 5000 + "\n", "financing.amount", ""),
        ("amount: 10\n", "amount: 2 500 000 000 kr\n", "financing.amount", "1000000000"),
        ("amount: 10\n", "amount: NaN\n", "financing.amount", "not an amount"),
        ("amount: 10\n", "amount: -5\n", "financing.amount", "give a number of at least 0"),
        ("notice_months: 12", "notice_months: 1e400", "notice_months", ""),
    ],
)
def test_out_of_range_numbers_and_dates_are_refused_at_their_line(old, new, path, message):
    problem = problem_with(old, new)
    assert problem.path == path and problem.line is not None
    assert message in problem.message


@pytest.mark.parametrize(
    ("written", "amount"),
    [("40 000", Decimal(40000)), ("40 000 kr", Decimal(40000)), ("2,50", Decimal("2.50")), ("2.50", Decimal("2.50")),
     ("12\u00a0500 kr", Decimal(12500)), ("-0", Decimal(0)), ("1 500:-", Decimal(1500))],
)
def test_amounts_are_read_as_people_write_them(written, amount):
    doc = load_with("amount: 10\n", f'amount: "{written}"\n')
    assert doc.financing.amount == amount
    assert str(doc.financing.amount) != "-0"


def test_a_zero_amount_is_never_printed_as_minus_zero():
    doc = load_with("fixed_share: 60000", "fixed_share: -0")
    text = flat(" ".join(pdf_pages(tcdocs.render(doc, "pdf"))))
    assert "-0 kr" not in text and "−0 kr" not in text
    assert "0 kr per år" in text

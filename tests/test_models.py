import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

import tcdocs
from tcdocs.models.base import add_months


def party(name, number, **extra):
    return {
        "name": name,
        "org_number": number,
        "address": "Box 1, 111 11 Ort",
        "represented_by": "kommunstyrelsen",
        "signatory": {"name": f"Ordförande i {name}", "capacity": "Kommunstyrelsens ordförande"},
        **extra,
    }


def minimal(**changes):
    data = {
        "kind": "samverkansavtal",
        "dnr": "KS 1",
        "date": dt.date(2026, 11, 22),
        "region": "Test",
        "period": {"start": dt.date(2027, 1, 1), "years": 3},
        "parties": [
            party("Aby kommun", "212999-0012", host=True),
            party("Bby kommun", "212999-0020"),
            party("Cby kommun", "212999-0038"),
        ],
        "process_leader": {"name": "Pia Processledare"},
        "financing": {"model": "fast", "amount": 40000},
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("number", ["212999-0012", "2129990012", "16212999-0012"], ids=["dash", "plain", "century"])
def test_organisation_number_is_normalised(number):
    doc = tcdocs.Samverkansavtal.model_validate(minimal(parties=[party("X kommun", number, host=True), *minimal()["parties"][1:]]))
    assert doc.parties[0].org_number == "212999-0012"


@pytest.mark.parametrize(
    ("number", "message"),
    [("212999-0013", "wrong check digit"), ("211999-0012", "third digit"), ("12345", "ten digits")],
    ids=["check-digit", "third-digit", "too-short"],
)
def test_wrong_organisation_number_is_refused(number, message):
    data = minimal()
    data["parties"][1]["org_number"] = number
    with pytest.raises(ValidationError, match=message):
        tcdocs.Samverkansavtal.model_validate(data)


def test_period_end_is_computed():
    doc = tcdocs.Samverkansavtal.model_validate(minimal())
    assert doc.period.end == dt.date(2029, 12, 31)
    five = tcdocs.Samverkansavtal.model_validate(minimal(period={"start": "2027-07-01", "years": 5}))
    assert five.period.end == dt.date(2032, 6, 30)


def test_period_of_four_years_is_refused():
    with pytest.raises(ValidationError, match="3 years"):
        tcdocs.Samverkansavtal.model_validate(minimal(period={"start": "2027-01-01", "years": 4}))


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_extra_clause_is_numbered_in_place():
    doc = tcdocs.Samverkansavtal.model_validate(
        minimal(clauses=[{"title": "Gemensam antagning", "text": "Text.", "after": "omfattning"}])
    )
    sections = doc.sections()
    assert [s.key for s in sections[4:7]] == ["omfattning", "klausul", "organisation"]
    assert sections[5].number == 6
    assert doc.section_numbers()["finansiering"] == 9
    assert len(sections) == 15 + 1  # fifteen standard sections and the extra clause


def test_cost_shares_per_inhabitant_and_fixed():
    data = minimal(financing={"model": "per_invanare", "amount": "2.50"})
    data["parties"][0]["inhabitants"] = 1000
    data["parties"][1]["inhabitants"] = 333
    data["parties"][2]["fixed_share"] = 5000
    doc = tcdocs.Samverkansavtal.model_validate(data)
    assert [s.amount for s in doc.cost_shares()] == [Decimal(2500), Decimal(833), Decimal(5000)]
    assert doc.cost_total() == Decimal(8333)


def test_rules_name_their_fields():
    data = minimal()
    data["parties"][2]["type"] = "region"
    data["parties"][1]["host"] = True
    with pytest.raises(ValidationError) as caught:
        tcdocs.Samverkansavtal.model_validate(data)
    message = str(caught.value)
    assert "at least 3 municipalities" in message
    assert "exactly one party must be the host" in message


def test_text_with_control_character_is_refused_in_python_too():
    data = minimal(region="Nord\x07vik")
    with pytest.raises(ValidationError, match="U\\+0007"):
        tcdocs.Samverkansavtal.model_validate(data)


def test_line_breaks_are_normalised():
    doc = tcdocs.Samverkansavtal.model_validate(
        minimal(clauses=[{"title": "T", "text": "a\r\nb\rc", "after": "tvist"}])
    )
    assert doc.clauses[0].text == "a\nb\nc"

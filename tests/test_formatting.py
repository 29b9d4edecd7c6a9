import datetime as dt
from decimal import Decimal

import pytest

from tcdocs.formatting import bind, formatter

fmt = formatter("sv_SE")


@pytest.mark.parametrize(
    ("day", "expected"),
    # A date stays on one line: no-break spaces between the day, the month and the year.
    [(dt.date(2026, 11, 22), "22\u00a0november\u00a02026"), (dt.date(2027, 1, 1), "1\u00a0januari\u00a02027")],
    ids=["november", "januari"],
)
def test_date_reads_as_running_text(day, expected):
    assert fmt.date(day) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(12500, "12 500 kr"), (Decimal("2.50"), "2,50 kr"), (Decimal("170625"), "170 625 kr"), (0, "0 kr")],
    ids=["thousands", "ore", "six-digits", "zero"],
)
def test_money_has_swedish_grouping_and_kr(amount, expected):
    assert fmt.money(amount).replace("\u00a0", " ") == expected


def test_list_joins_with_och():
    assert fmt.list(["A", "B", "C"]) == "A, B och C"
    assert fmt.list(["A", "B"]) == "A och B"
    assert fmt.list(["A"]) == "A"


def test_counts_in_words_with_gender():
    assert fmt.count(4) == "fyra"
    assert fmt.count(1) == "en"
    assert fmt.count(1, neuter=True) == "ett"
    assert fmt.count(15) == "15"


def test_month_and_years():
    assert fmt.month(3) == "mars"
    assert fmt.years(dt.date(2027, 1, 1), dt.date(2029, 12, 31)) == "2027–2029"


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("Dnr KS 2026/0412, samt", "Dnr\u00a0KS\u00a02026/0412, samt"),
        ("(Dnr RTS 2027/018)", "(Dnr\u00a0RTS\u00a02027/018)"),
        ("Storgatan 1, 871 80 Nordvik", "Storgatan 1, 871\u00a080\u00a0Nordvik"),
        ("den 1 maj 2028 till", "den 1\u00a0maj\u00a02028 till"),
        ("§ 24 och kl. 13.00", "§\u00a024 och kl.\u00a013.00"),
        # Numbers that are not postal codes keep their spaces: amounts come bound from fmt.money.
        ("32 400 invånare", "32 400 invånare"),
    ],
    ids=["dnr", "dnr-in-brackets", "postal-code", "date", "paragraph-and-time", "not-a-postal-code"],
)
def test_what_must_stay_on_one_line_is_bound(text, bound):
    """A Dnr, a postal code, a date, "§ 24" and "kl. 13.00" never break over two lines, in either format."""
    assert bind(text) == bound

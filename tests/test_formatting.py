import datetime as dt
from decimal import Decimal

import pytest

from tcdocs.formatting import formatter

fmt = formatter("sv_SE")


@pytest.mark.parametrize(
    ("day", "expected"),
    # The day and its month stay on one line: a no-break space between them.
    [(dt.date(2026, 11, 22), "22\u00a0november 2026"), (dt.date(2027, 1, 1), "1\u00a0januari 2027")],
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

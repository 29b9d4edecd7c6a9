"""Swedish formatting of dates, amounts and lists through Babel, without global state."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.numbers import format_decimal

__all__ = ["DEFAULT_LOCALE", "NBSP", "Formatter", "bind", "formatter"]

DEFAULT_LOCALE = "sv_SE"

# A no-break space keeps "12 500 kr" and "22 november 2026" on one line.
NBSP = "\u00a0"

# Swedish style writes counts up to twelve in words.
_WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")


class Formatter:
    """Formats values the way a Swedish public-sector document writes them.

    One instance is bound to one locale; templates receive it as ``fmt``.
    """

    def __init__(self, locale: str = DEFAULT_LOCALE) -> None:
        self.locale = Locale.parse(locale)

    def date(self, value: dt.date) -> str:
        """Running-text date: ``22 november 2026``, kept on one line."""
        return format_date(value, "d MMMM y", locale=self.locale).replace(" ", NBSP)

    def time(self, value: dt.time) -> str:
        """A clock time as Swedish minutes write it: ``13.00``."""
        return format_time(value, "HH.mm", locale=self.locale)

    def isodate(self, value: dt.date) -> str:
        """Header and table date: ``2026-11-22``."""
        return value.isoformat()

    def month(self, month: int) -> str:
        """A month's name in running text: ``mars``."""
        return format_date(dt.date(2000, month, 1), "LLLL", locale=self.locale)

    def money(self, value: Decimal | int) -> str:
        """An amount in kronor: ``12 500 kr``, or ``1,50 kr`` when it has öre."""
        amount = Decimal(value)
        pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
        text = format_decimal(amount, format=pattern, locale=self.locale)
        return f"{text}{NBSP}kr"

    def number(self, value: Decimal | int) -> str:
        """A plain number with Swedish digit grouping: ``12 500``."""
        return format_decimal(Decimal(value), format="#,##0.##", locale=self.locale)

    def count(self, value: int, neuter: bool = False) -> str:
        """A small count in words, as running text writes it: ``fyra``, ``ett exemplar``."""
        if 1 <= value < len(_WORDS):
            if value == 1:
                return "ett" if neuter else "en"
            return _WORDS[value]
        return self.number(value)

    def list(self, items: Iterable[str]) -> str:
        """Items joined for running text: ``A, B och C``."""
        values = [str(item) for item in items]
        if not values:
            return ""
        return format_list(values, locale=self.locale)

    def years(self, start: dt.date, end: dt.date) -> str:
        """A span of years with an en dash: ``2027–2029``."""
        if start.year == end.year:
            return str(start.year)
        return f"{start.year}\u2013{end.year}"


@lru_cache(maxsize=8)
def formatter(locale: str = DEFAULT_LOCALE) -> Formatter:
    """Return the shared formatter for *locale*; Babel's data is looked up once."""
    return Formatter(locale)


_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_BOUND: tuple[re.Pattern[str], ...] = (
    # "Dnr KS 2026/0412": the word and the number up to its first part with a digit.
    re.compile(r"\bDnr ((?:[^\s,;]+ ){0,3}?[^\s,;]*\d)"),
    # "§ 24", "§§ 13–14", "kl. 13.00", "nr 3"
    re.compile(r"(§§?|\bkl\.|\bnr) (?=\d)"),
    # "871 80 Nordvik": a postal code with its town, not a group of a larger number.
    re.compile(r"(?<!\d )\b(\d{3}) (\d{2})\b(?! ?\d)( [A-ZÅÄÖ][^\s,;]*)?"),
    # "1 maj 2028", "22 februari 2028" in running text, as fmt.date writes them.
    re.compile(rf"\b(\d{{1,2}}) ({_MONTHS})(?: (\d{{4}}))?\b"),
)


def bind(text: str) -> str:
    """*text* with no-break spaces where a line must not break: after "Dnr" and inside the Dnr, after "§"
    and "kl.", inside a postal code and a date. Both formats lay out the same text, so they agree."""
    for pattern in _BOUND:
        text = pattern.sub(lambda match: match.group(0).replace(" ", NBSP), text)
    return text

"""What text, numbers and dates a document can hold, checked where the data is read.

Every string is normalised (line breaks to ``\\n``, Unicode to NFC, so "Åsby" typed
on a Mac is the same party as "Åsby" typed on Windows) and refused, with the
character's place, if a reader could not see it as written: control characters,
invisible and bidirectional format characters (a right-to-left override reorders
what a PDF shows), and characters the house font has no glyph for. Each kind of
field then has its bounds: a name is one line, a Dnr fits the page header, a date
lies in this century, an amount is a real amount of kronor.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from ..data import describe_illegal, first_illegal
from ..fonts import text_width, unsupported
from ..house import house
from ..messages import Message

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "Address",
    "Checked",
    "Day",
    "Dnr",
    "Line",
    "Money",
    "Prose",
    "Region",
    "Text",
    "YesNo",
    "clean_text",
    "describe_illegal",
    "first_illegal",
    "name_key",
    "parse_money",
]

# Unicode's default-ignorable code points that are not format characters (DerivedCoreProperties.txt):
# a renderer draws nothing for them, so a name of nothing but U+034F prints as no name at all.
_IGNORABLE = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),  # tags and variation selectors beyond the first plane
)


@lru_cache(maxsize=1)
def _invisible() -> re.Pattern[str]:
    # Format characters (zero-width spaces and joiners, bidirectional controls, the byte-order
    # mark, soft hyphens), the Unicode line and paragraph separators, and the other characters
    # Unicode says a reader does not see (default-ignorable code points).
    chars = [chr(code) for code in range(0x10000) if unicodedata.category(chr(code)) in ("Cf", "Zl", "Zp")]
    ranges = "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end in _IGNORABLE)
    return re.compile("[" + "".join(re.escape(char) for char in chars) + ranges + "]")


MAX_MARKS = 3
"""The most combining marks one letter may carry (a Vietnamese letter has two); more is no writing, but a stack."""


def _marks_stacked(value: str) -> int | None:
    """Where a letter carries more than :data:`MAX_MARKS` combining marks, or None."""
    run = 0
    for index, char in enumerate(value):
        run = run + 1 if unicodedata.category(char) in ("Mn", "Mc", "Me") else 0
        if run > MAX_MARKS:
            return index - MAX_MARKS
    return None


def clean_text(value: str) -> str:
    """*value* with ``\\n`` line breaks, in NFC, if a reader can see every character as written.

    Raises ``ValueError`` naming the first character that cannot be seen and its place.
    """
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    index = first_illegal(value)
    if index is not None:
        raise ValueError(Message("character {number} is {what}", number=index + 1, what=describe_illegal(value[index])))
    stacked = _marks_stacked(value)
    if stacked is not None:
        raise ValueError(
            Message(
                "character {number} carries more than {count} accents or other combining marks; write the letter as it is written",
                number=stacked,
                count=MAX_MARKS,
            )
        )
    invisible = _invisible()
    missing = [char for char in unsupported(value) if not invisible.match(char)]
    if missing:
        shown = " ".join(missing[:10])
        raise ValueError(Message("the house font has no letters for {letters}; documents are written in the Latin script", letters=shown))
    hidden = invisible.search(value)
    if hidden is not None:
        char = hidden.group()
        raise ValueError(
            Message(
                "character {number} is the invisible U+{code:04X} ({name}), which a reader would not see; remove it",
                number=hidden.start() + 1,
                code=ord(char),
                name=unicodedata.name(char, "format character"),
            )
        )
    return value


def name_key(name: str) -> str:
    """How two names are compared: case, runs of spaces, Unicode's normalisation and characters a reader
    does not see (:func:`clean_text` refuses them in data; a model built in code may still hold them)
    do not make a different party."""
    visible = _invisible().sub("", unicodedata.normalize("NFKC", name))
    return " ".join(visible.casefold().split())


def _one_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError(Message("write this on one line, without line breaks or tabs"))
    return value


def _few_lines(value: str) -> str:
    if value.count("\n") >= 5:
        raise ValueError(Message("an address has at most five lines"))
    return value


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


Checked = Annotated[str, BeforeValidator(_clean)]
"""Text whose every character a reader can see (:func:`clean_text`); the base of every text field."""

Line = Annotated[Checked, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
"""One line of text, such as a name, a title or an organisation: at most 200 characters."""

Text = Annotated[Checked, Field(min_length=1, max_length=2000)]
"""A sentence or a short paragraph, such as a goal or a decision; line breaks in it become spaces."""

Prose = Annotated[Checked, Field(min_length=1, max_length=20000)]
"""Paragraphs of running text, separated by a blank line."""

Address = Annotated[Checked, Field(min_length=1, max_length=300), AfterValidator(_few_lines)]
"""A postal address of at most five lines, kept as written."""


def _fits_header(value: str) -> str:
    # The issuer at the page header's top left, in the house style's type and box.
    header = house().header
    if text_width(f"Teknikcollege {value}", header.issuer.size, bold=header.issuer.bold) > house().issuer_width:
        raise ValueError(Message("'Teknikcollege {region}' is too long for the page header; shorten the region's name", region=value))
    return value


def _fits_dnr(value: str) -> str:
    # A line of the page header's right-hand block.
    text = house().header.text
    if text_width(f"Dnr {value}", text.size, bold=text.bold) > house().dnr_width:
        raise ValueError(Message("the Dnr is too long for the page header; a Dnr such as 'KS 2026/0412' fits"))
    return value


Region = Annotated[Line, Field(max_length=60), AfterValidator(_fits_header)]
"""A region's name without 'Teknikcollege', short enough for the page header."""

Dnr = Annotated[Line, Field(max_length=60), AfterValidator(_fits_dnr)]
"""A reference number (diarienummer), short enough for the page header."""


def _yes_no(value: Any) -> Any:
    # YAML 1.2 knows true and false; a Swedish writer says ja and nej.
    if isinstance(value, str) and value.strip().lower() in ("ja", "nej"):
        return value.strip().lower() == "ja"
    return value


YesNo = Annotated[bool, BeforeValidator(_yes_no)]
"""A yes or no: ja or nej (as well as true or false, yes or no)."""


FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(Message("{day} is not a date of these documents; give a date from 2000 to 2099", day=day.isoformat()))
    return day


Day = Annotated[dt.date, AfterValidator(_in_range)]
"""A date, written ÅÅÅÅ-MM-DD, in the years 2000 to 2099."""


_AMOUNT = re.compile(r"-?\d+(\.\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']")


def parse_money(value: Any) -> Any:
    """An amount as people write it in Swedish: ``40 000``, ``40 000 kr``, ``2,50``, ``2.50``.

    Text that is no amount is left for the model to refuse with its own message.
    """
    if isinstance(value, float):
        return Decimal(repr(value))
    if not isinstance(value, str):
        return value
    text = value.strip().removesuffix(":-")
    for unit in ("kronor", "kr.", "kr", "SEK"):
        if text.lower().endswith(unit.lower()):
            text = text[: -len(unit)]
            break
    text = _SPACES.sub("", text).replace(",", ".")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(Message("'{value}' is not an amount; write it as 40 000 or 2,50", value=value))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(Message("'{value}' is not an amount; write it as 40 000 or 2,50", value=value)) from None


_ORE = Decimal("0.01")


def _canonical_amount(value: Decimal) -> Decimal:
    # One amount, one form, to the öre: 2,5 and 2.50, 25000 and 25000.00 are the same data, so the
    # same canonical data and the same PDF (verify calls them the same); and never minus zero.
    return (value if value != 0 else Decimal(0)).quantize(_ORE)


Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    Field(ge=0, le=1_000_000_000, max_digits=14, decimal_places=2, description="Belopp i kronor, t.ex. 40 000 eller 2,50."),
    AfterValidator(_canonical_amount),
]
"""An amount in Swedish kronor, never negative, at most to the öre, at most a billion; kept with two decimals."""

"""Teknikcollege's eight quality criteria, in the order of the handbook's "Kvaliteten – så säkras den".

The criteria are data of the package: a granskningsprotokoll names them by key and
the wording takes their numbers and titles from here, so no data file retypes them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, NamedTuple

from ..messages import N_, Message

__all__ = ["CRITERIA", "CRITERIA_KEYS", "Criterion", "criteria_problems", "criterion_key", "criterion_title"]


class Criterion(NamedTuple):
    """One quality criterion: its number, the key a data file uses and its Swedish title."""

    number: int
    key: str
    title: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion(1, "kvalitetssakrad_process", "Kvalitetssäkrad process"),
    Criterion(2, "regional_samverkan", "Regional samverkan"),
    Criterion(3, "organisation_och_styrning", "Organisation och styrning"),
    Criterion(4, "industrins_kompetensbehov", "Industrins kompetensbehov"),
    Criterion(5, "utbildningar_och_dimensionering", "Utbildningar och dimensionering"),
    Criterion(6, "larmiljo", "Kreativ och stimulerande lärmiljö"),
    Criterion(7, "utbildning_inom_teknikcollege", "Utbildning inom Teknikcollege"),
    Criterion(8, "arbetslivets_medverkan", "Arbetslivets medverkan i utbildningen"),
)
"""The eight criteria in the order every protocol lists them."""

_BY_KEY = {c.key: c for c in CRITERIA}


def criterion_title(key: str) -> str | None:
    """The criterion's number and title for *key* ("6. Kreativ och stimulerande lärmiljö"), or None."""
    found = _BY_KEY.get(key)
    return f"{found.number}. {found.title}" if found else None


def _folded(text: str) -> str:
    """*text* as a key is compared: lower case, without accents, spaces or punctuation."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


_BY_NAME = {name: c.key for c in CRITERIA for name in (_folded(c.key), _folded(c.title), _folded(f"{c.number}. {c.title}"), str(c.number))}
_BY_NAME.update({_folded(c.title.split()[-1]): c.key for c in CRITERIA if c.key == "larmiljo"})


def criterion_key(name: Any) -> Any:
    """The key of the criterion a person names by key, number or title ("Lärmiljö", "6",
    "Kreativ och stimulerande lärmiljö"); anything else as it is, for the rules to refuse."""
    if isinstance(name, int) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str):
        return name
    return _BY_NAME.get(_folded(name), name)


def keyed_by_criterion(value: Any) -> Any:
    """A mapping with its keys named as :func:`criterion_key` reads them (a before-validator)."""
    if not isinstance(value, dict):
        return value
    keyed: dict[Any, Any] = {}
    named: dict[Any, Any] = {}
    for name, item in value.items():
        key = criterion_key(name)
        if key in keyed:
            raise ValueError(Message("'{first}' and '{second}' name the same criterion", first=named[key], second=name))
        keyed[key], named[key] = item, name
    return keyed


EVERY_ASSESSED = N_("every criterion needs an assessment; missing: {names}")


def criteria_problems(
    keys: Iterable[str], field: str, every: bool = True, missing_message: str = EVERY_ASSESSED
) -> list[tuple[tuple[str | int, ...], str]]:
    """The problems of a mapping keyed by criterion in *field*: keys that name no criterion,
    and, when *every* criterion needs an entry, the criteria it leaves out (*missing_message*,
    marked with ``N_``, says what each needs)."""
    keys = list(keys)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for key in keys:
        if key not in _BY_KEY:
            known = ", ".join(c.key for c in CRITERIA)
            problems.append(((field, key), Message("'{key}' is not one of the eight criteria; use one of: {known}", key=key, known=known)))
    missing = [c for c in CRITERIA if c.key not in keys]
    if every and missing:
        names = ", ".join(f"{c.key} ({c.number}. {c.title})" for c in missing)
        problems.append(((field,), Message(missing_message, names=names)))
    return problems


CRITERIA_KEYS: dict[str, Any] = {
    "propertyNames": {"oneOf": [{"const": c.key, "title": f"{c.number}. {c.title}"} for c in CRITERIA]},
}
"""The JSON Schema of a mapping keyed by criterion: its keys with their Swedish titles, in order."""

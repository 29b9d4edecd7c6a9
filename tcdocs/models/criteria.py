"""Teknikcollege's eight quality criteria, in the order of the handbook's "Kvaliteten – så säkras den".

The criteria are data of the package: a granskningsprotokoll names them by key and
the wording takes their numbers and titles from here, so no data file retypes them.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CRITERIA", "Criterion", "criterion", "criterion_title"]


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


def criterion(key: str) -> Criterion:
    """The criterion with *key*; ``KeyError`` if there is none."""
    return _BY_KEY[key]


def criterion_title(key: str) -> str | None:
    """The criterion's number and title for *key* ("6. Kreativ och stimulerande lärmiljö"), or None."""
    found = _BY_KEY.get(key)
    return f"{found.number}. {found.title}" if found else None

"""Teknikcollege's eight quality criteria, in the order of the handbook's "Kvaliteten – så säkras den".

The criteria are data of the package: a granskningsprotokoll names them by key and
the wording takes their numbers from here and their titles from ``labels.yaml``
(``Criterion``), so no data file retypes them and no Swedish is written in Python.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from ..labels import label
from ..messages import N_, Message

__all__ = ["CRITERIA", "CRITERIA_KEYS", "Criterion", "criteria_problems", "criterion_key", "criterion_title"]


class Criterion(NamedTuple):
    """One quality criterion: its number and the key a data file uses."""

    number: int
    key: str

    @property
    def title(self) -> str:
        """The criterion's Swedish title (``Criterion`` in ``labels.yaml``)."""
        return label("Criterion", self.key)


CRITERIA: tuple[Criterion, ...] = tuple(
    Criterion(number, key)
    for number, key in enumerate(
        (
            "kvalitetssakrad_process",
            "regional_samverkan",
            "organisation_och_styrning",
            "industrins_kompetensbehov",
            "utbildningar_och_dimensionering",
            "larmiljo",
            "utbildning_inom_teknikcollege",
            "arbetslivets_medverkan",
        ),
        start=1,
    )
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


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    """Every way a person names a criterion (key, number, title, numbered title), folded, to its key."""
    names = {name: c.key for c in CRITERIA for name in (_folded(c.key), _folded(c.title), _folded(f"{c.number}. {c.title}"), str(c.number))}
    names.update({_folded(c.title.split()[-1]): c.key for c in CRITERIA if c.key == "larmiljo"})
    return names


def criterion_key(name: Any) -> Any:
    """The key of the criterion a person names by key, number or title ("Lärmiljö", "6",
    "Kreativ och stimulerande lärmiljö"); anything else as it is, for the rules to refuse."""
    if isinstance(name, int) and not isinstance(name, bool):
        name = str(name)
    if not isinstance(name, str):
        return name
    return _by_name().get(_folded(name), name)


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


# A function named as the constant it stands for: pydantic calls it when a schema is made, so the
# titles are read from labels.yaml then, not when the models are imported.
def CRITERIA_KEYS(schema: dict[str, Any]) -> None:
    """Give the JSON Schema of a mapping keyed by criterion its keys, with their Swedish titles, in order."""
    schema["propertyNames"] = {"oneOf": [{"const": c.key, "title": f"{c.number}. {c.title}"} for c in CRITERIA]}

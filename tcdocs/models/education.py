"""What a region's education consists of: huvudmän, their school units and the programmes given there.

A huvudman (a municipality, or a company running an independent school) is the legal
entity with an organisation number that signs agreements; its school units
(skolenheter) are where the programmes are given. The two are kept apart so that a
document says which one it means: a samverkansavtal binds huvudmän, a beslut certifies
programmes at school units.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from ..messages import Message
from .base import Model
from .text import Address, Checked, Line

__all__ = ["EducationForm", "Programme", "SchoolUnit", "SchoolUnitCode"]


class EducationForm(StrEnum):
    """Skolform: gymnasieskola, vuxenutbildning eller yrkeshogskola."""

    GYMNASIESKOLA = "gymnasieskola"
    VUXENUTBILDNING = "vuxenutbildning"
    YRKESHOGSKOLA = "yrkeshogskola"


def _check_code(value: str) -> str:
    digits = value.replace(" ", "")
    if not re.fullmatch(r"\d{8}", digits):
        raise ValueError(Message("a school unit code has eight digits, as in Skolverket's register"))
    return digits


SchoolUnitCode = Annotated[
    Checked,
    AfterValidator(_check_code),
    Field(title="Skolenhetskod", description="Åtta siffror, som i Skolverkets skolenhetsregister.", examples=["12345678"]),
]
"""A school unit's code in Skolverket's register: eight digits."""


class Programme(Model):
    """A programme (utbildning) with its tracks (inriktningar)."""

    name: Line = Field(title="Utbildning", description="Till exempel Teknikprogrammet.")
    tracks: list[Line] = Field(default_factory=list, max_length=50, title="Inriktningar")
    form: EducationForm = Field(EducationForm.GYMNASIESKOLA, title="Skolform")


class SchoolUnit(Model):
    """A school unit (skolenhet) of a huvudman, with the programmes given there."""

    name: Line = Field(title="Skolenhet", description="Skolenhetens namn, t.ex. Nordviksgymnasiet.")
    code: SchoolUnitCode | None = None
    address: Address | None = Field(None, title="Besöksadress", description="Skolenhetens adress, om den skiljer sig från huvudmannens.")
    programmes: list[Programme] = Field(min_length=1, max_length=100, title="Utbildningar")

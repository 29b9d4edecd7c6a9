"""The intresseanmälan: a region tells the RTS office that it means to apply for certification."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from ..messages import Message
from .base import Address, Day, Document, Due, Genre, Line, MinutesReference, Model, OrganisationNumber, Person, RuleError, Signatory
from .education import SchoolUnit
from .text import Region

__all__ = ["InterestType", "Intresseanmalan", "Principal"]


class InterestType(StrEnum):
    """Vad anmälan avser: ny_region, ny_utbildningsanordnare, ny_utbildning eller ny_inriktning."""

    NY_REGION = "ny_region"
    NY_UTBILDNINGSANORDNARE = "ny_utbildningsanordnare"
    NY_UTBILDNING = "ny_utbildning"
    NY_INRIKTNING = "ny_inriktning"


class Principal(Model):
    """A huvudman whose school units the application will cover."""

    name: Line = Field(title="Huvudman", description="Kommunen eller företaget som driver skolenheterna, t.ex. Nordviks kommun.")
    org_number: OrganisationNumber
    address: Address = Field(title="Adress", description="Huvudmannens postadress.")
    school_units: list[SchoolUnit] = Field(min_length=1, max_length=50, title="Skolenheter")


class Intresseanmalan(Document):
    """An expression of interest to the RTS office, signed by the regional chair."""

    genre: ClassVar[Genre] = "letters"
    step: ClassVar[int] = 3

    kind: Literal["intresseanmalan"] = Field(title="Dokumentslag")
    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    concerns: list[InterestType] = Field(min_length=1, title="Avser")
    principals: list[Principal] = Field(min_length=1, max_length=50, title="Huvudmän", description="Med sina skolenheter och utbildningar.")
    planned_application: Day = Field(title="Planerat datum för ansökan")
    contact: Person = Field(title="Kontaktperson", description="Oftast den regionala processledaren; ange e-post och telefon.")
    approval: MinutesReference = Field(title="Regionala styrgruppens godkännande")
    chair: Signatory = Field(title="Regionala styrgruppens ordförande")
    process_leader: Signatory | None = Field(None, title="Regional processledare", description="Skriver under tillsammans med ordföranden.")

    @model_validator(mode="after")
    def _check_rules(self) -> Intresseanmalan:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.planned_application <= self.date:
            problems.append(
                (
                    ("planned_application",),
                    Message("the planned application date must come after the document's date ({day})", day=self.date),
                )
            )
        if self.approval.date > self.date:
            problems.append(
                (
                    ("approval", "date"),
                    Message("the steering group must have approved this before the document's date ({day})", day=self.date),
                )
            )
        if self.contact.email is None and self.contact.phone is None:
            problems.append((("contact",), Message("give the contact person's email or phone, so the office can answer")))
        if len(set(self.concerns)) != len(self.concerns):
            problems.append((("concerns",), Message("each kind of interest is listed once")))
        if problems:
            raise RuleError(problems)
        return self

    def due_dates(self) -> list[Due]:
        return [Due("application", 6, self.planned_application, ("planned_application",))]

    def checklist(self) -> list[tuple[InterestType, bool]]:
        """Every kind of interest with whether this one concerns it, as the form's boxes show."""
        return [(kind, kind in self.concerns) for kind in InterestType]

"""The återkoppling: RTS kansli confirms an intresseanmälan and says what happens next."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from ..messages import Message
from .base import Day, Document, Due, Genre, Line, Model, Person, Prose, Region, RuleError, Signatory, Text
from .intresseanmalan import InterestType, Intresseanmalan
from .references import REFERENCE_TAG, document_tag, loader_for, shape_of
from .text import YesNo

__all__ = ["Aterkoppling", "Interest", "InterestReference"]


class InterestReference(Model):
    """The intresseanmälan written out by hand, when its YAML file is not at hand."""

    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    dnr: Line = Field(title="Intresseanmälans diarienummer")
    date: Day = Field(title="Intresseanmälans datum")
    concerns: list[InterestType] = Field(min_length=1, title="Avser")
    planned_application: Day = Field(title="Planerat datum för ansökan")
    contact: Person = Field(title="Kontaktperson")


InterestField = Annotated[
    Annotated[Intresseanmalan, Tag(document_tag(Intresseanmalan))] | Annotated[InterestReference, Tag(REFERENCE_TAG)],
    Discriminator(shape_of(Intresseanmalan)),
    BeforeValidator(loader_for(Intresseanmalan, "interest")),
]


class Interest(NamedTuple):
    """What the återkoppling needs to know about the intresseanmälan, however it was given."""

    region: str
    dnr: str
    date: dt.date
    concerns: list[InterestType]
    planned_application: dt.date
    contact: Person
    chair: str | None


class Aterkoppling(Document):
    """RTS kansli's confirmation of an intresseanmälan, with its feedback and the next steps."""

    genre: ClassVar[Genre] = "letters"
    writer = "rts"
    step: ClassVar[int] = 4

    kind: Literal["aterkoppling"] = Field(title="Dokumentslag")
    interest: InterestField = Field(
        title="Intresseanmälan",
        description="Intresseanmälan som återkopplingen gäller.",
    )
    received: Day = Field(title="Mottagen", description="Dagen RTS kansli tog emot intresseanmälan.")
    feedback: Prose = Field(title="Återkoppling", description="Kansliets synpunkter; stycken skiljs åt med en tom rad.")
    requirements: list[Text] = Field(
        default_factory=list,
        max_length=30,
        title="Ansökan ska innehålla",
        description="Standard: ansökan enligt RTS mall och de handlingar handboken kräver för ärendet.",
    )
    membership: YesNo = Field(
        True, title="Intresseanmälan godkänd", description="Kryssa i när RTS har godkänt intresseanmälan; regionen blir då medlem i RTS."
    )
    planned_application: Day | None = Field(
        None, title="Planerat datum för ansökan", description="Standard: det datum intresseanmälan anger."
    )
    next_steps: Prose | None = Field(None, title="Fortsatt handläggning", description="Utöver kansliets standardtext.")
    recipients: list[Text] = Field(
        default_factory=list,
        max_length=20,
        title="Mottagare",
        description="Standard: intresseanmälans kontaktperson, med kopia till regionala styrgruppens ordförande.",
    )
    contact: Person = Field(title="Kontaktperson på RTS kansli")
    officer: Signatory = Field(title="Handläggare", description="Den på RTS kansli som skriver under.")

    @model_validator(mode="after")
    def _check_rules(self) -> Aterkoppling:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        interest = self.about
        if self.received < interest.date:
            problems.append((("received",), Message("the intresseanmälan cannot be received before its date, {day}", day=interest.date)))
        if self.date < self.received:
            problems.append(
                (("date",), Message("the feedback cannot come before the intresseanmälan was received ({day})", day=self.received))
            )
        if self.application_due <= self.date:
            problems.append(
                (
                    ("planned_application",) if self.planned_application else ("interest",),
                    Message("the planned application date ({day}) must come after this feedback", day=self.application_due),
                )
            )
        if self.contact.email is None and self.contact.phone is None:
            problems.append((("contact",), Message("give the contact person's email or phone, so the region can reach the office")))
        if problems:
            raise RuleError(problems)
        return self

    @property
    def about(self) -> Interest:
        """The intresseanmälan this answers, however it was given."""
        i = self.interest
        if isinstance(i, Intresseanmalan):
            return Interest(i.region, i.dnr, i.date, list(i.concerns), i.planned_application, i.contact, i.chair.name)
        return Interest(i.region, i.dnr, i.date, list(i.concerns), i.planned_application, i.contact, None)

    @property
    def region(self) -> str:
        return self.about.region

    def due_dates(self) -> list[Due]:
        return [Due("application", 6, self.application_due, ("planned_application",) if self.planned_application else ("interest",))]

    @property
    def application_due(self) -> dt.date:
        """When the region plans to send its application: as agreed here, or as the intresseanmälan said."""
        return self.planned_application or self.about.planned_application

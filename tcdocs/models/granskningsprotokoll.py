"""The granskningsprotokoll: what the reviewers found at a review visit, criterion by criterion."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BeforeValidator, Field, model_validator

from ..messages import Message
from .ansokan import Ansokan
from .base import Day, Document, Due, Genre, Line, Model, RoadDate, RuleError, Text, add_months
from .case import Case, CaseType, ReviewedSchool
from .criteria import CRITERIA, CRITERIA_KEYS, Criterion, criteria_problems, keyed_by_criterion
from .references import loader_for
from .text import Prose

__all__ = [
    "Assessment",
    "Case",
    "CaseType",
    "CriterionAssessment",
    "Granskningsprotokoll",
    "Participant",
    "ReviewedSchool",
    "Reviewer",
    "ReviewerBody",
    "Visit",
]


class ReviewerBody(StrEnum):
    """Granskarens uppdrag: granskningskommitten (Industrirådets) eller kansli (RTS kansli)."""

    KOMMITTE = "granskningskommitten"
    KANSLI = "kansli"


class Reviewer(Model):
    """One of the three reviewers at the visit."""

    name: Line = Field(title="Namn")
    organisation: Line = Field(title="Organisation", description="Till exempel IF Metall, Teknikföretagen eller RTS.")
    body: ReviewerBody = Field(title="Uppdrag")
    place: Line | None = Field(None, title="Ort", description="Ort där granskaren skriver under.")


class Participant(Model):
    """Someone from the region who took part in the visit."""

    name: Line = Field(title="Namn")
    role: Line = Field(title="Roll", description="Till exempel regional processledare eller rektor.")
    organisation: Line | None = Field(None, title="Organisation")


class Visit(Model):
    """The review visit: when, where, who reviewed, who took part and what was read."""

    date: Day = Field(title="Datum för granskningsbesöket")
    places: list[Line] = Field(min_length=1, max_length=50, title="Besökta platser")
    reviewers: list[Reviewer] = Field(title="Granskare", description="Två från granskningskommittén och en från RTS kansli.")
    participants: list[Participant] = Field(default_factory=list, title="Deltagare från regionen")
    material: list[Text] = Field(default_factory=list, title="Underlag", description="De skriftliga handlingar granskningen bygger på.")


class Assessment(Model):
    """The reviewers' assessment of one criterion."""

    observations: Prose = Field(title="Iakttagelser", description="Stycken skiljs åt med en tom rad.")
    strengths: list[Text] = Field(default_factory=list, title="Styrkor")
    development: list[Text] = Field(default_factory=list, title="Utvecklingsområden")


class CriterionAssessment(NamedTuple):
    """A criterion and its assessment, in the order the protocol lists them."""

    criterion: Criterion
    assessment: Assessment


class Granskningsprotokoll(Document):
    """A review protocol written by two members of the review committee and the RTS office."""

    genre: ClassVar[Genre] = "protocols"
    writer = "rts"
    step: ClassVar[int] = 9
    SEND_WITHIN_MONTHS: ClassVar[int] = 1
    SUPPLEMENT_MONTHS: ClassVar[int] = 3

    kind: Literal["granskningsprotokoll"] = Field(title="Dokumentslag")
    application: Annotated[Ansokan | None, BeforeValidator(loader_for(Ansokan, "application"))] = Field(
        None,
        title="Ansökan",
        description="Regionens ansökan; ärendet, regionen och utbildningarna hämtas därifrån.",
    )
    case: Case | None = Field(None, title="Ärende", description="Anges när ansökan inte finns som fil.")
    visit: Visit = Field(title="Granskningsbesök")
    sent: Day | None = Field(None, title="Skickas", description="Dagen protokollet skickas till regionen; standard: dokumentets datum.")
    overall: Prose = Field(title="Samlat intryck", description="Stycken skiljs åt med en tom rad.")
    assessments: Annotated[dict[str, Assessment], BeforeValidator(keyed_by_criterion)] = Field(
        title="Bedömning per kriterium",
        description="En bedömning för vart och ett av de åtta kriterierna, med kriteriets nyckel, nummer eller namn.",
        json_schema_extra=CRITERIA_KEYS,
    )
    suggestions: list[Text] = Field(default_factory=list, title="Förslag till utveckling")
    supplements: list[Text] = Field(default_factory=list, title="Begärda kompletteringar")
    supplements_due: Day | None = Field(
        None, title="Kompletteringar senast", description="Standard: tre månader efter att protokollet skickats."
    )
    distribution: list[Text] = Field(
        default_factory=list,
        title="Sändlista",
        description="Mottagare med namn och roll; standard: regional processledare och regionala och lokala ordförande.",
    )

    @model_validator(mode="after")
    def _check_rules(self) -> Granskningsprotokoll:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        committee = [r for r in self.visit.reviewers if r.body is ReviewerBody.KOMMITTE]
        office = [r for r in self.visit.reviewers if r.body is ReviewerBody.KANSLI]
        if len(committee) != 2 or len(office) != 1:
            problems.append(
                (
                    ("visit", "reviewers"),
                    Message(
                        "a review visit has exactly two reviewers from the review committee (body: granskningskommitten) "
                        "and one from the RTS office (body: kansli); found {committee} and {office}",
                        committee=len(committee),
                        office=len(office),
                    ),
                )
            )
        problems += criteria_problems(self.assessments, "assessments")
        if self.application is None and self.case is None:
            problems.append(
                (("case",), Message("name the application this protocol reviews (application: ansokan.yaml), or give the case"))
            )
        if self.application is not None and self.case is not None:
            problems.append((("case",), Message("the case comes from the application; leave out case")))
        if self.application is not None and self.visit.date < self.application.date:
            problems.append(
                (("visit", "date"), Message("the visit cannot come before the application of {day}", day=self.application.date))
            )
        if self.sent_on < self.visit.date:
            problems.append(
                (
                    ("sent",) if self.sent else ("date",),
                    Message("the protocol cannot be sent before the visit on {day}", day=self.visit.date),
                )
            )
        if self.supplements_due is not None and self.supplements_due < self.sent_on:
            problems.append(
                (("supplements_due",), Message("the supplements cannot be due before the protocol is sent ({day})", day=self.sent_on))
            )
        if problems:
            raise RuleError(problems)
        return self

    def warnings(self) -> list[tuple[tuple[str | int, ...], str]]:
        if self.sent_on > self.send_by:
            return [
                (
                    ("sent",) if self.sent else ("date",),
                    Message(
                        "the protocol is sent {sent}, more than one month after the visit on {visit} (due by {due})",
                        sent=self.sent_on,
                        visit=self.visit.date,
                        due=self.send_by,
                    ),
                )
            ]
        return []

    @property
    def region(self) -> str:
        return self.reviewed.region

    def road_dates(self) -> list[RoadDate]:
        return [RoadDate(8, self.visit.date, ("visit", "date")), RoadDate(9, self.sent_on, ("sent",) if self.sent else ("date",))]

    def due_dates(self) -> list[Due]:
        found = [Due("protocol", 9, self.send_by, ("visit", "date"))]
        if self.supplements:
            found.append(Due("supplements", 10, self.due, ("supplements_due",) if self.supplements_due else ("date",)))
        return found

    @property
    def reviewed(self) -> Case:
        """The case under review: the application's, or as the protocol gives it."""
        if self.application is not None:
            return self.application.case()
        assert self.case is not None  # the rules require one or the other
        return self.case

    @property
    def send_by(self) -> dt.date:
        """The last day to send the protocol: one month after the visit."""
        return add_months(self.visit.date, self.SEND_WITHIN_MONTHS)

    @property
    def sent_on(self) -> dt.date:
        """The day the protocol is sent: as given, or the document's date."""
        return self.sent or self.date

    @property
    def due(self) -> dt.date:
        """The day the supplements are due: as given, or three months after sending."""
        return self.supplements_due or add_months(self.sent_on, self.SUPPLEMENT_MONTHS)

    def committee(self) -> list[Reviewer]:
        return [r for r in self.visit.reviewers if r.body is ReviewerBody.KOMMITTE]

    def office(self) -> Reviewer:
        return next(r for r in self.visit.reviewers if r.body is ReviewerBody.KANSLI)

    def criteria(self) -> list[CriterionAssessment]:
        """All eight criteria with their assessments, in the handbook's order."""
        return [CriterionAssessment(c, self.assessments[c.key]) for c in CRITERIA]

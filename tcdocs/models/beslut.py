"""The beslut: the RTS board's decision on a case after the review and the region's supplements."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from ..messages import Message
from .ansokan import Ansokan
from .base import (
    CertificationPeriod,
    Day,
    Document,
    Due,
    Genre,
    Line,
    MinutesReference,
    Model,
    OrganisationNumber,
    RoadDate,
    RuleError,
    Signatory,
    Text,
)
from .granskningsprotokoll import Case, CaseType, Granskningsprotokoll, ReviewedSchool, Reviewer
from .references import REFERENCE_TAG, document_tag, loader_for, shape_of
from .svar import Svar
from .text import Prose, YesNo

__all__ = ["Beslut", "DecisionOutcome", "ProtocolReference", "Recommendation", "Review"]


class DecisionOutcome(StrEnum):
    """Beslutet: certifiering, atercertifiering, uppskov, avslag eller avcertifiering."""

    CERTIFIERING = "certifiering"
    ATERCERTIFIERING = "atercertifiering"
    UPPSKOV = "uppskov"
    AVSLAG = "avslag"
    AVCERTIFIERING = "avcertifiering"

    @property
    def years(self) -> int | None:
        """How long a certification by this decision lasts, or None if it certifies nothing."""
        return {"certifiering": 3, "atercertifiering": 5}.get(self.value)


class Recommendation(Model):
    """What Industrirådets granskningskommitté recommended (förordade) to the board, and when."""

    date: Day = Field(title="Datum för förordandet")
    outcome: DecisionOutcome = Field(title="Granskningskommittén förordade")


class ProtocolReference(Model):
    """The review written out by hand, when the protocol's YAML file is not at hand."""

    dnr: Line = Field(title="Protokollets diarienummer")
    date: Day = Field(title="Protokollets datum")
    visit_date: Day = Field(title="Granskningsbesökets datum")
    case: Case = Field(title="Ärende")
    supplements: YesNo = Field(True, title="Kompletteringar begärda", description="Protokollet begärde kompletteringar.")


ProtocolField = Annotated[
    Annotated[Granskningsprotokoll, Tag(document_tag(Granskningsprotokoll))] | Annotated[ProtocolReference, Tag(REFERENCE_TAG)],
    Discriminator(shape_of(Granskningsprotokoll)),
    BeforeValidator(loader_for(Granskningsprotokoll, "protocol")),
]


class Review(NamedTuple):
    """What the decision needs to know about the review, however the protocol was given."""

    dnr: str
    date: dt.date
    visit_date: dt.date
    case: Case
    reviewers: list[Reviewer] | None
    supplements: bool
    application: Ansokan | None


class Beslut(Document):
    """A decision by the RTS board on certification, re-certification, deferral, refusal or withdrawal."""

    genre: ClassVar[Genre] = "protocols"
    writer = "rts"
    step: ClassVar[int] = 12

    kind: Literal["beslut"] = Field(title="Dokumentslag")
    protocol: ProtocolField = Field(
        title="Granskningsprotokoll",
        description="Granskningsprotokollet som beslutet gäller.",
    )
    response: Annotated[Svar | None, BeforeValidator(loader_for(Svar, "response"))] = Field(
        None,
        title="Svar på protokoll",
        description="Regionens svar med kompletteringarna, när protokollet begärde kompletteringar.",
    )
    outcome: DecisionOutcome = Field(title="Beslut")
    scope: list[ReviewedSchool] = Field(
        default_factory=list,
        title="Omfattning",
        description="Skolenheter, utbildningar och inriktningar som beslutet gäller; standard: hela ärendet.",
    )
    valid_from: Day | None = Field(
        None, title="Giltig från och med", description="Standard: beslutsdagen. Gäller certifiering och återcertifiering."
    )
    board_meeting: MinutesReference = Field(title="Styrelsemöte")
    motivation: Prose = Field(title="Motivering", description="Stycken skiljs åt med en tom rad.")
    conditions: list[Text] = Field(default_factory=list, title="Villkor")
    follow_up: list[Text] = Field(
        default_factory=list, title="Utvecklingsområden att följa upp", description="Följs upp i handlingsplan och årsrapport."
    )
    new_deadline: Day | None = Field(None, title="Ny tidplan", description="Vid uppskov: dagen då regionen senast ska ha kompletterat.")
    recertify_by: Day | None = Field(
        None,
        title="Ansökan om återcertifiering senast",
        description="Skrivs ut bara om styrelsen har beslutat en sådan dag; handboken anger ingen.",
    )
    recommendation: Recommendation | None = Field(
        None, title="Granskningskommitténs förordande", description="Det som Industrirådets granskningskommitté förordade styrelsen."
    )
    recipients: list[Text] = Field(min_length=1, title="Mottagare", description="Till exempel regionala styrgruppens ordförande.")
    copies: list[Text] = Field(
        default_factory=list, max_length=30, title="Kopia till", description="Till exempel Industrirådets granskningskommitté."
    )
    rts_org_number: OrganisationNumber | None = Field(None, title="RTS organisationsnummer")
    chair: Signatory = Field(title="Styrelsens ordförande")
    counter: Signatory | None = Field(
        None, title="Kontrasignation", description="Den som bestyrker ordförandens underskrift, t.ex. kanslichefen."
    )

    @model_validator(mode="after")
    def _check_rules(self) -> Beslut:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        review = self.review
        re_certification = review.case.type is CaseType.ATERCERTIFIERING
        if self.outcome is DecisionOutcome.CERTIFIERING and re_certification:
            problems.append((("outcome",), Message("the case is a re-certification; decide atercertifiering")))
        if self.outcome is DecisionOutcome.ATERCERTIFIERING and not re_certification:
            problems.append(
                (("outcome",), Message("the case is {case}, not a re-certification; decide certifiering", case=review.case.type.value))
            )
        if self.valid_from is not None and self.outcome.years is None:
            problems.append(
                (("valid_from",), Message("a decision on {outcome} certifies nothing; leave out valid_from", outcome=self.outcome.value))
            )
        if self.outcome is DecisionOutcome.UPPSKOV and self.new_deadline is None:
            problems.append(
                (("outcome",), Message("a deferral (uppskov) needs new_deadline, the new deadline for the region's supplements"))
            )
        if self.new_deadline is not None and self.outcome is not DecisionOutcome.UPPSKOV:
            problems.append((("new_deadline",), Message("only a deferral (uppskov) sets a new deadline")))
        if self.new_deadline is not None and self.new_deadline <= self.board_meeting.date:
            problems.append(
                (("new_deadline",), Message("the new deadline must come after the board meeting on {day}", day=self.board_meeting.date))
            )
        if self.board_meeting.date < review.date:
            problems.append(
                (("board_meeting", "date"), Message("the board cannot decide before the review protocol of {day}", day=review.date))
            )
        if self.response is not None:
            answered = self.response.requests
            if (answered.dnr, answered.date) != (review.dnr, review.date):
                problems.append(
                    (
                        ("response",),
                        Message(
                            "the answer is to the protocol of {day} (Dnr {dnr}), not to this decision's protocol of {ours} (Dnr {our_dnr})",
                            day=answered.date,
                            dnr=answered.dnr,
                            ours=review.date,
                            our_dnr=review.dnr,
                        ),
                    )
                )
            if self.board_meeting.date < self.response.date:
                problems.append(
                    (
                        ("board_meeting", "date"),
                        Message("the board cannot decide before the region's supplements of {day} arrived", day=self.response.date),
                    )
                )
        period = self.period
        if period is not None and period.end <= self.board_meeting.date:
            problems.append(
                (
                    ("valid_from",) if self.valid_from else ("board_meeting", "date"),
                    Message(
                        "the certification would end on {end}, before the board decides on {day}",
                        end=period.end,
                        day=self.board_meeting.date,
                    ),
                )
            )
        if self.recertify_by is not None:
            if period is None:
                problems.append((("recertify_by",), Message("a decision that certifies nothing sets no day for re-certification")))
            elif not self.board_meeting.date < self.recertify_by <= period.end:
                problems.append(
                    (
                        ("recertify_by",),
                        Message("the day for re-certification lies within the certification, before {end}", end=period.end),
                    )
                )
        if self.recommendation is not None and self.recommendation.date > self.board_meeting.date:
            problems.append(
                (
                    ("recommendation", "date"),
                    Message("the committee recommends before the board decides ({day})", day=self.board_meeting.date),
                )
            )
        if self.date < self.board_meeting.date:
            problems.append(
                (("date",), Message("the decision cannot be dated before the board meeting of {day}", day=self.board_meeting.date))
            )
        covered = {(p.name, g.name) for p in review.case.school_units for g in p.programmes}
        for p_index, unit in enumerate(self.scope):
            for g_index, programme in enumerate(unit.programmes):
                if (unit.name, programme.name) not in covered:
                    problems.append(
                        (
                            ("scope", p_index, "programmes", g_index, "name"),
                            Message("{school}: {programme} is not part of the reviewed case", school=unit.name, programme=programme.name),
                        )
                    )
        if problems:
            raise RuleError(problems)
        return self

    @property
    def review(self) -> Review:
        """The review the decision rests on: protocol Dnr and date, the visit, the case."""
        p = self.protocol
        if isinstance(p, Granskningsprotokoll):
            return Review(p.dnr, p.date, p.visit.date, p.reviewed, list(p.visit.reviewers), bool(p.supplements), p.application)
        return Review(p.dnr, p.date, p.visit_date, p.case, None, p.supplements, None)

    @property
    def region(self) -> str:
        return self.review.case.region

    @property
    def school_units(self) -> list[ReviewedSchool]:
        """What the decision covers: the scope given, or the whole case."""
        return list(self.scope) or list(self.review.case.school_units)

    def road_dates(self) -> list[RoadDate]:
        return [RoadDate(12, self.board_meeting.date, ("board_meeting", "date"))]

    def due_dates(self) -> list[Due]:
        found = []
        where: tuple[str | int, ...] = ("valid_from",) if self.valid_from else ("board_meeting", "date")
        if self.new_deadline is not None:
            found.append(Due("supplements", 10, self.new_deadline, ("new_deadline",)))
        if self.recertify_by is not None:
            found.append(Due("recertification", 6, self.recertify_by, ("recertify_by",)))
        period = self.period
        if period is not None:
            found.append(Due("validity", None, period.end, where))
        return found

    @property
    def period(self) -> CertificationPeriod | None:
        """The validity of a certification: 3 or 5 years from the decision date or ``valid_from``."""
        years = self.outcome.years
        if years is None:
            return None
        return CertificationPeriod(start=self.valid_from or self.board_meeting.date, years=years)

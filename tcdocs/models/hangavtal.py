"""The hängavtal: a municipality or education provider joins an existing samverkansavtal."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from ..messages import Message
from .base import (
    Attachment,
    CertificationPeriod,
    Day,
    Document,
    Genre,
    Line,
    MinutesReference,
    Model,
    Money,
    OrganisationNumber,
    Party,
    Person,
    Region,
    RuleError,
    Signatory,
    name_key,
)
from .education import SchoolUnit
from .references import REFERENCE_TAG, document_tag, loader_for, shape_of
from .samverkansavtal import Samverkansavtal
from .text import YesNo

__all__ = [
    "AgreementReference",
    "CounterSignatory",
    "DecisionBody",
    "ExistingParty",
    "Hangavtal",
    "JoiningFinancing",
    "JoiningParty",
    "LocalSteering",
    "MainAgreement",
    "PoliticalDecision",
]


class ExistingParty(Model):
    """A party of the main agreement, as the hängavtal names it."""

    name: Line = Field(title="Namn")
    org_number: OrganisationNumber


class AgreementReference(Model):
    """The main agreement written out by hand, when its YAML file is not at hand."""

    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    date: Day = Field(title="Huvudavtalets datum")
    dnr: Line = Field(title="Huvudavtalets diarienummer")
    period: CertificationPeriod = Field(title="Certifieringsperiod")
    parties: list[ExistingParty] = Field(min_length=3, max_length=100, title="Huvudavtalets parter")


MainAgreementField = Annotated[
    Annotated[Samverkansavtal, Tag(document_tag(Samverkansavtal))] | Annotated[AgreementReference, Tag(REFERENCE_TAG)],
    Discriminator(shape_of(Samverkansavtal)),
    BeforeValidator(loader_for(Samverkansavtal, "agreement")),
]


class MainAgreement(NamedTuple):
    """What the wording needs to know about the main agreement, however it was given."""

    region: str
    date: dt.date
    dnr: str
    period: CertificationPeriod
    parties: list[ExistingParty]
    local_colleges: list[str] | None
    host: str | None


class LocalSteering(Model):
    """The local Teknikcollege and steering group the joining party takes part in, and its seats there."""

    name: Line = Field(title="Lokalt Teknikcollege", description="Till exempel Teknikcollege Nordvik–Åsby.")
    new: YesNo = Field(False, title="Ny lokal styrgrupp", description="Kryssa i om parten bildar en ny lokal styrgrupp.")
    seats: int = Field(
        1, ge=1, le=5, title="Den nya partens ledamöter", description="Hur många ledamöter parten utser i den lokala styrgruppen."
    )
    industry_seats: int = Field(
        0,
        ge=0,
        le=10,
        title="Nya platser för näringslivet",
        description="Platser som den lokala styrgruppen får för företagen samtidigt, så att de förblir i majoritet.",
    )


class JoiningFinancing(Model):
    """The joining party's share of the common costs, and from when it pays."""

    start: Day = Field(title="Betalar från och med")
    amount: Money | None = Field(
        None,
        title="Belopp per år",
        description="Utelämnas när huvudavtalet anges som fil: andelen räknas då fram enligt huvudavtalets kostnadsmodell.",
    )
    pro_rata: YesNo = Field(True, title="Del av första året", description="Första årets andel räknas per hel månad.")


class DecisionBody(StrEnum):
    """Det politiska organ som fattade beslutet: kommunstyrelsen, kommunfullmaktige eller namnd."""

    KOMMUNSTYRELSEN = "kommunstyrelsen"
    KOMMUNFULLMAKTIGE = "kommunfullmaktige"
    NAMND = "namnd"


class PoliticalDecision(Model):
    """The joining party's political decision to join, as its minutes record it."""

    body: DecisionBody = Field(title="Beslutande organ")
    committee: Line | None = Field(
        None, title="Nämndens namn", description="Krävs när beslutet fattades av en nämnd, t.ex. barn- och utbildningsnämnden."
    )
    date: Day = Field(title="Beslutsdatum")
    paragraph: int = Field(ge=1, le=9999, title="Paragraf", description="Paragrafens nummer i protokollet, utan §.")
    dnr: Line = Field(title="Diarienummer")


class CounterSignatory(Signatory):
    """Who signs for the parties of the main agreement: the host municipality or the regional chair."""

    on_behalf_of: Line = Field(
        title="Undertecknar för", description="Till exempel Nordviks kommun, värdkommun, eller Regional styrgrupp Teknikcollege Nordvik."
    )


class JoiningParty(Party):
    """The municipality or provider that joins, with what it brings to the region."""

    inhabitants: int | None = Field(
        None, ge=1, le=10_000_000, title="Antal invånare", description="Behövs när kostnaden fördelas per invånare."
    )
    school_units: list[SchoolUnit] = Field(
        default_factory=list,
        max_length=50,
        title="Skolenheter",
        description="Partens skolenheter med utbildningar som ska ingå; utelämnas för en kommun utan egen utbildningsanordnare.",
    )
    start_certification: YesNo = Field(
        True, title="Certifiering inleds", description="Kryssa i om en certifieringsprocess inleds för partens utbildningar."
    )
    representative: Person | None = Field(None, title="Ledamot i regional styrgrupp")
    regional_seats: int = Field(
        1, ge=1, le=5, title="Ledamöter i regional styrgrupp", description="Standard: lika många som varje part utser enligt huvudavtalet."
    )
    regional_industry_seats: int = Field(
        0,
        ge=0,
        le=10,
        title="Nya platser för näringslivet i regional styrgrupp",
        description="Platser som den regionala styrgruppen får för företagen samtidigt, så att de förblir i majoritet.",
    )


class FirstYear(NamedTuple):
    """The joining party's share for the calendar year it starts paying."""

    year: int
    months: int
    amount: Decimal


class Hangavtal(Document):
    """A hängavtal by which one party joins an existing samverkansavtal."""

    genre: ClassVar[Genre] = "agreements"
    several_per_case: ClassVar[bool] = True

    kind: Literal["hangavtal"] = Field(title="Dokumentslag")
    agreement: MainAgreementField = Field(
        title="Huvudavtal",
        description="Samverkansavtalet som parten ansluter sig till.",
    )
    party: JoiningParty = Field(title="Ansluten part")
    joins_on: Day = Field(title="Anslutningsdatum", description="Dagen då parten blir part i huvudavtalet.")
    local_steering: LocalSteering = Field(title="Lokal styrgrupp")
    financing: JoiningFinancing = Field(title="Finansiering")
    decision: PoliticalDecision = Field(title="Politiskt beslut")
    steering_group_approval: MinutesReference | None = Field(None, title="Regionala styrgruppens godkännande")
    countersignatory: CounterSignatory | None = Field(
        None,
        title="Undertecknare för huvudavtalets parter",
        description="Standard när huvudavtalet anges som fil: värdkommunens undertecknare.",
    )
    electronic_signing: YesNo = Field(False, title="Elektronisk underskrift")
    attachments: list[Attachment] = Field(default_factory=list, title="Bilagor")

    @model_validator(mode="after")
    def _check_rules(self) -> Hangavtal:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        main = self.main
        joining = self.party
        for existing in main.parties:
            if existing.org_number == joining.org_number:
                problems.append(
                    (
                        ("party", "org_number"),
                        Message(
                            "{number} is already a party of the main agreement ({name}); a hängavtal is for a new party",
                            number=joining.org_number,
                            name=existing.name,
                        ),
                    )
                )
        period = main.period
        if not period.start <= self.joins_on <= period.end:
            problems.append(
                (
                    ("joins_on",),
                    Message(
                        "{day} is outside the main agreement's period, {start} to {end}",
                        day=self.joins_on,
                        start=period.start,
                        end=period.end,
                    ),
                )
            )
        if self.joins_on < self.decision.date:
            problems.append(
                (("joins_on",), Message("the party cannot join before its political decision of {day}", day=self.decision.date))
            )
        if self.decision.body is DecisionBody.NAMND and not self.decision.committee:
            problems.append(
                (("decision", "committee"), Message("name the committee (nämnd) that decided, e.g. barn- och utbildningsnämnden"))
            )
        full = self.full_agreement
        if self.financing.amount is None:
            if full is None:
                problems.append(
                    (("financing", "amount"), Message("give the yearly amount, or give the main agreement as a file so it can be computed"))
                )
            elif full.financing.model == "per_invanare" and joining.inhabitants is None:
                problems.append((("party", "inhabitants"), Message("needed: the main agreement shares costs per inhabitant")))
        if self.date < self.decision.date:
            problems.append(
                (("date",), Message("the new party cannot sign before its political decision of {day}", day=self.decision.date))
            )
        approval = self.steering_group_approval
        if approval is not None and approval.date > self.date:
            problems.append(
                (
                    ("steering_group_approval", "date"),
                    Message("the steering group must approve the accession before the hängavtal is signed ({day})", day=self.date),
                )
            )
        if self.financing.start < self.joins_on:
            problems.append(
                (("financing", "start"), Message("the party pays from the day it joins ({day}) at the earliest", day=self.joins_on))
            )
        if self.countersignatory is None and full is None:
            problems.append(
                (("countersignatory",), Message("name who signs for the main agreement's parties, or give the main agreement as a file"))
            )
        known_colleges = {name_key(name) for name in main.local_colleges or []}
        if main.local_colleges is not None and not self.local_steering.new and name_key(self.local_steering.name) not in known_colleges:
            known = ", ".join(main.local_colleges) or "–"
            problems.append(
                (
                    ("local_steering", "name"),
                    Message(
                        "'{name}' is not a local Teknikcollege of the main agreement (it has: {known}); set new: true to form a new one",
                        name=self.local_steering.name,
                        known=known,
                    ),
                )
            )
        if problems:
            raise RuleError(problems)
        return self

    @property
    def full_agreement(self) -> Samverkansavtal | None:
        """The main agreement itself, when it was given as a file or inline in full."""
        return self.agreement if isinstance(self.agreement, Samverkansavtal) else None

    @property
    def main(self) -> MainAgreement:
        """The main agreement's title, date, Dnr, period and parties, however it was given."""
        a = self.agreement
        if isinstance(a, Samverkansavtal):
            parties = [ExistingParty(name=p.name, org_number=p.org_number) for p in a.parties]
            colleges = [c.name for c in a.local_colleges]
            return MainAgreement(a.region, a.date, a.dnr, a.period, parties, colleges, a.host.name)
        return MainAgreement(a.region, a.date, a.dnr, a.period, list(a.parties), None, None)

    @property
    def region(self) -> str:
        return self.main.region

    @property
    def end(self) -> dt.date:
        """The last day the hängavtal is in force: the end of the main agreement's period."""
        return self.main.period.end

    def programme_count(self) -> int:
        """How many programmes the joining party brings, over all its school units."""
        return sum(len(unit.programmes) for unit in self.party.school_units)

    def yearly_share(self) -> Decimal:
        """The joining party's yearly share, given or computed by the main agreement's cost model."""
        if self.financing.amount is not None:
            return self.financing.amount
        full = self.full_agreement
        assert full is not None  # the rules require one or the other
        return full.financing.share(self.party.inhabitants)

    def first_year(self) -> FirstYear | None:
        """The share for the first calendar year, by whole months from the start, or None if paid in full."""
        start = self.financing.start
        if not self.financing.pro_rata:
            return None
        months = 13 - start.month if start.day == 1 else 12 - start.month
        if months >= 12:
            return None
        amount = (self.yearly_share() * months / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return FirstYear(start.year, months, amount)

    def host_signatory(self) -> Signatory | None:
        """Who signs for the main agreement's host municipality, when the main agreement is at hand."""
        full = self.full_agreement
        return full.host.signatory if full is not None else None

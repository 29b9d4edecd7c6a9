"""The samverkansavtal: the agreement that binds a Teknikcollege region's parties."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar, Literal, NamedTuple

from pydantic import Field, model_validator

from ..messages import Message
from .base import (
    Attachment,
    CertificationPeriod,
    Document,
    Genre,
    Line,
    Model,
    Money,
    Party,
    PartyType,
    Person,
    Prose,
    Region,
    RuleError,
    Signer,
    Text,
    duplicates,
    name_key,
)
from .education import EducationForm, Programme, SchoolUnit
from .text import YesNo

__all__ = [
    "Clause",
    "CostItem",
    "EducationForm",
    "Financing",
    "LocalCollege",
    "Programme",
    "Samverkansavtal",
    "SchoolUnit",
    "SteeringGroup",
]

SectionKey = Literal[
    "parter",
    "definitioner",
    "bakgrund",
    "syfte",
    "omfattning",
    "organisation",
    "ataganden",
    "finansiering",
    "uppfoljning",
    "personuppgifter",
    "avtalstid",
    "uppsagning",
    "andringar",
    "tvist",
    "exemplar",
]
SECTION_KEYS: tuple[str, ...] = SectionKey.__args__  # type: ignore[attr-defined]


class AgreementParty(Party):
    """A party to the samverkansavtal, with what it brings to the region."""

    host: YesNo = Field(
        False,
        title="Värdkommun",
        description="Den kommun som anställer processledaren och sköter ekonomin.",
    )
    inhabitants: int | None = Field(
        None, ge=1, le=10_000_000, title="Antal invånare", description="Krävs när kostnaden fördelas per invånare."
    )
    fixed_share: Money | None = Field(
        None,
        title="Fast årlig andel",
        description="Ett fast belopp per år som ersätter kostnadsmodellen för just denna part.",
    )
    school_units: list[SchoolUnit] = Field(
        default_factory=list,
        max_length=50,
        title="Skolenheter",
        description="Partens skolenheter med Teknikcollege-certifierade eller sökta utbildningar; parten är deras huvudman.",
    )


class LocalCollege(Model):
    """A local Teknikcollege: nearby parties working under one local steering group."""

    name: Line = Field(title="Namn", description="Till exempel Teknikcollege Nordvik.")
    parties: list[Line] = Field(min_length=1, max_length=100, title="Parter", description="Parternas namn.")


class SteeringGroup(Model):
    """How the regional steering group is made up and how often it meets.

    Each party appoints the same number of members; industry has its own seats, and a few
    may go to others (a union, Arbetsförmedlingen). The handbook wants industry in the
    majority, so its seats must outnumber all the others together.
    """

    seats_per_party: int = Field(1, ge=1, le=5, title="Ledamöter per part", description="Hur många ledamöter varje part utser.")
    industry_seats: int | None = Field(
        None, ge=1, le=100, title="Platser för näringslivet", description="Företrädare för företagen; de ska vara i majoritet."
    )
    other_seats: int = Field(
        0, ge=0, le=20, title="Övriga platser", description="Till exempel för fackliga organisationer eller Arbetsförmedlingen."
    )
    meetings_per_year: int = Field(4, ge=1, le=12, title="Möten per år")
    chair: Person | None = Field(None, title="Ordförande", description="Företrädare för näringslivet.")

    def party_seats(self, parties: int) -> int:
        """The seats the parties appoint between them."""
        return self.seats_per_party * parties


class CostItem(Model):
    """One thing the common costs pay for, with its yearly amount."""

    title: Line = Field(title="Post", description="Till exempel Processledare, 50 procent av en heltid.")
    amount: Money = Field(title="Belopp per år")


class Financing(Model):
    """How the parties share the region's costs, and what the costs pay for."""

    model: Literal["fast", "per_invanare"] = Field(
        title="Kostnadsmodell",
        description="Samma belopp för varje part och år, eller ett belopp per invånare och år.",
    )
    amount: Money = Field(title="Belopp", description="Kronor per part och år, eller per invånare och år.")
    rts_fee: Money | None = Field(None, title="Medlemsavgift till RTS", description="Årlig avgift som värdkommunen betalar.")
    marketing: Money | None = Field(None, title="Gemensam marknadsföring", description="Budget per år.")
    costs: list[CostItem] = Field(
        default_factory=list,
        max_length=30,
        title="Övriga gemensamma kostnader",
        description="Vad andelarna i övrigt betalar; med medlemsavgiften och marknadsföringen blir posterna summan av andelarna.",
    )
    invoice_month: int = Field(3, ge=1, le=12, title="Faktureringsmånad", description="1–12.")

    def share(self, inhabitants: int | None, fixed: Decimal | None = None) -> Decimal:
        """One party's yearly share: *fixed* if it pays a fixed amount, else by the cost model, in whole
        kronor when shared per inhabitant. The one place the cost model is computed."""
        if fixed is not None:
            return fixed
        if self.model == "fast":
            return self.amount
        return (self.amount * (inhabitants or 0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    def budget(self) -> list[CostItem]:
        """Everything the common costs pay for, the membership fee and the marketing first."""
        named = [
            CostItem(title=title, amount=amount)
            for title, amount in (("Medlemsavgift till RTS", self.rts_fee), ("Gemensam marknadsföring", self.marketing))
            if amount is not None
        ]
        return [*named, *self.costs]


class Clause(Model):
    """An extra clause written into the agreement after a given section."""

    title: Line = Field(title="Rubrik")
    text: Prose = Field(title="Text", description="Stycken skiljs åt med en tom rad.")
    after: SectionKey = Field(title="Placeras efter", description="Nyckeln för den paragraf den följer.")


class Section(NamedTuple):
    """One numbered section of the agreement as the wording template lays it out."""

    number: int
    key: str
    clause: Clause | None


class CostShare(NamedTuple):
    """One party's yearly share of the common costs."""

    party: str
    amount: Decimal


class Samverkansavtal(Document):
    """A samverkansavtal between at least three municipalities of a Teknikcollege region."""

    genre: ClassVar[Genre] = "agreements"
    step: ClassVar[int] = 2
    MIN_MUNICIPALITIES: ClassVar[int] = 3

    kind: Literal["samverkansavtal"] = Field(title="Dokumentslag")
    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege', t.ex. Nordvik.")
    version: Line | None = Field(None, max_length=40, title="Version", description="Till exempel 1.0 eller Remissversion.")
    period: CertificationPeriod = Field(title="Certifieringsperiod")
    parties: list[AgreementParty] = Field(
        min_length=3, max_length=100, title="Parter", description="Minst tre kommuner, och eventuellt andra huvudmän."
    )
    local_colleges: list[LocalCollege] = Field(default_factory=list, title="Lokala Teknikcollege")
    steering_group: SteeringGroup = Field(default_factory=lambda: SteeringGroup(), title="Regional styrgrupp")
    process_leader: Person = Field(title="Regional processledare")
    financing: Financing = Field(title="Finansiering")
    notice_months: int = Field(12, ge=1, le=36, title="Uppsägningstid i månader")
    electronic_signing: YesNo = Field(False, title="Elektronisk underskrift")
    copies: int | None = Field(
        None, ge=1, le=100, title="Antal exemplar", description="Standard: ett per part. Gäller inte elektronisk underskrift."
    )
    goals: list[Text] = Field(default_factory=list, max_length=50, title="Regionala mål", description="Läggs till i paragrafen om syfte.")
    clauses: list[Clause] = Field(default_factory=list, title="Tilläggsklausuler")
    attachments: list[Attachment] = Field(default_factory=list, title="Bilagor")

    @model_validator(mode="after")
    def _check_rules(self) -> Samverkansavtal:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        municipalities = [p for p in self.parties if p.type is PartyType.KOMMUN]
        if len(municipalities) < self.MIN_MUNICIPALITIES:
            problems.append(
                (
                    ("parties",),
                    Message(
                        "a Teknikcollege region needs at least {needed} municipalities (type: kommun); this agreement has {found}",
                        needed=self.MIN_MUNICIPALITIES,
                        found=len(municipalities),
                    ),
                )
            )
        for number in duplicates(p.org_number for p in self.parties):
            index = max(i for i, p in enumerate(self.parties) if p.org_number == number)
            problems.append(((("parties", index, "org_number")), Message("{number} is already another party's number", number=number)))
        for key in duplicates(name_key(p.name) for p in self.parties):
            index = max(i for i, p in enumerate(self.parties) if name_key(p.name) == key)
            problems.append(((("parties", index, "name")), Message("two parties are both called '{name}'", name=self.parties[index].name)))
        hosts = [i for i, p in enumerate(self.parties) if p.host]
        if len(hosts) != 1:
            problems.append(
                (("parties",), Message("exactly one party must be the host municipality (host: true); found {count}", count=len(hosts)))
            )
        for index in hosts:
            if self.parties[index].type is not PartyType.KOMMUN:
                problems.append((("parties", index, "host"), Message("the host must be a municipality (type: kommun)")))
        if self.financing.model == "per_invanare":
            for index, party in enumerate(self.parties):
                if party.inhabitants is None and party.fixed_share is None:
                    problems.append(
                        (("parties", index, "inhabitants"), Message("needed when costs are shared per inhabitant (or give fixed_share)"))
                    )
        names = {name_key(p.name) for p in self.parties}
        for c_index, college in enumerate(self.local_colleges):
            for p_index, name in enumerate(college.parties):
                if name_key(name) not in names:
                    problems.append(
                        (
                            ("local_colleges", c_index, "parties", p_index),
                            Message("'{name}' is not one of the agreement's parties", name=name),
                        )
                    )
        if self.electronic_signing and self.copies is not None:
            problems.append((("copies",), Message("leave out copies when the agreement is signed electronically")))
        group = self.steering_group
        if group.industry_seats is not None:
            others = group.party_seats(len(self.parties)) + group.other_seats
            if group.industry_seats <= others:
                problems.append(
                    (
                        ("steering_group", "industry_seats"),
                        Message(
                            "industry must be in the majority of the steering group: {industry} seats against {others} for the "
                            "parties and others; give industry at least {needed}",
                            industry=group.industry_seats,
                            others=others,
                            needed=others + 1,
                        ),
                    )
                )
        budget = self.financing.budget()
        if self.financing.costs and sum(item.amount for item in budget) != self.cost_total():
            problems.append(
                (
                    ("financing", "costs"),
                    Message(
                        "what the common costs pay for adds up to {budget} kr, but the parties' shares to {total} kr; make them agree",
                        budget=sum(item.amount for item in budget),
                        total=self.cost_total(),
                    ),
                )
            )
        if problems:
            raise RuleError(problems)
        return self

    def warnings(self) -> list[tuple[tuple[str | int, ...], str]]:
        if self.period.start < self.date:
            # A period that has begun before its agreement is dated is most often a wrong year or a date typed backwards.
            start, day = self.period.start, self.date
            return [
                (
                    ("period", "start"),
                    Message("the certification period starts on {start}, before the agreement's date ({day})", start=start, day=day),
                )
            ]
        return []

    @property
    def host(self) -> AgreementParty:
        """The host municipality (värdkommun)."""
        return next(p for p in self.parties if p.host)

    @property
    def municipalities(self) -> list[AgreementParty]:
        return [p for p in self.parties if p.type is PartyType.KOMMUN]

    @property
    def copy_count(self) -> int:
        return self.copies if self.copies is not None else len(self.parties)

    def signers(self) -> list[Signer]:
        """One signature block per party, in the order the parties are listed."""
        return [party.signer() for party in self.parties]

    def sections(self) -> list[Section]:
        """The agreement's sections in order, extra clauses in place, numbered from 1."""
        keyed: list[tuple[str, Clause | None]] = []
        for key in SECTION_KEYS:
            keyed.append((key, None))
            keyed.extend(("klausul", clause) for clause in self.clauses if clause.after == key)
        return [Section(number, key, clause) for number, (key, clause) in enumerate(keyed, start=1)]

    def section_numbers(self) -> dict[str, int]:
        """The § number of each standard section, for cross-references in the wording."""
        return {s.key: s.number for s in self.sections() if s.clause is None}

    def cost_shares(self) -> list[CostShare]:
        """Each party's yearly share, in whole kronor when shared per inhabitant."""
        return [CostShare(p.name, self.financing.share(p.inhabitants, p.fixed_share)) for p in self.parties]

    def cost_total(self) -> Decimal:
        return sum((share.amount for share in self.cost_shares()), Decimal(0))

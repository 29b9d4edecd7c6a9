"""The ansökan: a region applies to RTS for certification or re-certification, after its steering group approves.

The ansökan names the samverkansavtal for the certification period by its file, and
takes from it what the agreement already says: the region, the host municipality, the
parties and their school units and programmes, the steering group's chair, the processledare
and the financing. What the ansökan adds is the region's own account: its situation,
vision and goals, each of the eight criteria, its steering groups, the programmes it
applies for with the companies that take part, and its quality work.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BeforeValidator, Field, model_validator

from ..messages import N_, Message
from .base import (
    Attachment,
    Day,
    Document,
    Genre,
    Line,
    MinutesReference,
    Model,
    OrganisationNumber,
    Person,
    Prose,
    RoadDate,
    RuleError,
    Signatory,
    Text,
    duplicates,
    name_key,
)
from .case import Case, CaseType, ReviewedSchool
from .criteria import CRITERIA, CRITERIA_KEYS, Criterion, criteria_problems, keyed_by_criterion
from .education import Programme, SchoolUnit
from .references import loader_for
from .samverkansavtal import AgreementParty, Samverkansavtal
from .styrgruppsprotokoll import Member

__all__ = ["Account", "Ansokan", "AppliedProgramme", "Company", "LocalGroup"]

EVERY_ACCOUNTED = N_("an application for the whole region gives an account of every criterion; missing: {names}")

REQUIRED_ANNEXES: tuple[tuple[str, str], ...] = (
    ("självskattning", N_("the self-assessment (självskattning)")),
    ("handlingsplan", N_("the action plan (handlingsplan)")),
    ("verksamhetsplan", N_("the operational plan (verksamhetsplan)")),
    ("kontaktlista", N_("the contact list (kontaktlista)")),
)
"""What the handbook asks a whole region's application to attach besides the samverkansavtal:
a word each attachment's title has, and how a warning names it."""


class Account(Model):
    """The region's account of one criterion: where it stands, where it is going, how, and what shows it."""

    current: Prose = Field(title="Nuläge", description="Stycken skiljs åt med en tom rad.")
    goals: list[Text] = Field(default_factory=list, max_length=50, title="Mål")
    activities: list[Text] = Field(default_factory=list, max_length=50, title="Aktiviteter")
    evidence: list[Text] = Field(
        default_factory=list, max_length=50, title="Belägg", description="Till exempel protokoll, enkätresultat eller avsiktsförklaringar."
    )


class LocalGroup(Model):
    """A local Teknikcollege's steering group and its members."""

    name: Line = Field(title="Lokalt Teknikcollege", description="Som i samverkansavtalet, t.ex. Teknikcollege Nordvik–Åsby.")
    members: list[Member] = Field(min_length=2, max_length=100, title="Ledamöter")


class AppliedProgramme(Model):
    """A programme the application covers, as the samverkansavtal names it, with the companies that take part."""

    school_unit: Line = Field(title="Skolenhet", description="Skolenhetens namn, som i samverkansavtalet.")
    programme: Line = Field(title="Utbildning", description="Som i samverkansavtalet.")
    tracks: list[Line] = Field(
        default_factory=list, max_length=50, title="Inriktningar", description="Utelämnas för alla inriktningar i samverkansavtalet."
    )
    places: int | None = Field(None, ge=1, le=10_000, title="Platser per år")
    companies: list[Line] = Field(
        min_length=1,
        max_length=200,
        title="Företag i arbetsplatsförlagt lärande",
        description="Företag som tar emot elever i apl eller studerande i LIA.",
    )


class Company(Model):
    """A company that works with the region, with the date of its letter of intent."""

    name: Line = Field(title="Företag")
    org_number: OrganisationNumber | None = Field(None, title="Organisationsnummer")
    letter_of_intent: Day | None = Field(None, title="Avsiktsförklaring", description="Dagen avsiktsförklaringen skrevs under.")


class Applicant(NamedTuple):
    """A school unit the application covers, with the party that is its huvudman."""

    school_unit: SchoolUnit
    party: AgreementParty


class AppliedRow(NamedTuple):
    """One applied programme as the application lists it: the agreement's programme, the tracks applied for."""

    applied: AppliedProgramme
    programme: Programme
    tracks: list[str]


class CriterionAccount(NamedTuple):
    """A criterion and the region's account of it, if the application gives one."""

    criterion: Criterion
    account: Account | None


class Ansokan(Document):
    """An application for certification or re-certification, approved by the regional steering group."""

    genre: ClassVar[Genre] = "letters"
    step: ClassVar[int] = 6

    kind: Literal["ansokan"] = Field(title="Dokumentslag")
    type: CaseType = Field(title="Ansökan avser")
    agreement: Annotated[Samverkansavtal, BeforeValidator(loader_for(Samverkansavtal, "agreement"))] = Field(
        title="Samverkansavtal",
        description="Samverkansavtalet för certifieringsperioden.",
    )
    contacts: list[Person] = Field(
        default_factory=list, max_length=50, title="Kontaktpersoner", description="Utöver den regionala processledaren."
    )
    summary: Prose | None = Field(None, title="Sammanfattning", description="Krävs för en ny region och vid återcertifiering.")
    current_situation: Prose | None = Field(
        None, title="Nulägesbeskrivning", description="Krävs för en ny region och vid återcertifiering."
    )
    vision: Prose | None = Field(None, title="Vision och mål", description="Krävs för en ny region och vid återcertifiering.")
    criteria: Annotated[dict[str, Account], BeforeValidator(keyed_by_criterion)] = Field(
        default_factory=dict,
        title="Redogörelse per kriterium",
        description="Nuläge, mål, aktiviteter och belägg för varje kriterium; alla åtta för en ny region och vid återcertifiering.",
        json_schema_extra=CRITERIA_KEYS,
    )
    steering_group: list[Member] = Field(
        default_factory=list, max_length=100, title="Regional styrgrupp", description="Ledamöterna; företagen ska vara i majoritet."
    )
    local_groups: list[LocalGroup] = Field(default_factory=list, max_length=50, title="Lokala styrgrupper")
    programmes: list[AppliedProgramme] = Field(min_length=1, max_length=200, title="Utbildningar som söks")
    companies: list[Company] = Field(default_factory=list, max_length=500, title="Samverkande företag")
    financing: Prose | None = Field(
        None, title="Finansiering", description="Utöver kostnadsfördelningen i samverkansavtalet, t.ex. andra medel för perioden."
    )
    quality: Prose = Field(title="Kvalitetssäkring och uppföljning", description="Stycken skiljs åt med en tom rad.")
    approval: MinutesReference = Field(title="Regionala styrgruppens godkännande")
    chair: Signatory | None = Field(
        None, title="Regionala styrgruppens ordförande", description="Standard: ordföranden som samverkansavtalet anger."
    )
    attachments: list[Attachment] = Field(
        default_factory=list, max_length=50, title="Övriga bilagor", description="Samverkansavtalet blir bilaga 1 av sig självt."
    )

    @model_validator(mode="after")
    def _check_rules(self) -> Ansokan:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        agreement = self.agreement
        if self.approval.date > self.date:
            problems.append(
                (("approval", "date"), Message("the steering group must approve the application before it is sent ({day})", day=self.date))
            )
        if agreement.date > self.date:
            problems.append((("agreement",), Message("the samverkansavtal is dated {day}, after the application", day=agreement.date)))
        whole = self.type.whole_region
        if whole:
            for field in ("summary", "current_situation", "vision"):
                if getattr(self, field) is None:
                    problems.append(
                        ((field,), Message("needed in an application for the whole region (a new region or a re-certification)"))
                    )
            if not self.steering_group:
                problems.append((("steering_group",), Message("name the regional steering group's members")))
        problems += criteria_problems(self.criteria, "criteria", every=whole, missing_message=EVERY_ACCOUNTED)
        for path, members in [(("steering_group",), self.steering_group)] + [
            (("local_groups", index, "members"), group.members) for index, group in enumerate(self.local_groups)
        ]:
            companies = sum(1 for member in members if member.company)
            if members and companies * 2 <= len(members):
                problems.append(
                    (
                        path,
                        Message(
                            "a Teknikcollege steering group has a majority from industry; {companies} of its {count} members represent "
                            "a company",
                            companies=companies,
                            count=len(members),
                        ),
                    )
                )
            for m_index, member in enumerate(members):
                if member.chairs and not member.company:
                    problems.append(
                        (
                            (*path, m_index, "company"),
                            Message("the chair of a Teknikcollege steering group comes from industry; {name} does not", name=member.name),
                        )
                    )
        colleges = {name_key(college.name) for college in agreement.local_colleges}
        for index, group in enumerate(self.local_groups):
            if colleges and name_key(group.name) not in colleges:
                known = ", ".join(college.name for college in agreement.local_colleges)
                problems.append(
                    (
                        ("local_groups", index, "name"),
                        Message(
                            "'{name}' is not a local Teknikcollege of the samverkansavtal (it has: {known})", name=group.name, known=known
                        ),
                    )
                )
        problems += self._programme_problems()
        for index, company in enumerate(self.companies):
            if company.letter_of_intent is not None and company.letter_of_intent > self.date:
                problems.append(
                    (
                        ("companies", index, "letter_of_intent"),
                        Message(
                            "the letter of intent is dated {day}, after the application of {date}; an application cites what exists",
                            day=company.letter_of_intent,
                            date=self.date,
                        ),
                    )
                )
        if self.chair is None and agreement.steering_group.chair is None:
            problems.append((("chair",), Message("name the steering group's chair, who signs; the samverkansavtal names none")))
        if problems:
            raise RuleError(problems)
        return self

    def _programme_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        units = {name_key(a.school_unit.name): a.school_unit for a in self._agreement_units()}
        for index, applied in enumerate(self.programmes):
            unit = units.get(name_key(applied.school_unit))
            if unit is None:
                known = ", ".join(a.school_unit.name for a in self._agreement_units())
                problems.append(
                    (
                        ("programmes", index, "school_unit"),
                        Message(
                            "'{name}' is not a school unit of the samverkansavtal (it has: {known})",
                            name=applied.school_unit,
                            known=known,
                        ),
                    )
                )
                continue
            programme = next((p for p in unit.programmes if name_key(p.name) == name_key(applied.programme)), None)
            if programme is None:
                known = ", ".join(p.name for p in unit.programmes)
                problems.append(
                    (
                        ("programmes", index, "programme"),
                        Message(
                            "{school} has no {programme} in the samverkansavtal (it has: {known})",
                            school=unit.name,
                            programme=applied.programme,
                            known=known,
                        ),
                    )
                )
                continue
            tracks = {name_key(track) for track in programme.tracks}
            for t_index, track in enumerate(applied.tracks):
                if tracks and name_key(track) not in tracks:
                    problems.append(
                        (
                            ("programmes", index, "tracks", t_index),
                            Message(
                                "{programme} at {school} has no track '{track}' in the samverkansavtal (it has: {known})",
                                programme=programme.name,
                                school=unit.name,
                                track=track,
                                known=", ".join(programme.tracks),
                            ),
                        )
                    )
        keys = [f"{name_key(p.school_unit)}/{name_key(p.programme)}" for p in self.programmes]
        for key in duplicates(keys):
            index = max(i for i, k in enumerate(keys) if k == key)
            problems.append((("programmes", index), Message("this programme is already listed above")))
        return problems

    def warnings(self) -> list[tuple[tuple[str | int, ...], str]]:
        found: list[tuple[tuple[str | int, ...], str]] = []
        years = self.agreement.period.years
        expected = 5 if self.type is CaseType.ATERCERTIFIERING else 3
        if self.type.whole_region and years != expected:
            found.append(
                (
                    ("agreement",),
                    Message(
                        "the samverkansavtal runs for {years} years, but a {case} is for {expected} years",
                        years=years,
                        case=Message("re-certification") if self.type is CaseType.ATERCERTIFIERING else Message("first certification"),
                        expected=expected,
                    ),
                )
            )
        if self.type.whole_region:
            titles = " ".join(attachment.title.casefold() for attachment in self.attachments)
            for word, name in REQUIRED_ANNEXES:
                if word not in titles:
                    found.append((("attachments",), Message("the handbook asks the application to attach {annex}", annex=Message(name))))
        return found

    @property
    def region(self) -> str:
        return self.agreement.region

    def road_dates(self) -> list[RoadDate]:
        return [RoadDate(5, self.approval.date, ("approval", "date")), RoadDate(6, self.date, ("date",))]

    def _agreement_units(self) -> list[Applicant]:
        return [Applicant(unit, party) for party in self.agreement.parties for unit in party.school_units]

    def applicants(self) -> list[Applicant]:
        """The school units whose programmes the application covers, with their huvudmän, in the agreement's order."""
        named = {name_key(applied.school_unit) for applied in self.programmes}
        return [a for a in self._agreement_units() if name_key(a.school_unit.name) in named]

    def applied(self) -> list[AppliedRow]:
        """Each applied programme with the agreement's programme and the tracks applied for."""
        units = {name_key(a.school_unit.name): a.school_unit for a in self._agreement_units()}
        rows = []
        for applied in self.programmes:
            unit = units[name_key(applied.school_unit)]
            programme = next(p for p in unit.programmes if name_key(p.name) == name_key(applied.programme))
            rows.append(AppliedRow(applied, programme, list(applied.tracks) or list(programme.tracks)))
        return rows

    def accounts(self) -> list[CriterionAccount]:
        """The eight criteria in order, each with the application's account of it, if any."""
        return [CriterionAccount(c, self.criteria.get(c.key)) for c in CRITERIA]

    def case(self) -> Case:
        """The case the application opens, in the terms a granskningsprotokoll and a beslut use."""
        reviewed: dict[str, ReviewedSchool] = {}
        for row in self.applied():
            key = name_key(row.applied.school_unit)
            programme = Programme(name=row.programme.name, tracks=row.tracks, form=row.programme.form)
            if key in reviewed:
                previous = reviewed[key]
                reviewed[key] = previous.model_copy(update={"programmes": [*previous.programmes, programme]})
            else:
                unit, party = next((a.school_unit, a.party) for a in self._agreement_units() if name_key(a.school_unit.name) == key)
                reviewed[key] = ReviewedSchool(
                    name=unit.name, code=unit.code, principal=party.name, org_number=party.org_number, programmes=[programme]
                )
        return Case(type=self.type, region=self.region, school_units=list(reviewed.values()))

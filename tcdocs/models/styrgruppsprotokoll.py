"""The minutes of a regional or local steering group, kept by the processledare."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal, NamedTuple

from pydantic import Field, model_validator

from ..errors import UsageError
from ..messages import Message
from .base import Day, Document, Genre, Line, Model, RuleError, Text, duplicates, name_key
from .text import Prose, Region, YesNo

__all__ = ["Action", "Item", "Member", "NextMeeting", "Paragraph", "StandardItem", "Styrgruppsprotokoll"]

StandardItem = Literal["oppnande", "justerare", "dagordning", "foregaende", "nasta_mote", "avslutande"]
OPENING: tuple[str, ...] = ("oppnande", "justerare", "dagordning", "foregaende")
CLOSING: tuple[str, ...] = ("nasta_mote", "avslutande")


class Member(Model):
    """Someone on the attendance list, with the organisation they represent."""

    name: Line = Field(title="Namn")
    organisation: Line = Field(title="Organisation")
    company: YesNo = Field(False, title="Företrädare för näringslivet", description="Kryssa i för den som företräder ett företag.")
    role: Line | None = Field(None, title="Roll", description="Till exempel ordförande, rektor eller facklig företrädare.")
    party: Line | None = Field(
        None, title="Utsedd av", description="Den part i samverkansavtalet som har utsett ledamoten, t.ex. Åsby kommun."
    )

    @property
    def chairs(self) -> bool:
        """Whether the member chairs the group: the role is "ordförande" (not "ordförande i en nämnd")."""
        return " ".join((self.role or "").casefold().split()) == "ordförande"


class Action(Model):
    """One decision of an item, written as an "att ..." clause."""

    text: Text = Field(title="Beslut", description="Skrivs efter 'att', t.ex. 'godkänna verksamhetsplanen för 2027'.")
    owner: Line | None = Field(None, title="Ansvarig")
    deadline: Day | None = Field(None, title="Klart senast")


class Item(Model):
    """One item (§) of the meeting: its title, what was said and what was decided."""

    title: Line | None = Field(None, title="Rubrik", description="Krävs utom för standardpunkterna.")
    standard: StandardItem | None = Field(
        None,
        title="Standardpunkt",
        description="En av mötets stående punkter, till exempel mötets öppnande; ersätter den ifyllda punkten.",
    )
    dnr: Line | None = Field(None, title="Diarienummer")
    text: Prose | None = Field(None, title="Text", description="Stycken skiljs åt med en tom rad.")
    decisions: list[Action] = Field(default_factory=list, title="Beslut")


class NextMeeting(Model):
    """When and where the group meets next."""

    date: Day = Field(title="Datum")
    start: dt.time | None = Field(None, title="Klockan")
    place: Line | None = Field(None, title="Plats")


class Paragraph(NamedTuple):
    """One numbered § as the minutes lay it out: a standard item (*key*) is worded by the template."""

    number: int
    key: str | None
    item: Item | None


class Styrgruppsprotokoll(Document):
    """Minutes of a meeting of the regional or a local steering group."""

    genre: ClassVar[Genre] = "protocols"
    several_per_case: ClassVar[bool] = True
    MAX_ADJUSTERS: ClassVar[int] = 2

    kind: Literal["styrgruppsprotokoll"] = Field(title="Dokumentslag")
    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    local_college: Line | None = Field(
        None, title="Lokalt Teknikcollege", description="Anges för en lokal styrgrupp; utelämnas för den regionala."
    )
    number: int = Field(ge=1, le=999, title="Protokollnummer", description="Årets löpnummer; skrivs N/ÅÅÅÅ.")
    start: dt.time = Field(title="Klockan, början")
    end: dt.time | None = Field(None, title="Klockan, slut")
    place: Line = Field(title="Plats", description="Till exempel Nordviksgymnasiet, sal 2, eller Teams.")
    present: list[Member] = Field(min_length=2, max_length=200, title="Närvarande")
    absent: list[Member] = Field(default_factory=list, title="Anmält förhinder")
    co_opted: list[Member] = Field(default_factory=list, title="Adjungerade och övriga")
    chair: Line = Field(title="Ordförande", description="Namnet på en närvarande företrädare för näringslivet.")
    secretary: Line = Field(
        title="Sekreterare", description="Oftast processledaren, som står bland övriga närvarande och inte är ledamot."
    )
    adjusters: list[Line] = Field(min_length=1, max_length=2, title="Justerare", description="En eller två närvarande utöver ordföranden.")
    adjusted: Day | None = Field(
        None, title="Justerat", description="Dagen då ordföranden och justerarna justerade protokollet; tomt om det inte är justerat än."
    )
    adjustment_place: Line | None = Field(None, title="Justeringens plats", description="Till exempel Nordvik, eller digital justering.")
    first_paragraph: int = Field(
        1, ge=1, le=9999, title="Första paragraf", description="Numreringen fortsätter från årets tidigare protokoll."
    )
    items: list[Item] = Field(min_length=1, max_length=500, title="Paragrafer")
    next_meeting: NextMeeting | None = Field(None, title="Nästa möte")
    extract: int | None = Field(
        None, ge=1, le=9999, title="Utdrag av paragraf", description="Ger ett protokollsutdrag med endast denna paragraf."
    )

    @model_validator(mode="after")
    def _check_rules(self) -> Styrgruppsprotokoll:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        present = {name_key(m.name): m for m in self.present}
        chair = present.get(name_key(self.chair))
        if chair is None:
            problems.append((("chair",), Message("'{name}' is not on the list of those present", name=self.chair)))
        elif not chair.company:
            problems.append(
                (
                    ("chair",),
                    Message(
                        "the chair of a Teknikcollege steering group comes from industry; {name} is not marked company: true",
                        name=chair.name,
                    ),
                )
            )
        if name_key(self.secretary) not in present and self.member(self.secretary) is None:
            problems.append((("secretary",), Message("'{name}' is neither present nor co-opted", name=self.secretary)))
        for index, name in enumerate(self.adjusters):
            if name_key(name) not in present:
                problems.append(
                    (("adjusters", index), Message("'{name}' was not present and cannot check (justera) the minutes", name=name))
                )
            elif name_key(name) == name_key(self.chair):
                problems.append((("adjusters", index), Message("the chair checks the minutes anyway; choose someone else")))
        for name in duplicates(name_key(m.name) for m in self.present):
            problems.append((("present",), Message("'{name}' is listed twice", name=name)))
        seen: set[str] = set()
        for index, item in enumerate(self.items):
            if item.standard is None and item.title is None:
                problems.append((("items", index, "title"), Message("an item needs a title (or standard: for a standard item)")))
            if item.standard is not None:
                if item.standard in seen:
                    problems.append((("items", index, "standard"), Message("the standard item {item} appears twice", item=item.standard)))
                seen.add(item.standard)
        if self.adjusted is not None and self.adjusted < self.date:
            problems.append((("adjusted",), Message("the minutes cannot be checked before the meeting of {day}", day=self.date)))
        if self.extract is not None and self.extract not in self.numbers():
            problems.append((("extract",), self._unknown_paragraph(self.extract)))
        if problems:
            raise RuleError(problems)
        return self

    def warnings(self) -> list[tuple[tuple[str | int, ...], str]]:
        present = [name_key(m.name) for m in self.present]
        if name_key(self.secretary) in present:
            return [
                (
                    ("secretary",),
                    Message(
                        "{name} keeps the minutes and is listed as a member; a secretary such as the processledare stands "
                        "among the others present",
                        name=self.secretary,
                    ),
                )
            ]
        return []

    @property
    def protocol_number(self) -> str:
        return f"{self.number}/{self.date.year}"

    def paragraphs(self) -> list[Paragraph]:
        """Every § in order, standard items filled in where the data leaves them out, numbered on."""
        given: dict[str, Item] = {item.standard: item for item in self.items if item.standard is not None}
        ordered: list[tuple[str | None, Item | None]] = [(key, given.get(key)) for key in OPENING]
        ordered += [(None, item) for item in self.items if item.standard is None]
        ordered += [(key, given.get(key)) for key in CLOSING]
        result = []
        for number, (key, item) in enumerate(ordered, start=self.first_paragraph):
            result.append(Paragraph(number, key, item))
        return result

    def numbers(self) -> list[int]:
        return [p.number for p in self.paragraphs()]

    def _unknown_paragraph(self, number: int) -> Message:
        numbers = self.numbers()
        return Message(
            "§ {number} is not in protocol {protocol}; its paragraphs are § {first}–{last}",
            number=number,
            protocol=self.protocol_number,
            first=numbers[0],
            last=numbers[-1],
        )

    def with_extract(self, number: int) -> Styrgruppsprotokoll:
        """The same minutes as a protokollsutdrag of § *number*; raise :class:`UsageError` if there is no such §."""
        if number not in self.numbers():
            raise UsageError(self._unknown_paragraph(number))
        return self.model_copy(update={"extract": number})

    def shown(self) -> list[Paragraph]:
        """The paragraphs the document shows: all of them, or the one an extract is of."""
        return [p for p in self.paragraphs() if self.extract is None or p.number == self.extract]

    def role(self, name: str) -> str | None:
        """The meeting role of the person called *name*: chair, secretary, adjuster, or None."""
        key = name_key(name)
        if key == name_key(self.chair):
            return "chair"
        if key == name_key(self.secretary):
            return "secretary"
        return "adjuster" if key in {name_key(a) for a in self.adjusters} else None

    def absent_lines(self) -> list[str]:
        """Those who sent apologies, each with the organisation in brackets."""
        return [f"{m.name} ({m.organisation})" for m in self.absent]

    def member(self, name: str) -> Member | None:
        key = name_key(name)
        return next((m for m in [*self.present, *self.co_opted] if name_key(m.name) == key), None)

    def organisation(self, name: str) -> str:
        """The organisation of the person called *name*, or nothing if they are not listed."""
        member = self.member(name)
        return member.organisation if member else ""

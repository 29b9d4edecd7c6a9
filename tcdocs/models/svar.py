"""The svar på protokoll: the region answers every supplement a granskningsprotokoll asks for, in one document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

from ..messages import Message
from .base import (
    Attachment,
    Day,
    Document,
    Genre,
    Line,
    MinutesReference,
    Model,
    Person,
    Prose,
    Region,
    RuleError,
    Signatory,
    Text,
    add_months,
)
from .granskningsprotokoll import Granskningsprotokoll
from .references import REFERENCE_TAG, document_tag, loader_for, shape_of

__all__ = ["Answer", "Requests", "RequestsReference", "Svar"]


class RequestsReference(Model):
    """The granskningsprotokoll written out by hand: what the answer needs of it."""

    region: Region = Field(title="Region", description="Regionens namn utan 'Teknikcollege'.")
    dnr: Line = Field(title="Protokollets diarienummer")
    date: Day = Field(title="Protokollets datum")
    sent: Day | None = Field(None, title="Protokollet skickat", description="Standard: protokollets datum.")
    visit_date: Day = Field(title="Granskningsbesökets datum")
    supplements: list[Text] = Field(min_length=1, max_length=100, title="Begärda kompletteringar", description="I protokollets ordning.")
    supplements_due: Day | None = Field(
        None, title="Kompletteringar senast", description="Standard: tre månader efter att protokollet skickats."
    )


ProtocolField = Annotated[
    Annotated[Granskningsprotokoll, Tag(document_tag(Granskningsprotokoll))] | Annotated[RequestsReference, Tag(REFERENCE_TAG)],
    Discriminator(shape_of(Granskningsprotokoll)),
    BeforeValidator(loader_for(Granskningsprotokoll, "protocol")),
]


class Answer(Model):
    """The region's answer to one numbered request of the protocol."""

    request: int = Field(ge=1, le=100, title="Begärd komplettering nr", description="Numret i protokollets lista, från 1.")
    answer: Prose = Field(title="Svar", description="Stycken skiljs åt med en tom rad.")
    attachments: list[Text] = Field(
        default_factory=list, max_length=20, title="Bilagor", description="Rubrikerna på de bilagor som hör till svaret."
    )


class Requests(NamedTuple):
    """What the answer needs to know about the protocol, however it was given."""

    region: str
    dnr: str
    date: dt.date
    sent: dt.date
    visit_date: dt.date
    supplements: list[str]
    due: dt.date
    process_leader: Person | None


class AnsweredRequest(NamedTuple):
    """One request of the protocol with the region's answer and the numbers of its bilagor."""

    number: int
    request: str
    answer: Answer
    attachments: list[int]


class Svar(Document):
    """The region's answer to a granskningsprotokoll: every requested supplement, signed by the steering group's chair."""

    genre: ClassVar[Genre] = "letters"
    step: ClassVar[int] = 10

    kind: Literal["svar"] = Field(title="Dokumentslag")
    protocol: ProtocolField = Field(
        title="Granskningsprotokoll",
        description="Granskningsprotokollet som svaret gäller.",
    )
    handled: MinutesReference = Field(
        title="Regionala styrgruppens behandling", description="Mötet där styrgruppen behandlade kompletteringarna."
    )
    answers: list[Answer] = Field(min_length=1, max_length=100, title="Svar på begärda kompletteringar")
    comments: Prose | None = Field(None, title="Övriga synpunkter", description="Till exempel om protokollets utvecklingsområden.")
    chair: Signatory = Field(title="Regionala styrgruppens ordförande")
    contact: Person | None = Field(
        None,
        title="Kontaktperson",
        description="Standard: den regionala processledaren, när protokollet anger ansökan som fil.",
    )
    attachments: list[Attachment] = Field(
        default_factory=list, max_length=50, title="Övriga bilagor", description="Efter svarens egna bilagor."
    )

    @model_validator(mode="after")
    def _check_rules(self) -> Svar:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        requests = self.requests
        count = len(requests.supplements)
        if count == 0:
            problems.append(
                (("protocol",), Message("the protocol {dnr} asks for no supplements; there is nothing to answer", dnr=requests.dnr))
            )
        answered: set[int] = set()
        for index, answer in enumerate(self.answers):
            if count and answer.request > count:
                problems.append(
                    (
                        ("answers", index, "request"),
                        Message(
                            "the protocol has no request {number}; it asks for {count}, numbered 1–{count}",
                            number=answer.request,
                            count=count,
                        ),
                    )
                )
            elif answer.request in answered:
                problems.append(
                    (("answers", index, "request"), Message("request {number} is already answered above", number=answer.request))
                )
            answered.add(answer.request)
        for number, text in enumerate(requests.supplements, start=1):
            if number not in answered:
                problems.append((("answers",), Message("request {number} is not answered: {text}", number=number, text=text)))
        if self.date < requests.sent:
            problems.append((("date",), Message("the answer cannot come before the protocol was sent ({day})", day=requests.sent)))
        if self.handled.date > self.date:
            problems.append(
                (
                    ("handled", "date"),
                    Message("the steering group must handle the supplements before they are sent ({day})", day=self.date),
                )
            )
        if self.contact is None and requests.process_leader is None:
            problems.append(
                (
                    ("contact",),
                    Message("name the contact person, or give the protocol with its application as files so the processledare is known"),
                )
            )
        if problems:
            raise RuleError(problems)
        return self

    def warnings(self) -> list[tuple[tuple[str | int, ...], str]]:
        due = self.requests.due
        if self.date > due:
            return [(("date",), Message("the supplements are sent {sent}, after they were due on {due}", sent=self.date, due=due))]
        return []

    @property
    def requests(self) -> Requests:
        """The protocol's requests and dates, however the protocol was given."""
        p = self.protocol
        if isinstance(p, Granskningsprotokoll):
            leader = p.application.agreement.process_leader if p.application is not None else None
            return Requests(p.region, p.dnr, p.date, p.sent_on, p.visit.date, list(p.supplements), p.due, leader)
        sent = p.sent or p.date
        due = p.supplements_due or add_months(sent, Granskningsprotokoll.SUPPLEMENT_MONTHS)
        return Requests(p.region, p.dnr, p.date, sent, p.visit_date, list(p.supplements), due, None)

    @property
    def region(self) -> str:
        return self.requests.region

    @property
    def contact_person(self) -> Person:
        """Who the office contacts about the answer: as given, or the region's processledare."""
        person = self.contact or self.requests.process_leader
        assert person is not None  # the rules require one or the other
        return person

    def bilagor(self) -> list[str]:
        """Every bilaga in order: those of the answers as the protocol orders them, then the others; each once."""
        titles: list[str] = []
        for item in sorted(self.answers, key=lambda a: a.request):
            titles += [title for title in item.attachments if title not in titles]
        titles += [a.title for a in self.attachments if a.title not in titles]
        return titles

    def answered(self) -> list[AnsweredRequest]:
        """The protocol's requests in its order, each with its answer and the numbers of its bilagor."""
        numbers = {title: index for index, title in enumerate(self.bilagor(), start=1)}
        by_request = {answer.request: answer for answer in self.answers}
        supplements = self.requests.supplements
        return [
            AnsweredRequest(number, supplements[number - 1], answer, [numbers[title] for title in answer.attachments])
            for number, answer in sorted(by_request.items())
            if number <= len(supplements)
        ]

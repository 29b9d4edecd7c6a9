"""Building blocks shared by every document kind: text, parties, people, money, periods."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from ..labels import label
from ..messages import Message
from .text import Address, Checked, Day, Dnr, Line, Money, Prose, Region, Text, YesNo, clean_text, describe_illegal, first_illegal, name_key

__all__ = [
    "Address",
    "Attachment",
    "CertificationPeriod",
    "Day",
    "Dnr",
    "Document",
    "Due",
    "Genre",
    "Line",
    "MinutesReference",
    "Model",
    "Money",
    "OrganisationNumber",
    "Party",
    "PartyType",
    "Person",
    "Prose",
    "Region",
    "RoadDate",
    "RuleError",
    "Signatory",
    "Signer",
    "Text",
    "add_months",
    "add_years",
    "clean_text",
    "describe_illegal",
    "duplicates",
    "first_illegal",
    "name_key",
    "referred",
    "registered",
]


class RuleError(ValueError):
    """A domain rule broken by a whole model, located at one or more field paths.

    Pydantic keeps the exception in the error's context, so the loader can
    report each located message at its own line in the YAML file.
    """

    def __init__(self, problems: Sequence[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))


class Model(BaseModel):
    """Base of every data model: unknown fields are errors; text fields are of the checked
    types of :mod:`tcdocs.models.text`."""

    # Class docstrings are English notes for developers; the schema keeps the Swedish
    # field titles and descriptions that an editor shows a user.
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        defer_build=True,
        json_schema_extra=lambda schema, model: _schema_extra(schema, model),
        # Each field keeps a text object of its own, so the words of a document can be traced to
        # their field by the object a model's method hands on (tcdocs.tracing).
        cache_strings=False,
    )

    personal: ClassVar[frozenset[str]] = frozenset()
    """The fields that hold a person's contact details, which a publication copy leaves out."""


def _schema_extra(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """A model's JSON Schema as an editor and the page's form read it: no class docstring, references marked.

    A field that names another document gets ``x-reference``, the other's kind, so that a
    form offers the other document's file (and its title, which pydantic leaves out when it
    is the other model's own).
    """
    schema.pop("description", None)
    for name, expected in referred(model).items():
        node = schema.get("properties", {}).get(name)
        if isinstance(node, dict):
            node["x-reference"] = expected.kind_name()
            title = model.model_fields[name].title
            if title:
                node.setdefault("title", title)


def referred(model: type[BaseModel]) -> dict[str, type[Document]]:
    """The fields of *model* that name another document, with the kind each names.

    They are the fields read through a reference loader
    (:class:`~tcdocs.models.references.Loader`), which knows the kind it expects.
    """
    found: dict[str, type[Document]] = {}
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            expected = getattr(getattr(meta, "func", None), "expected", None)
            if isinstance(expected, type) and issubclass(expected, Document):
                found[name] = expected
    return found


def _check_organisation_number(value: str) -> str:
    digits = value.replace("-", "").replace(" ", "")
    if not re.fullmatch(r"(16)?\d{10}", digits):
        raise ValueError(Message("an organisation number has ten digits, written NNNNNN-NNNN"))
    digits = digits[-10:]
    if int(digits[2]) < 2:
        raise ValueError(Message("'{value}' is not an organisation number: its third digit must be 2 or more", value=value))
    if not _luhn_ok(digits):
        raise ValueError(Message("'{value}' has a wrong check digit; check the number against the register", value=value))
    return f"{digits[:6]}-{digits[6:]}"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


OrganisationNumber = Annotated[
    Checked,
    AfterValidator(_check_organisation_number),
    Field(
        title="Organisationsnummer",
        description="Tio siffror, NNNNNN-NNNN, med giltig kontrollsiffra.",
        examples=["212999-0012"],
    ),
]
"""A Swedish organisation number, normalised to NNNNNN-NNNN after its check digit passes."""


class PartyType(StrEnum):
    """Typ av part: kommun, region, enskild_huvudman eller yh_anordnare."""

    KOMMUN = "kommun"
    REGION = "region"
    ENSKILD_HUVUDMAN = "enskild_huvudman"
    YH_ANORDNARE = "yh_anordnare"


class Person(Model):
    """A named person with an optional role and contact details."""

    name: Line = Field(title="Namn")
    title: Line | None = Field(None, title="Befattning", description="Till exempel processledare.")
    organisation: Line | None = Field(None, title="Organisation")
    email: Line | None = Field(None, title="E-post")
    phone: Line | None = Field(None, title="Telefon")

    personal: ClassVar[frozenset[str]] = frozenset({"email", "phone"})


class Signatory(Model):
    """The person who signs, and the capacity they sign in.

    The capacity is their role in the body they sign for (kommunstyrelsens ordförande,
    ordförande i den regionala styrgruppen), which is what a signature block prints under
    the name; their employer and job title (a Person's) are not.
    """

    name: Line = Field(title="Namn", description="Skrivs ut som namnförtydligande.")
    capacity: Line = Field(
        title="Undertecknar som",
        description="Rollen i det organ personen skriver under för, t.ex. kommunstyrelsens ordförande; inte arbetsgivare eller befattning.",
    )
    place: Line | None = Field(None, title="Ort", description="Orten där personen skriver under; lämnas tom om den fylls i för hand.")


class Signer(NamedTuple):
    """One signature block: the body signed for, where, who signs and in what capacity."""

    body: str
    place: str | None
    name: str
    capacity: str


class Party(Model):
    """An organisation that is party to an agreement."""

    name: Line = Field(title="Namn", description="Partens fullständiga namn, t.ex. Nordviks kommun.")
    type: PartyType = Field(PartyType.KOMMUN, title="Typ av part")
    org_number: OrganisationNumber
    address: Address = Field(title="Adress", description="Postadress, t.ex. Box 100, 123 45 Nordvik.")
    represented_by: Line = Field(
        title="Företrädd av",
        description="Det organ som företräder parten, t.ex. kommunstyrelsen.",
    )
    signatory: Signatory = Field(title="Undertecknare")

    def signer(self) -> Signer:
        """This party's signature block."""
        s = self.signatory
        return Signer(self.name, s.place, s.name, s.capacity)


class CertificationPeriod(Model):
    """A certification period: three years at first certification, five at re-certification."""

    start: Day = Field(title="Från och med")
    years: int = Field(
        title="Antal år",
        description="3 år vid första certifiering, 5 år vid återcertifiering.",
        examples=[3, 5],
    )

    ALLOWED_YEARS: ClassVar[tuple[int, ...]] = (3, 5)

    @field_validator("years")
    @classmethod
    def _three_or_five(cls, value: int) -> int:
        if value not in cls.ALLOWED_YEARS:
            raise ValueError(Message("a certification period is 3 years (first certification) or 5 years (re-certification)"))
        return value

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return add_years(self.start, self.years) - dt.timedelta(days=1)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day *years* later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day *months* later, or the month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class MinutesReference(Model):
    """A § in the minutes of a meeting: a steering group's approval, a board's decision."""

    date: Day = Field(title="Mötesdatum")
    paragraph: int = Field(ge=1, le=9999, title="Paragraf", description="Paragrafens nummer i mötets protokoll, utan §.")


class Attachment(Model):
    """An annex (bilaga) listed at the end of a document."""

    title: Text = Field(title="Rubrik")


class _KindTitle:
    """A kind's Swedish name, read from ``labels.yaml``: the templates own the wording."""

    def __get__(self, instance: object, owner: type[Document]) -> str:
        return label("Kind", owner.kind_name())


Genre = Literal["agreements", "protocols", "letters"]
"""The folders of wording templates, by genre: agreements, protocols, and letters and applications."""

Writer = Literal["region", "rts"]
"""Who writes a kind: the region (its processledare) or RTS kansli."""


class Document(Model):
    """Fields every document kind shares; each kind adds its own.

    A kind is a subclass with a ``kind`` field fixed to one name (``Literal["beslut"]``);
    defining it registers it (:func:`registered`). Its wording is the template
    ``<genre>/<kind>.html.j2``, which also words its title, header and signatures;
    its starter is ``tcdocs/starters/<kind>.yaml``.
    """

    kind_title: ClassVar[_KindTitle] = _KindTitle()
    """The kind's Swedish name, as lists of kinds and the schema show it (``Kind`` in ``labels.yaml``)."""
    genre: ClassVar[Genre]
    """Where the kind's wording lives: ``templates/<genre>/<kind>.html.j2`` (agreements, protocols,
    or letters and applications)."""
    step: ClassVar[int | None] = None
    """The step of the handbook's road to certification the document belongs to (1–13), or None."""
    several_per_case: ClassVar[bool] = False
    """Whether a case may hold several of this kind (minutes of every meeting, a hängavtal for each
    new party); of any other kind a second one is a problem of the case."""
    in_case: ClassVar[bool] = True
    """Whether the document is one of a case's own; the ärendeöversikt is written about a case."""
    writer: ClassVar[Writer] = "region"
    """Who writes the kind, and so who may save it in a stored case: the region, or RTS kansli
    (``"rts"``: its återkoppling, granskningsprotokoll and beslut)."""

    dnr: Dnr = Field(title="Diarienummer", description="Skrivs i sidhuvudet, t.ex. KS 2026/412.")
    date: Day = Field(title="Datum", description="Dokumentets datum, ÅÅÅÅ-MM-DD.")
    version: Line | None = Field(None, max_length=40, title="Version", description="Till exempel 1.0, eller Remissversion för ett utkast.")
    draft: YesNo = Field(
        False,
        title="Utkast",
        description=(
            "Ja för ett utkast som skickas för synpunkter: det märks UTKAST och får inga underskriftsfält. "
            "En version som heter Utkast, Remissversion eller Förslag är också ett utkast."
        ),
    )

    @property
    def is_draft(self) -> bool:
        """Whether this is a draft: ``draft: ja``, or a version that names a draft (Utkast, Remissversion, Förslag)."""
        return bool(self.draft) or (self.version is not None and _DRAFT_VERSION.search(self.version) is not None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("kind")
        names = get_args(field.annotation) if field is not None and get_origin(field.annotation) is Literal else ()
        if len(names) == 1:
            _REGISTRY[names[0]] = cls

    @classmethod
    def kind_name(cls) -> str:
        """The name the ``kind:`` field takes for this kind."""
        return str(get_args(cls.model_fields["kind"].annotation)[0])

    @classmethod
    def template(cls) -> str:
        """The kind's wording template, by the name templates are looked up with."""
        return f"{cls.genre}/{cls.kind_name()}.html.j2"

    def warnings(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Things a reader should check that do not stop the document: (field path, message) pairs."""
        return []

    def road_dates(self) -> list[RoadDate]:
        """The steps of the handbook's road this document marks, each with its date and the field that gives it."""
        return [RoadDate(self.step, self.date, ("date",))] if self.step is not None else []

    def due_dates(self) -> list[Due]:
        """The deadlines this document sets for the steps after it."""
        return []


class RoadDate(NamedTuple):
    """A step of the handbook's road (1–13) taken on *date*, as the document's field *path* says."""

    step: int
    date: dt.date
    path: tuple[str | int, ...]


class Due(NamedTuple):
    """A deadline a document sets: *key* names it (``labels.yaml``, ``Deadline``), *step* is the step
    that meets it (None: a date that nothing meets, the end of a certification), *path* the field it
    comes from."""

    key: str
    step: int | None
    due: dt.date
    path: tuple[str | int, ...]


_DRAFT_VERSION = re.compile(r"utkast|remiss|förslag|draft", re.IGNORECASE)
"""A version named so is a draft, whatever ``draft`` says: a circulated draft must look like one."""

_REGISTRY: dict[str, type[Document]] = {}


def registered() -> dict[str, type[Document]]:
    """Every registered kind by its name, in the order of the handbook's road, then the others by name."""
    ranked = sorted(_REGISTRY.items(), key=lambda item: (item[1].step is None, item[1].step or 0, item[0]))
    return dict(ranked)


def duplicates(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated

"""The rules that hold between documents: the handbook's and the samverkansavtal's, across a case.

A document's own rules are checked by its model, and so are the facts it cites from a
document it names (a svar answers the requests its protocol makes, whether the protocol
is given as a file or written out). What needs another document whole, or another
document of the same case, is checked here, once, for every reader: the loader applies
the rules to a document and the documents it names (``tcdocs validate``, ``render``, the
service), and :mod:`tcdocs.road` applies them to a whole case (``tcdocs status``), where
they also see the documents that do not name each other (a hängavtal and the ansökan's
local steering groups).

A rule is registered for the kind of document it reports on, and each finding is located
in that document: the field of the later document that breaks the rule, as an error or a
warning as the handbook's wording warrants. Industry's majority in a steering group and
a chair from industry are requirements of the handbook (criterion 3, Organisation och
styrning): errors. How many members each party appoints is the samverkansavtal's own
wording, which the parties can change: a warning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal, NamedTuple, TypeVar

from .messages import Message
from .models.ansokan import Ansokan
from .models.base import Document, name_key
from .models.beslut import Beslut
from .models.granskningsprotokoll import Granskningsprotokoll
from .models.hangavtal import Hangavtal
from .models.samverkansavtal import Samverkansavtal
from .models.svar import Svar

__all__ = ["CaseView", "Finding", "findings", "new_findings", "rule"]

Path_ = tuple[str | int, ...]
D = TypeVar("D", bound=Document)


class Finding(NamedTuple):
    """A broken rule, at *path* of the document it is found in."""

    path: Path_
    message: str
    severity: Literal["error", "warning"] = "error"


class CaseView:
    """The documents a rule may compare a document with: those it names, then the others of its case.

    *documents* are the case's documents with the names its messages give them (file names);
    a view of one document alone sees only what that document names.
    """

    def __init__(self, documents: Sequence[tuple[str, Document]] = ()) -> None:
        self.documents = list(documents)
        regions = Counter(name_key(region) for region in (_region(doc) for _, doc in self.documents) if region)
        # The case is the region most of its documents are about, so that one stray file of another
        # region is the one reported, not the others (a samverkansavtal does not outrank them).
        self.region = regions.most_common(1)[0][0] if regions else None

    def name_of(self, doc: Document) -> str | None:
        """The file name the case knows *doc* by."""
        return next((name for name, other in self.documents if other is doc), None)

    def ours(self) -> list[tuple[str, Document]]:
        """The case's documents that are about its region."""
        return [(name, doc) for name, doc in self.documents if self.region is None or name_key(_region(doc) or "") == self.region]

    def all(self, kind: type[D]) -> list[D]:
        """The case's documents of *kind* about its region, in the case's order."""
        return [doc for _, doc in self.ours() if isinstance(doc, kind)]

    def of(self, doc: Document, kind: type[D]) -> D | None:
        """The document of *kind* that *doc* names (directly or through another it names), or else
        the case's, if it is about the same region."""
        named = next((other for other in named_documents(doc) if isinstance(other, kind)), None)
        if named is not None:
            return named
        region = _region(doc)
        return next(
            (other for other in self.all(kind) if other is not doc and name_key(_region(other) or "") == name_key(region or "")), None
        )


def named_documents(doc: Document) -> Iterator[Document]:
    """The documents *doc* names, and the documents they name, each once."""
    seen: set[int] = set()
    stack = [doc]
    while stack:
        current = stack.pop()
        for name in type(current).model_fields:
            value = getattr(current, name)
            if isinstance(value, Document) and id(value) not in seen:
                seen.add(id(value))
                yield value
                stack.append(value)


def _region(doc: Document) -> str | None:
    region = getattr(doc, "region", None)
    return str(region) if region else None


Rule = Callable[[D, CaseView], Iterable[Finding]]
_RULES: list[tuple[type[Document], Callable[[Document, CaseView], Iterable[Finding]]]] = []


def rule(kind: type[D]) -> Callable[[Rule[D]], Rule[D]]:
    """Register a rule that reports on documents of *kind*."""

    def register(function: Rule[D]) -> Rule[D]:
        _RULES.append((kind, function))  # type: ignore[arg-type]
        return function

    return register


def findings(doc: Document, case: CaseView | None = None) -> list[Finding]:
    """Every rule's findings about *doc*, compared with what it names and, if given, the rest of *case*."""
    view = case if case is not None else CaseView([("", doc)])
    found: list[Finding] = []
    for kind, function in _RULES:
        if isinstance(doc, kind):
            found.extend(function(doc, view))
    return found


def new_findings(doc: Document, case: CaseView) -> list[Finding]:
    """The findings about *doc* that only its case shows: those the document and what it names
    show by themselves were reported when it was read."""
    own = set(findings(doc))
    return [finding for finding in findings(doc, case) if finding not in own]


# --- steering groups ------------------------------------------------------------------------------


class Seats(NamedTuple):
    """A steering group's seats: industry's, and everyone else's."""

    industry: int
    others: int

    @property
    def majority(self) -> bool:
        return self.industry > self.others

    def plus(self, industry: int, others: int) -> Seats:
        return Seats(self.industry + industry, self.others + others)


@rule(Ansokan)
def _regional_group_as_agreed(doc: Ansokan, case: CaseView) -> Iterator[Finding]:
    """The regional steering group the ansökan lists is the one its samverkansavtal sets up:
    each party appoints the agreed number of members, and industry has the agreed seats."""
    agreement = doc.agreement
    members = doc.steering_group
    if not members:
        return
    group = agreement.steering_group
    parties = {name_key(p.name): p.name for p in agreement.parties}
    appointed: Counter[str] = Counter()
    for index, member in enumerate(members):
        if member.party is None:
            continue
        key = name_key(member.party)
        if key not in parties:
            yield Finding(
                ("steering_group", index, "party"),
                Message(
                    "'{name}' is not a party of the samverkansavtal (its parties: {known})",
                    name=member.party,
                    known=", ".join(parties.values()),
                ),
            )
            continue
        appointed[key] += 1
        if appointed[key] > group.seats_per_party:
            yield Finding(
                ("steering_group", index, "party"),
                Message(
                    "{party} appoints {count} of the steering group's members under the samverkansavtal; this is one more",
                    party=parties[key],
                    count=group.seats_per_party,
                ),
                "warning",
            )
    missing = [name for key, name in parties.items() if appointed[key] < group.seats_per_party]
    if missing:
        yield Finding(
            ("steering_group",),
            Message(
                "under the samverkansavtal each party appoints {count} of the regional steering group's members; fewer are "
                "appointed by: {names}",
                count=group.seats_per_party,
                names=", ".join(missing),
            ),
            "warning",
        )
    companies = sum(1 for member in members if member.company)
    if group.industry_seats is not None and companies != group.industry_seats:
        yield Finding(
            ("steering_group",),
            Message(
                "the samverkansavtal gives industry {seats} seats in the regional steering group; {count} members represent companies",
                seats=group.industry_seats,
                count=companies,
            ),
            "warning",
        )


def _regional_seats(agreement: Samverkansavtal, case: CaseView, doc: Document) -> Seats | None:
    """The regional steering group's seats before any hängavtal: as the samverkansavtal sets them,
    or else as the case's ansökan lists its members; None if neither says."""
    group = agreement.steering_group
    if group.industry_seats is not None:
        return Seats(group.industry_seats, group.party_seats(len(agreement.parties)) + group.other_seats)
    application = case.of(doc, Ansokan)
    if application is None or not application.steering_group:
        return None
    companies = sum(1 for member in application.steering_group if member.company)
    return Seats(companies, len(application.steering_group) - companies)


def _earlier(doc: Hangavtal, case: CaseView) -> list[Hangavtal]:
    """The hängavtal of the case by which parties joined before *doc*'s party."""
    return [other for other in case.all(Hangavtal) if other is not doc and (other.joins_on, other.date) < (doc.joins_on, doc.date)]


@rule(Hangavtal)
def _regional_majority_kept(doc: Hangavtal, case: CaseView) -> Iterator[Finding]:
    """A new party's seats in the regional steering group leave industry in the majority."""
    agreement = doc.full_agreement
    if agreement is None:
        return
    seats_per_party = agreement.steering_group.seats_per_party
    if doc.party.regional_seats != seats_per_party:
        yield Finding(
            ("party", "regional_seats"),
            Message("under the main agreement each party appoints {count} of the regional steering group's members", count=seats_per_party),
            "warning",
        )
    seats = _regional_seats(agreement, case, doc)
    if seats is None:
        return
    for earlier in _earlier(doc, case):
        seats = seats.plus(earlier.party.regional_industry_seats, earlier.party.regional_seats)
    seats = seats.plus(doc.party.regional_industry_seats, doc.party.regional_seats)
    if not seats.majority:
        yield Finding(
            ("party", "regional_seats"),
            Message(
                "with the new party the regional steering group has {industry} members from industry of {total}: industry is no "
                "longer in the majority, as the handbook and the main agreement require; add seats for industry",
                industry=seats.industry,
                total=seats.industry + seats.others,
            ),
        )


@rule(Hangavtal)
def _local_majority_kept(doc: Hangavtal, case: CaseView) -> Iterator[Finding]:
    """A new party's members in an existing local steering group leave industry in the majority there."""
    local = doc.local_steering
    if local.new:
        return
    application = case.of(doc, Ansokan)
    if application is None:
        return
    group = next((g for g in application.local_groups if name_key(g.name) == name_key(local.name)), None)
    if group is None:
        return
    companies = sum(1 for member in group.members if member.company)
    seats = Seats(companies, len(group.members) - companies)
    for earlier in _earlier(doc, case):
        if not earlier.local_steering.new and name_key(earlier.local_steering.name) == name_key(local.name):
            seats = seats.plus(earlier.local_steering.industry_seats, earlier.local_steering.seats)
    seats = seats.plus(local.industry_seats, local.seats)
    if not seats.majority:
        yield Finding(
            ("local_steering", "seats"),
            Message(
                "with the new party the local steering group of {name} has {industry} members from industry of {total} "
                "(the ansökan lists {members}): industry is no longer in the majority; add seats for industry",
                name=group.name,
                industry=seats.industry,
                total=seats.industry + seats.others,
                members=len(group.members),
            ),
        )


# --- one case ----------------------------------------------------------------------------------------


@rule(Document)
def _one_region(doc: Document, case: CaseView) -> Iterator[Finding]:
    """Every document of a case is about its region."""
    theirs = _region(doc)
    if case.region is None or theirs is None or name_key(theirs) == case.region:
        return
    region = next(_region(other) for _, other in case.ours())
    yield Finding(
        _region_path(doc),
        Message("this document is about Teknikcollege {theirs}, but the case is Teknikcollege {region}", theirs=theirs, region=region),
    )


def _region_path(doc: Document) -> Path_:
    """Where a document names its region: its own field, or the reference it comes through."""
    fields = type(doc).model_fields
    if "region" in fields:
        return ("region",)
    for name in ("case", "agreement", "application", "interest", "protocol"):
        if name in fields and getattr(doc, name) is not None:
            return (name,)
    return ("kind",)


@rule(Document)
def _one_of_each(doc: Document, case: CaseView) -> Iterator[Finding]:
    """A case holds one document of each kind, but for those a case may hold many of."""
    if type(doc).several_per_case:
        return
    same = case.all(type(doc))
    if same and same[0] is not doc and any(other is doc for other in same):
        first = same[0]
        yield Finding(
            ("kind",),
            Message(
                "{other} is already the case's {kind}; one case has one of each document",
                kind=doc.kind_title.lower(),
                other=case.name_of(first) or "",
            ),
        )


def _same_protocol(doc: Svar | Beslut, case: CaseView) -> Iterator[Finding]:
    """The svar and the beslut are about the case's protocol, however they name it: by Dnr, date and visit,
    and by what they take from it (the requests a svar answers, the case a beslut decides), so a protocol
    that shares the Dnr and the date but says something else is not taken for the case's."""
    protocol = case.all(Granskningsprotokoll)
    if not protocol:
        return
    ours = protocol[0]
    named = doc.requests if isinstance(doc, Svar) else doc.review
    if (named.dnr, named.date, named.visit_date) != (ours.dnr, ours.date, ours.visit.date):
        yield Finding(
            ("protocol",),
            Message(
                "it is about the protocol of {day} (Dnr {dnr}), but the case's protocol is of {ours} (Dnr {our_dnr}, {file})",
                day=named.date,
                dnr=named.dnr,
                ours=ours.date,
                our_dnr=ours.dnr,
                file=case.name_of(ours) or "",
            ),
        )
        return
    if isinstance(doc, Svar):
        same = doc.requests.supplements == list(ours.supplements)
    else:
        same = (doc.review.case, doc.review.supplements) == (ours.reviewed, bool(ours.supplements))
    if not same or (isinstance(doc.protocol, Granskningsprotokoll) and doc.protocol != ours):
        yield Finding(
            ("protocol",),
            Message(
                "it names a protocol with the case's Dnr and date that says something else than the case's ({file})",
                file=case.name_of(ours) or "",
            ),
        )


rule(Svar)(_same_protocol)
rule(Beslut)(_same_protocol)


@rule(Granskningsprotokoll)
def _programmes_agreed(doc: Granskningsprotokoll, case: CaseView) -> Iterator[Finding]:
    """A protocol that writes out its case reviews only school units and programmes of the samverkansavtal."""
    if doc.case is None:
        return
    agreements = case.all(Samverkansavtal)
    if not agreements:
        return
    agreement = agreements[0]
    offered = {
        name_key(unit.name): {name_key(p.name) for p in unit.programmes} for party in agreement.parties for unit in party.school_units
    }
    file = case.name_of(agreement) or ""
    for s_index, unit in enumerate(doc.case.school_units):
        programmes = offered.get(name_key(unit.name))
        if programmes is None:
            yield Finding(
                ("case", "school_units", s_index, "name"),
                Message("{name} is not a school unit of the samverkansavtal ({file})", name=unit.name, file=file),
            )
            continue
        for g_index, programme in enumerate(unit.programmes):
            if name_key(programme.name) not in programmes:
                yield Finding(
                    ("case", "school_units", s_index, "programmes", g_index, "name"),
                    Message(
                        "{school} has no {programme} in the samverkansavtal ({file})", school=unit.name, programme=programme.name, file=file
                    ),
                )

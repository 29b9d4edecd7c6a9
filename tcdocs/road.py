"""Where a certification case stands on the handbook's road: its steps, its deadlines, what is late.

The handbook ("En vision blir till certifiering") has thirteen steps from förankring to
ceremoni. A case is the documents of one region in one folder (or uploaded together):
each document marks the steps it belongs to (:meth:`Document.road_dates`) and sets the
deadlines that follow from it (:meth:`Document.due_dates`): the protocol within one
month of the visit, the supplements within three months of the protocol being sent (or
by the protocol's own date), the application for re-certification six months before the
certification ends (:attr:`Beslut.RECERTIFY_MONTHS_BEFORE`). The documents are checked
against each other here, each problem located in its own file: one region, one document
of each step, the protocol's programmes in the samverkansavtal, the beslut and the svar
about the case's protocol, and the steps' dates in the road's order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .consistency import CaseView, new_findings
from .data import DEFAULT_LIMITS, Limits
from .errors import LoadError, Problem, UsageError, shown
from .labels import labels
from .loader import Checked, Files, Located, Sources, check_data, read_document
from .messages import Message, say
from .models.base import Document, Due
from .models.text import FIRST_DAY, LAST_DAY
from .resources import template_roots

__all__ = [
    "Case",
    "Deadline",
    "Step",
    "calendar",
    "case_from_files",
    "case_from_uploads",
    "overview",
    "read_case",
    "road_text",
    "summary_line",
]

STEPS = range(1, 14)
ROAD_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Step:
    """One step of the road: its number and name, its day and the documents that show it.

    A step is *done* when its day has come (a document dated after today plans it), or
    when a later step is done (the steps without documents: förankring, beredning).
    """

    number: int
    name: str
    date: dt.date | None
    documents: tuple[str, ...]
    done: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "name": self.name,
            "date": self.date.isoformat() if self.date else None,
            "documents": list(self.documents),
            "done": self.done,
        }


@dataclass(frozen=True)
class Deadline:
    """A date the case must keep: what, by when, the step that meets it, whether and when it was met."""

    key: str
    name: str
    step: int | None
    due: dt.date
    document: str
    met: dt.date | None
    late: bool

    @property
    def open(self) -> bool:
        """Not met yet (a certification's end is never met; it is a date to know)."""
        return self.met is None

    def as_json(self) -> dict[str, Any]:
        return {
            "deadline": self.key,
            "name": self.name,
            "step": self.step,
            "due": self.due.isoformat(),
            "document": self.document,
            "met": self.met.isoformat() if self.met else None,
            "late": self.late,
        }


@dataclass
class Case:
    """A case's documents and what they say together, as of *today*."""

    today: dt.date
    documents: list[Located]
    problems: list[Problem] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def region(self) -> str | None:
        """The region most of the case's documents are about, as the first of them writes it."""
        view = CaseView([(d.file, d.doc) for d in self.documents])
        return next((str(getattr(doc, "region", "")) for _, doc in view.ours()), None) if view.region else None

    @property
    def type(self) -> str | None:
        """The kind of case (ny_region, atercertifiering, …) as the ansökan or the protocol says."""
        for kind in ("ansokan", "granskningsprotokoll"):
            found = self.one(kind)
            if found is not None:
                doc: Any = found.doc
                return str(doc.type.value if kind == "ansokan" else doc.reviewed.type.value)
        interest = self.one("intresseanmalan")
        if interest is not None:
            return str(interest.doc.concerns[0].value)  # type: ignore[attr-defined]
        return None

    @property
    def dnr(self) -> str | None:
        """The office's case number (from its återkoppling, protocol or beslut), or the region's."""
        for kind in ("granskningsprotokoll", "beslut", "aterkoppling", "ansokan", "intresseanmalan", "samverkansavtal"):
            found = self.one(kind)
            if found is not None:
                return str(found.doc.dnr)
        return None

    @property
    def current(self) -> Step | None:
        """The last step taken, as of today."""
        taken = [step for step in self.steps if step.date is not None and step.done]
        return taken[-1] if taken else None

    @property
    def next_deadline(self) -> Deadline | None:
        """The earliest deadline not yet met."""
        waiting = sorted((d for d in self.deadlines if d.open), key=lambda d: d.due)
        return waiting[0] if waiting else None

    @property
    def late(self) -> bool:
        return any(d.late for d in self.deadlines)

    def one(self, kind: str) -> Located | None:
        """The case's document of *kind* (the first, if there are several)."""
        return next((d for d in self.documents if d.doc.kind_name() == kind), None)

    def as_json(self, language: str = "en") -> dict[str, Any]:
        """The case for other programs: dates in ISO form, problems with their file, line and path,
        their messages in *language*."""
        current, waiting = self.current, self.next_deadline
        return {
            "region": self.region,
            "type": self.type,
            "dnr": self.dnr,
            "today": self.today.isoformat(),
            "current_step": current.number if current else None,
            "next_deadline": waiting.as_json() if waiting else None,
            "late": self.late,
            "steps": [step.as_json() for step in self.steps],
            "deadlines": [deadline.as_json() for deadline in self.deadlines],
            "documents": [
                {"file": d.file, "kind": d.doc.kind_name(), "dnr": d.doc.dnr, "date": d.doc.date.isoformat()} for d in self.documents
            ],
            "problems": [_problem_json(p, language) for p in self.problems],
        }


def _problem_json(problem: Problem, language: str) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "path": problem.path,
        "field": problem.field(language),
        "message": problem.text(language),
        "severity": problem.severity,
    }


# --- reading a case ------------------------------------------------------------------------------


def read_case(folder: Path, today: dt.date, limits: Limits = DEFAULT_LIMITS) -> Case:
    """The case whose documents are the YAML and JSON files in *folder* (not its subfolders).

    A file that cannot be read or does not validate is one of the case's problems; the
    others still make the road. Raises :class:`LoadError` if *folder* is not a folder.
    """
    if not folder.is_dir():
        raise LoadError([Problem(Message("not a folder; give the folder that holds the case's documents"), "", shown(folder))])
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in ROAD_SUFFIXES and p.is_file())
    located, problems = [], []
    if not paths:
        problems.append(Problem(Message("no YAML or JSON documents in this folder"), "", shown(folder)))
    files = Files(folder, limits)  # one for the case: each file is read once, however many documents name it
    for path in paths:
        try:
            located.append(read_document(path.name, files))
        except LoadError as exc:
            problems += exc.problems
    return case_from_files(located, today, problems)


def load_in_case(path: Path, limits: Limits = DEFAULT_LIMITS) -> Checked:
    """The document at *path*, checked as :func:`tcdocs.load_checked` does and also against the other
    documents of its folder, its case: a hängavtal against the ansökan's local steering groups.

    The folder's other files that cannot be read are not this document's problems and are passed
    over. Raises :class:`LoadError` with the problems the case shows in this document.
    """
    files, siblings = _folder_documents(path.parent, path.parent.resolve(), _signature(path.parent), limits)
    located = read_document(path.name, files)
    me = path.resolve()
    others = [(name, doc) for key, name, doc in siblings if key != me]
    view = CaseView([(located.file, located.doc), *others])
    found = [located.problem(f.path, f.message, f.severity) for f in new_findings(located.doc, view)]
    errors = [problem for problem in found if problem.severity != "warning"]
    if errors:
        raise LoadError(errors)
    return Checked(located.doc, [*located.warnings, *found])


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a document of *folder* changes: each file's name, size and time."""
    found = []
    try:
        for entry in sorted(folder.iterdir()):
            if entry.suffix.lower() in ROAD_SUFFIXES and entry.is_file():
                stat = entry.stat()
                found.append((entry.name, stat.st_size, stat.st_mtime_ns))
    except OSError:
        return ()
    return tuple(found)


@lru_cache(maxsize=4)
def _folder_documents(
    folder: Path, resolved: Path, signature: tuple[tuple[str, int, int], ...], limits: Limits
) -> tuple[Files, tuple[tuple[Path, str, Document], ...]]:
    """The documents of *folder* (which is *resolved*) that can be read, each with its resolved path and
    its name, and the :class:`Files` they were read through; read once while the folder stays as
    *signature* says (a run that validates ten files of one case reads each file once)."""
    files = Files(folder, limits)
    found = []
    for name, _, _ in signature:
        path = folder / name
        try:
            located = read_document(name, files)
            found.append((path.resolve(), located.file, located.doc))
        except (LoadError, OSError):
            continue
    return files, tuple(found)


def case_from_uploads(files: dict[str, bytes], sources: Sources, today: dt.date) -> Case:
    """The case whose documents are *files* (name: bytes) uploaded together; their references
    are found among them through *sources*."""
    located, problems = [], []
    for name in sorted(files):
        try:
            located.append(read_document(name, sources))
        except LoadError as exc:
            problems += exc.problems
    return case_from_files(located, today, problems)


def case_from_files(documents: Sequence[Located], today: dt.date, problems: Iterable[Problem] = ()) -> Case:
    """The road of a case made of *documents*, checked against each other, as of *today*.

    Raises :class:`UsageError` for a *today* outside the years the documents' dates lie in.
    """
    if not FIRST_DAY <= today <= LAST_DAY:
        raise UsageError(Message("{day} is not a day of these cases; give a day from 2000 to 2099", day=today.isoformat()))
    on_road = [d for d in documents if d.doc.in_case]
    case = Case(today, list(on_road), list(problems))
    case.problems += case_problems(case.documents)
    case.steps, order_problems = _steps(case.documents, today)
    case.problems += order_problems
    case.deadlines = _deadlines(case.documents, case.steps, today)
    return case


def case_problems(documents: Sequence[Located]) -> list[Problem]:
    """What the rules between documents (:mod:`tcdocs.consistency`) find in a case that its documents,
    each read with the documents it names, did not show by themselves; each located in its own file."""
    view = CaseView([(located.file, located.doc) for located in documents])
    return [
        located.problem(finding.path, finding.message, finding.severity)
        for located in documents
        for finding in new_findings(located.doc, view)
    ]


def _names() -> dict[str, dict[str, str]]:
    return labels(template_roots())


def _steps(documents: list[Located], today: dt.date) -> tuple[list[Step], list[Problem]]:
    """The thirteen steps with their dates and documents, as of *today*, and every date out of the road's order."""
    names = _names()["Step"]
    marked: dict[int, list[tuple[dt.date, Located, tuple[str | int, ...]]]] = {}
    for located in documents:
        for road_date in located.doc.road_dates():
            marked.setdefault(road_date.step, []).append((road_date.date, located, road_date.path))
    last = max((number for number, entries in marked.items() if min(day for day, _, _ in entries) <= today), default=0)
    steps, problems = [], []
    before: tuple[int, dt.date] | None = None
    for number in STEPS:
        entries = sorted(marked.get(number, []), key=lambda entry: entry[0])
        date = entries[0][0] if entries else None
        for day, located, path in entries:
            if before is not None and day < before[1]:
                problems.append(
                    located.problem(
                        path,
                        Message(
                            "{step} is dated {day}, before {earlier} on {earlier_day}; the road's steps come in order",
                            step=names[str(number)],
                            day=day,
                            earlier=names[str(before[0])],
                            earlier_day=before[1],
                        ),
                    )
                )
        documents_shown = tuple(dict.fromkeys(located.file for _, located, _ in entries))
        steps.append(Step(number, names[str(number)], date, documents_shown, number <= last))
        if date is not None:
            before = (number, max(date, before[1]) if before else date)
    return steps, problems


def _deadlines(documents: list[Located], steps: list[Step], today: dt.date) -> list[Deadline]:
    """Each deadline the documents of *today* and before set (the latest document's where two set the same
    one), with whether a step taken by *today* met it."""
    names = _names()["Deadline"]
    chosen: dict[str, tuple[Due, Located]] = {}
    for located in sorted(documents, key=lambda d: d.doc.date):
        if located.doc.date > today:
            continue  # a document still to come sets nothing yet
        for due in located.doc.due_dates():
            chosen[due.key] = (due, located)
    met_by: dict[int, list[tuple[dt.date, Located]]] = {}
    for located in documents:
        for road_date in located.doc.road_dates():
            met_by.setdefault(road_date.step, []).append((road_date.date, located))
    found = []
    for key, (due, source) in chosen.items():
        met = None
        if due.step is not None:
            candidates = [
                day
                for day, located in met_by.get(due.step, [])
                if day <= today and (located is source or located.doc.date >= source.doc.date)
            ]
            met = min(candidates) if candidates else None
        late = (met is not None and met > due.due) or (met is None and due.step is not None and today > due.due)
        found.append(Deadline(key, names[key], due.step, due.due, source.file, met, late))
    return sorted(found, key=lambda d: d.due)


# --- the calendar ------------------------------------------------------------------------------------


def calendar(cases: Sequence[Case], stamp: dt.datetime) -> bytes:
    """The cases' deadlines not yet met, from *today* on, as an iCalendar file (RFC 5545) of all-day events."""
    import icalendar

    ical = icalendar.Calendar()
    ical.add("prodid", "-//tcdocs//Teknikcollege//SV")
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("x-wr-calname", "Teknikcollege: ärendenas tidsfrister")
    for case in cases:
        region = f"Teknikcollege {case.region}" if case.region else "Teknikcollege"
        for deadline in case.deadlines:
            if not deadline.open or deadline.due < case.today:
                continue
            event = icalendar.Event()
            uid = hashlib.sha256(f"{region}|{deadline.key}|{deadline.due}|{deadline.document}".encode()).hexdigest()[:32]
            event.add("uid", f"{uid}@tcdocs")
            event.add("dtstamp", stamp)
            event.add("dtstart", deadline.due)
            event.add("dtend", deadline.due + dt.timedelta(days=1))
            event.add("summary", f"{region}: {deadline.name}")
            step = f"Steg {deadline.step}: {_names()['Step'][str(deadline.step)]}" if deadline.step else ""
            lines = [f"Ärende: {region}" + (f", Dnr {case.dnr}" if case.dnr else ""), step, f"Dokument: {Path(deadline.document).name}"]
            event.add("description", "\n".join(line for line in lines if line))
            event.add("transp", "TRANSPARENT")
            ical.add_component(event)
    return bytes(ical.to_ical())


# --- what a person reads -----------------------------------------------------------------------------


def _state(step: Step, previous: Step | None) -> str:
    """Taken, planned (a document dated later), next (the first not taken), or ahead; as the ärendeöversikt says it."""
    if step.done:
        return "done"
    if step.date:
        return "planned"
    return "next" if previous is None or previous.done else "ahead"


def _document_ref(located: Located) -> dict[str, Any]:
    """A document as the ärendeöversikt names it: its kind, date and Dnr, never its file."""
    return {"kind": located.doc.kind_name(), "date": located.doc.date, "dnr": located.doc.dnr}


def _problem_line(problem: Problem, documents: Mapping[str, Located], language: str) -> str:
    """A problem as the ärendeöversikt lists it: the document by its kind, date and Dnr (a file that could not be
    read by its name alone), the field by its title, and the message."""
    located = documents.get(problem.file or "")
    if located is not None:
        doc = located.doc
        where = f"{doc.kind_title} {doc.date.isoformat()}, Dnr {doc.dnr}"
    else:
        where = Path(problem.file).name if problem.file else ""
    field = problem.field(language)
    return f"{where}: {field + ': ' if field else ''}{problem.text(language)}"


def road_text(case: Case, language: str) -> str:
    """The case's road, deadlines and problems as the command line prints them."""
    names = _names()
    state = names["State"]
    region = f"Teknikcollege {case.region}" if case.region else say(Message("(no region)"), language)
    kind = f", {names['CaseType'].get(case.type, case.type)}" if case.type else ""
    dnr = f", Dnr {case.dnr}" if case.dnr else ""
    lines = [f"{region}{kind}{dnr}: " + say(Message("as of {day}", day=case.today.isoformat()), language), ""]
    width = max(len(step.name) for step in case.steps)
    heading = [say(Message("Step"), language), say(Message("Date"), language), say(Message("Documents"), language)]
    lines.append(f"{heading[0]:<{width + 6}}{heading[1]:<12}{heading[2]}")
    for previous, step in zip([None, *case.steps], case.steps, strict=False):
        shown = ", ".join(Path(document).name for document in step.documents)
        note = state[_state(step, previous)] if not shown or not step.done else ""
        day = step.date.isoformat() if step.date else ""
        what = f"{shown} ({note})" if shown and note else shown or note
        lines.append(f"{step.number:>2}  {step.name:<{width + 2}}{day:<12}{what}")
    lines += ["", say(Message("Deadlines"), language)]
    if not case.deadlines:
        lines.append("  " + say(Message("none yet"), language))
    dwidth = max((len(d.name) for d in case.deadlines), default=0)
    for deadline in case.deadlines:
        if deadline.met:
            mark = f"{state['done']} {deadline.met.isoformat()}" + (f", {state['late'].upper()}" if deadline.late else "")
        else:
            mark = state["overdue"].upper() if deadline.late else state["ahead"]
        lines.append(f"  {deadline.due.isoformat()}  {deadline.name:<{dwidth}}  {mark}")
    if case.problems:
        lines += ["", say(Message("Problems"), language)]
        lines += [f"  {problem.format(language)}" for problem in case.problems]
    return "\n".join(lines)


def summary_line(case: Case, language: str) -> str:
    """One line for the case, as a list of many cases shows it: region, type, step, next deadline, late."""
    names = _names()
    region = f"Teknikcollege {case.region}" if case.region else say(Message("(no region)"), language)
    kind = names["CaseType"].get(case.type, case.type) if case.type else "–"
    current = case.current
    step = f"{current.number} {current.name}" if current else "–"
    waiting = case.next_deadline
    ahead = f"{waiting.due.isoformat()} {waiting.name}" if waiting else "–"
    late = names["State"]["overdue"].upper() if case.late else ""
    problems = say(Message("{count} problems", count=len(case.problems)), language) if case.problems else ""
    return "  ".join(
        part
        for part in (
            region,
            kind,
            say(Message("step {step}", step=step), language),
            say(Message("next: {what}", what=ahead), language),
            late,
            problems,
        )
        if part
    )


def overview(case: Case, language: str = "sv") -> Document:
    """The case as an ärendeöversikt, the document ``tcdocs status --document`` writes.

    Raises :class:`LoadError` for a case none of whose documents could be read, or whose
    overview the model refuses.
    """
    if case.region is None or case.dnr is None:
        raise LoadError([Problem(Message("none of the case's documents could be read, so there is no overview to write"), "", None)])
    by_file = {located.file: located for located in case.documents}
    # Checked as any document's data is, so what the overview cannot hold (a file name the house
    # font cannot show, hundreds of problems) is a located problem, not a crash.
    return check_data(
        {
            "kind": "arendeoversikt",
            "dnr": case.dnr,
            "date": case.today,
            "region": case.region,
            "type": case.type,
            "steps": [
                {"step": s.number, "date": s.date, "documents": [_document_ref(by_file[d]) for d in s.documents], "done": s.done}
                for s in case.steps
            ],
            "deadlines": [
                {"deadline": d.key, "due": d.due, "document": _document_ref(by_file[d.document]), "met": d.met, "late": d.late}
                for d in case.deadlines
            ],
            "problems": [_problem_line(p, by_file, language) for p in case.problems],
        },
        file=f"arendeoversikt-{case.region}",
    ).doc

"""The stored cases over HTTP: a user's cases, a case's road, its documents, their versions, and its calendar.

Every address under ``/v1/cases`` needs a user's token (:mod:`.people`) and does what that
user's role allows, as the store decides (403 otherwise). A case's documents name each other
by file name and are found among the case's own documents, never uploaded again: a document
being written is checked and made with the case's documents as they are saved now, and an
earlier version with the documents as they were when it was saved, so it comes out exactly
as it was. A save names the version it was based on; if another was saved since, the answer
is 409 with that version (its author, time, note and text), and nothing is written over.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from ..catalogue import kinds
from ..errors import Forbidden, LoadError, NotFound, Problem, SaveConflict, StoreError, TcdocsError, UsageError
from ..loader import Uploads, read_document
from ..messages import N_, Message, say
from ..models.base import Document
from ..road import Case, calendar
from ..store import AuditEntry, CaseInfo, Store, User, Version
from ..store.access import can_write
from ..store.changes import changes
from .answers import MEDIA_TYPES, Refusal, content_disposition, language, problem_json
from .page import preview_html
from .people import Person
from .reading import read_body
from .routes import document_format
from .state import Running, Service

__all__ = ["FEED", "router"]

router = APIRouter(prefix="/v1")

FEED = "/v1/calendar/"
"""Where the calendar feeds are: ``/v1/calendar/SECRET.ics``, open to whoever has the address."""

T = TypeVar("T")

ACTIONS = {
    "create": N_("opened the case"),
    "save": N_("saved"),
    "calendar": N_("made the calendar's address"),
    "new calendar": N_("made a new calendar address; the old one stopped working"),
}
"""What each change in the audit log is, as the page says it."""

ROLES = {"processledare": N_("processledare of Teknikcollege {region}"), "rts": N_("RTS kansli"), "admin": N_("administrator")}

CaseId = Annotated[int, Path(description="Ärendets nummer", ge=1)]
DocumentName = Annotated[str, Path(description="Dokumentets filnamn i ärendet, t.ex. ansokan.yaml")]
Today = Annotated[dt.date | None, Query(description="Dagen ärendet ses från, ÅÅÅÅ-MM-DD; standard: i dag")]


# --- calling the store ---------------------------------------------------------------------------------------


async def _store(call: Callable[..., T], *arguments: Any, **options: Any) -> T:
    """*call* of the store in a thread, its refusals as answers: 403, 404, 422, and 503 when the database fails."""
    try:
        return await asyncio.to_thread(call, *arguments, **options)
    except SaveConflict:
        raise
    except Forbidden as exc:
        raise Refusal(403, exc.args[0]) from None
    except NotFound as exc:
        raise Refusal(404, exc.args[0]) from None
    except LoadError as exc:
        raise Refusal(422, Message("the data is not a valid document"), exc.problems) from None
    except UsageError as exc:
        raise Refusal(422, exc.args[0]) from None
    except StoreError as exc:
        raise Refusal(503, exc.args[0]) from None


_STATUSES: OrderedDict[tuple[Any, ...], Case] = OrderedDict()
_STATUSES_LOCK = threading.Lock()
STATUSES_KEPT = 256


def _status(store: Store, case: int, today: dt.date, by: User) -> Case:
    """Where *case* stands as of *today*. The road is a function of the latest texts and the day, so it is
    kept by their hashes: reading it again while nothing changed costs one query, not every document read."""
    latest = store.documents(case, by=by)
    key = (store.url, case, today, tuple((version.document, version.sha256) for version in latest))
    with _STATUSES_LOCK:
        if key in _STATUSES:
            _STATUSES.move_to_end(key)
            return _STATUSES[key]
    found = store.status(case, today, by=by)
    with _STATUSES_LOCK:
        _STATUSES[key] = found
        while len(_STATUSES) > STATUSES_KEPT:
            _STATUSES.popitem(last=False)
    return found


def _summary(store: Store, info: CaseInfo, today: dt.date, by: User, said: str) -> dict[str, Any]:
    """A case as the list of cases shows it: its step, its next deadline, whether anything is late."""
    status = _status(store, info.id, today, by)
    current, waiting = status.current, status.next_deadline
    return {
        **info.as_json(),
        "dnr": status.dnr,
        "type": status.type,
        "current_step": current.as_json() if current else None,
        "next_deadline": waiting.as_json() if waiting else None,
        "late": [deadline.as_json() for deadline in status.deadlines if deadline.late and deadline.open],
        "problems": len(status.problems),
    }


def _user_json(user: User, said: str) -> dict[str, Any]:
    role = say(Message(ROLES[user.role], region=user.region or "–"), said)
    return {**user.as_json(), "role_name": role}


def _kinds_for(user: User, region: str) -> list[dict[str, Any]]:
    """Every kind with its name, and whether *user* may write one in a case of *region*."""
    return [{"kind": kind, "title": title, "writable": can_write(user, region, kind)} for kind, title in kinds().items()]


def _entry_json(entry: AuditEntry, said: str) -> dict[str, Any]:
    found = entry.as_json()
    found["what"] = say(Message(ACTIONS.get(entry.action, entry.action)), said)
    return found


# --- the cases -----------------------------------------------------------------------------------------------


@router.get("/cases", summary="Ärendena som användaren får se, med steg, nästa tidsfrist och det som är sent")
async def list_cases(request: Request, service: Running, user: Person, today: Today = None) -> dict[str, Any]:
    said, day = language(request), today or dt.date.today()

    def gather() -> list[dict[str, Any]]:
        return [_summary(service.store, info, day, user, said) for info in service.store.cases(by=user)]

    return {
        "today": day.isoformat(),
        "user": _user_json(user, said),
        "can_open": user.role in ("processledare", "admin"),
        "cases": await _store(gather),
    }


@router.post("/cases", summary="Öppna ett nytt ärende", status_code=201)
async def open_case(request: Request, service: Running, user: Person) -> dict[str, Any]:
    body = await _json_body(request, service)
    region = body.get("region", user.region)
    if not isinstance(region, str) or not region.strip():
        raise Refusal(422, Message("name the region of the new case"))
    info = await _store(service.store.create_case, region, by=user)
    return {"case": info.as_json()}


@router.get("/cases/{case}", summary="Ett ärende: vägen, dokumenten med versioner, problemen och ändringsloggen")
async def one_case(request: Request, case: CaseId, service: Running, user: Person, today: Today = None) -> dict[str, Any]:
    said, day, store = language(request), today or dt.date.today(), service.store

    def gather() -> dict[str, Any]:
        info = store.case(case, by=user)
        status = _status(store, case, day, user)
        documents = [
            {**version.as_json(), "title": kinds()[version.kind], "writable": can_write(user, info.region, version.kind)}
            for version in store.documents(case, by=user)
        ]
        return {
            "case": info.as_json(),
            "user": _user_json(user, said),
            "status": status.as_json(said),
            "documents": documents,
            "kinds": _kinds_for(user, info.region),
            "log": [_entry_json(entry, said) for entry in store.audit(case, by=user)],
        }

    return await _store(gather)


@router.get("/cases/{case}/status", summary="Var ärendet står, som tcdocs status säger om ärendets mapp")
async def case_status(request: Request, case: CaseId, service: Running, user: Person, today: Today = None) -> dict[str, Any]:
    day = today or dt.date.today()
    status = await _store(_status, service.store, case, day, user)
    return {"today": day.isoformat(), "cases": [status.as_json(language(request))]}


# --- a case's documents --------------------------------------------------------------------------------------


@router.get("/cases/{case}/documents/{name}", summary="Ett dokument i ärendet: en version (standard: den senaste), dess text och versioner")
async def read(
    case: CaseId, name: DocumentName, service: Running, user: Person, version: Annotated[int | None, Query(ge=1)] = None
) -> dict[str, Any]:
    def gather() -> dict[str, Any]:
        found, text = service.store.read(case, name, version, by=user)
        history = service.store.history(case, name, by=user)
        return {"version": found.as_json(), "text": text, "versions": [each.as_json() for each in history]}

    return await _store(gather)


@router.put(
    "/cases/{case}/documents/{name}",
    summary="Spara en ny version av dokumentet",
    description=(
        'JSON: `{"text": YAML, "base": versionen ändringen utgår från (null för ett nytt dokument), "note": en kort anteckning}`. '
        "Har någon annan sparat en version sedan dess svarar tjänsten 409 med den versionen, och ingenting skrivs över."
    ),
    responses={403: {"description": "Rollen får inte spara dokumentet"}, 409: {"description": "En annan version sparades först"}},
)
async def save(request: Request, case: CaseId, name: DocumentName, service: Running, user: Person) -> JSONResponse:
    body = await _json_body(request, service)
    text, base, note = body.get("text"), body.get("base"), body.get("note", "")
    based = base is None or (isinstance(base, int) and not isinstance(base, bool))
    if not isinstance(text, str) or not based or not isinstance(note, str):
        raise Refusal(422, Message("send the text, the version it was based on and a note as JSON"))
    try:
        version = await _store(service.store.save, case, name, text, base=base, by=user, note=note)
    except SaveConflict as conflict:
        said = language(request)
        other = Version(case, name, "", conflict.number, conflict.author, conflict.saved, conflict.note, "")
        differences = await asyncio.to_thread(_differences, name, conflict.text, text, said)
        answer = {
            "detail": conflict.format(said),
            "base": conflict.base,
            "other": {**other.as_json(), "text": conflict.text},
            "differences": differences,
        }
        return JSONResponse(answer, status_code=409)
    return JSONResponse({"version": version.as_json()})


def _differences(name: str, theirs: str, yours: str, said: str) -> list[dict[str, Any]]:
    """Their text and yours compared field by field (before: theirs; after: yours); none if either is not a document's data."""
    try:
        return [change.as_json(said) for change in changes(name, theirs, yours, said)]
    except LoadError:
        return []


@router.get("/cases/{case}/documents/{name}/changes", summary="Två versioner jämförda fält för fält")
async def compare(
    request: Request,
    case: CaseId,
    name: DocumentName,
    service: Running,
    user: Person,
    before: Annotated[int, Query(alias="from", ge=1)],
    after: Annotated[int, Query(alias="to", ge=1)],
) -> dict[str, Any]:
    said = language(request)

    def gather() -> dict[str, Any]:
        old, old_text = service.store.read(case, name, before, by=user)
        new, new_text = service.store.read(case, name, after, by=user)
        found = changes(name, old_text, new_text, said)
        return {"from": old.as_json(), "to": new.as_json(), "changes": [change.as_json(said) for change in found]}

    return await _store(gather)


@router.get(
    "/cases/{case}/documents/{name}/file",
    summary="Dokumentet som PDF eller DOCX: som ärendet har det nu, eller en version precis som den var när den sparades",
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}, 422: {"description": "Versionen har problem"}},
)
async def version_file(
    case: CaseId,
    name: DocumentName,
    fmt: Annotated[str, Depends(document_format)],
    service: Running,
    user: Person,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    def load() -> Document:
        # A version asked for by number is made as it was; without one, the document as the case has it now.
        files = service.store.files(case, by=user) if version is None else service.store.files_as_of(case, name, version, by=user)
        return read_document(name, Uploads({file: text.encode("utf-8") for file, text in files.items()})).doc

    doc = await _store(load)
    data = await service.renderer.render(doc, fmt)
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": content_disposition(doc, fmt)})


async def _in_case(request: Request, case: int, name: str, service: Service, user: User) -> tuple[Document, list[Problem]]:
    """The document the request's body holds (YAML), checked as *name* of *case*: the documents it names are
    the case's, as they are saved now."""
    raw = await read_body(request, service.settings)
    files = await _store(service.store.files, case, by=user)

    def check() -> tuple[Document, list[Problem]]:
        uploads = {file: text.encode("utf-8") for file, text in files.items()} | {name: raw}
        found = read_document(name, Uploads(uploads))
        return found.doc, found.warnings

    async with service.parsing:
        return await _store(check)


@router.post(
    "/cases/{case}/documents/{name}/check",
    summary="Granska ett dokument som skrivs i ärendet, med ärendets egna dokument, och förhandsgranska det",
    description="Kroppen är dokumentets YAML; svaret som för /v1/check/{kind}.",
)
async def check_in_case(request: Request, case: CaseId, name: DocumentName, service: Running, user: Person) -> dict[str, Any]:
    said = language(request)
    try:
        doc, warnings = await _in_case(request, case, name, service, user)
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        problems = refusal.problems or [Problem(refusal.detail, "", name)]
        return {"valid": False, "problems": [problem_json(p, said) for p in problems], "warnings": [], "preview": None}
    answer: dict[str, Any] = {"valid": True, "problems": [], "warnings": [problem_json(w, said) for w in warnings]}
    try:
        answer["preview"] = await asyncio.to_thread(preview_html, doc)
    except TcdocsError as exc:
        answer.update(valid=False, preview=None, problems=[problem_json(Problem(exc.format(said), "", name), said)])
    return answer


@router.post(
    "/cases/{case}/documents/{name}/document",
    summary="Skapa ett dokument som skrivs i ärendet som PDF eller DOCX, med ärendets egna dokument",
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
)
async def document_in_case(
    request: Request, case: CaseId, name: DocumentName, fmt: Annotated[str, Depends(document_format)], service: Running, user: Person
) -> Response:
    doc, warnings = await _in_case(request, case, name, service, user)
    data = await service.renderer.render(doc, fmt)
    headers = {"Content-Disposition": content_disposition(doc, fmt)}
    if warnings:
        headers["X-Tcdocs-Warnings"] = str(len(warnings))
    return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)


# --- the calendar feed ---------------------------------------------------------------------------------------


def _feed_address(request: Request, secret: str) -> str:
    return str(request.base_url).rstrip("/") + FEED + quote(secret, safe="") + ".ics"


@router.get("/cases/{case}/calendar", summary="Adressen till ärendets kalender, att prenumerera på")
async def calendar_address(request: Request, case: CaseId, service: Running, user: Person) -> dict[str, str]:
    secret = await _store(service.store.calendar_secret, case, by=user)
    return {"url": _feed_address(request, secret)}


@router.post("/cases/{case}/calendar", summary="En ny adress till ärendets kalender; den gamla slutar fungera")
async def new_calendar_address(request: Request, case: CaseId, service: Running, user: Person) -> dict[str, str]:
    secret = await _store(service.store.calendar_secret, case, by=user, new=True)
    return {"url": _feed_address(request, secret)}


@router.get(
    FEED.removeprefix(router.prefix) + "{secret}.ics",
    summary="Ärendets tidsfrister som iCalendar (RFC 5545), för kalenderprogram; hemligheten i adressen är nyckeln",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
async def feed(secret: str, service: Running, today: Today = None) -> Response:
    case = await _store(service.store.feed, secret, today or dt.date.today())
    if case is None:
        raise Refusal(404, Message("there is no calendar at this address; ask for the case's new address"))
    body = calendar([case], dt.datetime.now(dt.UTC).replace(microsecond=0))
    return Response(body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "no-cache"})


# --- reading a JSON body -------------------------------------------------------------------------------------


async def _json_body(request: Request, service: Service) -> dict[str, Any]:
    raw = await read_body(request, service.settings)
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise Refusal(422, Message("send the request's fields as a JSON object"))
    return body


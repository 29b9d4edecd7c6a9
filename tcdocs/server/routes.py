"""The service's addresses: what each one answers, and how the OpenAPI description presents it."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .._version import __version__
from ..catalogue import kinds, schema, starter
from ..errors import LoadError, Problem, TcdocsError
from ..forms import form_schema
from ..messages import Message
from ..models import KINDS
from ..road import overview
from .answers import MEDIA_TYPES, SOURCE, Refusal, content_disposition, language, problem_json
from .page import POLICY, PREVIEW_POLICY, asset_types, page_html, preview_html, verify_page_html, web_file
from .reading import Kind, read_case, read_document, read_verification
from .state import Running

__all__ = ["router"]

router = APIRouter()

STATUS_FORMATS = ["json", *MEDIA_TYPES]
"""What a case's status is given as: JSON, or the ärendeöversikt as a document."""


def document_format(
    fmt: str = Query("pdf", alias="format", description="pdf eller docx", json_schema_extra={"enum": list(MEDIA_TYPES)}),
) -> str:
    """The format a document is asked for; a 422 refusal for any other."""
    if fmt not in MEDIA_TYPES:
        raise Refusal(422, Message("unknown format '{fmt}'; use pdf or docx", fmt=fmt))
    return fmt


# --- how the OpenAPI description presents the routes that take data --------------------------------------

_BODY_SCHEMA = {"oneOf": [{"$ref": f"#/components/schemas/{model.__name__}"} for model in KINDS.values()]}
REQUEST_BODY = {
    "required": True,
    "description": "Dokumentets uppgifter, som i en YAML-fil för tcdocs; `kind` kan utelämnas.",
    "content": {
        "application/json": {"schema": _BODY_SCHEMA},
        "application/yaml": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "document": {"type": "string", "format": "binary"},
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
                "required": ["document"],
            }
        },
    },
}
REFUSALS: dict[int | str, dict[str, Any]] = {
    408: {"description": "Begäran slutade komma fram"},
    413: {"description": "För stor begäran"},
    415: {"description": "Okänt dataformat"},
    422: {"description": "Uppgifterna är inte ett giltigt dokument: varje problem med fält, rad och kolumn."},
}
_REFUSALS_BUT_422 = {key: value for key, value in REFUSALS.items() if key != 422}
_CASE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                "required": ["files"],
            }
        }
    },
}


# --- the routes --------------------------------------------------------------------------------------------


@router.get("/healthz", summary="Tjänsten svarar")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/metrics", summary="Mätvärden för Prometheus", response_class=PlainTextResponse)
async def metrics_endpoint(service: Running) -> Response:
    return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/kinds", summary="Dokumentslagen med svenska namn")
async def list_kinds() -> dict[str, str]:
    return kinds()


@router.get("/v1/schema/{kind}", summary="JSON Schema för ett dokumentslag")
async def kind_schema(kind: Kind) -> JSONResponse:
    return JSONResponse(schema(kind))


@router.get("/v1/starter/{kind}", summary="En kommenterad YAML-mall att börja från", response_class=PlainTextResponse)
async def kind_starter(kind: Kind) -> PlainTextResponse:
    return PlainTextResponse(starter(kind), media_type="application/yaml; charset=utf-8")


@router.post("/v1/validate/{kind}", summary="Kontrollera uppgifterna", openapi_extra={"requestBody": REQUEST_BODY}, responses=REFUSALS)
async def validate(request: Request, kind: Kind, service: Running) -> dict[str, Any]:
    _, warnings = await read_document(request, kind, service)
    return {"valid": True, "warnings": [problem_json(w, language(request)) for w in warnings]}


@router.post(
    "/v1/preview/{kind}",
    summary="Förhandsgranska dokumentet som HTML",
    response_class=HTMLResponse,
    openapi_extra={"requestBody": REQUEST_BODY},
    responses=REFUSALS,
)
async def preview(request: Request, kind: Kind, service: Running) -> HTMLResponse:
    doc, _ = await read_document(request, kind, service)
    try:
        page = await asyncio.to_thread(preview_html, doc)
    except TcdocsError as exc:
        raise Refusal(422, Message("the preview could not be made: {error}", error=exc)) from None
    return HTMLResponse(page, headers={"Content-Security-Policy": PREVIEW_POLICY})


@router.post(
    "/v1/documents/{kind}",
    summary="Skapa dokumentet som PDF eller DOCX",
    openapi_extra={"requestBody": REQUEST_BODY},
    responses={
        200: {"description": "Dokumentet", "content": {media: {} for media in MEDIA_TYPES.values()}},
        **REFUSALS,
        503: {"description": "Dokumentet hann inte skapas inom tidsgränsen, eller tjänsten är upptagen"},
    },
)
async def document(
    request: Request,
    fmt: Annotated[str, Depends(document_format)],
    kind: Kind,
    service: Running,
    publish: Annotated[
        bool,
        Query(description="Webbversionen: utan kontaktuppgifter och personnummer, med namnen i stället för underskrifterna"),
    ] = False,
) -> Response:
    doc, warnings = await read_document(request, kind, service)
    data = await service.renderer.render(doc, fmt, publish, request=request)
    headers = {"Content-Disposition": content_disposition(doc, fmt, "-webb" if publish else "")}
    if warnings:
        headers["X-Tcdocs-Warnings"] = str(len(warnings))
    return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)


_VERIFY_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "pdf": {"type": "string", "format": "binary", "description": "PDF-filen som ska kontrolleras"},
                    "document": {"type": "string", "format": "binary", "description": "Uppgifterna den skapades från (utom PDF/A-3b)"},
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "trust": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "Betrodda rotcertifikat"},
                },
                "required": ["pdf"],
            }
        }
    },
}


@router.post(
    "/v1/verify",
    summary="Kontrollera en PDF: att den är det dokument uppgifterna ger, och dess underskrifter",
    description=(
        "Skicka PDF-filen i delen `pdf`, uppgifterna i `document` (med dokumenten de hänvisar till i `files`) om inte "
        "PDF-filen är en PDF/A-3b som bär dem, och betrodda rotcertifikat i delar som heter `trust`. Svaret säger om "
        "filen är bekräftad (`verified`) och, för en undertecknad fil, varje underskrift: fält, undertecknare, tid, om "
        "de undertecknade byten är oförändrade, vad som lagts till efter den och förtroendet."
    ),
    openapi_extra={"requestBody": _VERIFY_BODY},
    responses={**REFUSALS, 400: {"description": "Ingen PDF"}, 503: {"description": "Tjänsten är upptagen"}},
)
async def verify_pdf(request: Request, service: Running) -> JSONResponse:
    sent = await read_verification(request, service)
    return JSONResponse(await service.renderer.verify(sent.pdf, sent.name, sent.doc, sent.trust, language(request), request))


@router.get("/v1/form/{kind}", summary="Formuläret för ett dokumentslag: dess JSON Schema, format för sidans formulär")
async def kind_form(kind: Kind) -> JSONResponse:
    return JSONResponse(form_schema(kind))


@router.post(
    "/v1/check/{kind}",
    summary="Granska uppgifterna och förhandsgranska dokumentet",
    description=(
        "Svarar alltid 200 när begäran kom fram: `valid`, `problems` och `warnings` (med fält, rad och kolumn) "
        "och `preview`, dokumentet som HTML när uppgifterna är giltiga."
    ),
    openapi_extra={"requestBody": REQUEST_BODY},
    responses=_REFUSALS_BUT_422,
)
async def check(request: Request, kind: Kind, service: Running) -> dict[str, Any]:
    said = language(request)
    try:
        doc, warnings = await read_document(request, kind, service)
    except Refusal as refusal:
        if refusal.status != 422:
            raise
        problems = refusal.problems or [Problem(refusal.detail, "", SOURCE)]
        return {"valid": False, "problems": [problem_json(p, said) for p in problems], "warnings": [], "preview": None}
    answer: dict[str, Any] = {"valid": True, "problems": [], "warnings": [problem_json(w, said) for w in warnings]}
    try:
        answer["preview"] = await asyncio.to_thread(preview_html, doc)
    except TcdocsError as exc:
        answer.update(valid=False, preview=None, problems=[problem_json(Problem(exc.format(said), "", SOURCE), said)])
    return answer


@router.post(
    "/v1/status",
    summary="Var ett certifieringsärende står på handbokens väg",
    description=(
        "Skicka ärendets dokument tillsammans som multipart/form-data, i delar som heter `files` (dokumenten hänvisar "
        "till varandra med filnamnen). Svaret är vägens tretton steg med datum och dokument, tidsfristerna och problemen "
        "mellan dokumenten, som JSON; med `format=pdf` eller `format=docx` ärendeöversikten som dokument."
    ),
    openapi_extra={"requestBody": _CASE_BODY},
    responses={**_REFUSALS_BUT_422, 400: {"description": "Inga dokument"}},
)
async def case_status(
    request: Request,
    service: Running,
    today: Annotated[dt.date | None, Query(description="Dagen ärendet ses från, ÅÅÅÅ-MM-DD; standard: i dag")] = None,
    fmt: Annotated[str, Query(alias="format", description="json, pdf eller docx", json_schema_extra={"enum": STATUS_FORMATS})] = "json",
) -> Response:
    if fmt not in STATUS_FORMATS:
        raise Refusal(422, Message("unknown format '{fmt}'; use json, pdf or docx", fmt=fmt))
    said = language(request)
    case = await read_case(request, service, today or dt.date.today())
    if fmt == "json":
        return JSONResponse({"today": case.today.isoformat(), "cases": [case.as_json(said)]})
    try:
        doc = overview(case, said)
    except LoadError as exc:
        raise Refusal(422, Message("the case's ärendeöversikt cannot be written"), exc.problems) from None
    data = await service.renderer.render(doc, fmt, request=request)
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": content_disposition(doc, fmt)})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def page(request: Request, service: Running) -> HTMLResponse:
    said = language(request)
    html = page_html(said, service.settings.token is not None)
    return HTMLResponse(html, headers={"Content-Security-Policy": POLICY, "Content-Language": said})


@router.get("/kontrollera", response_class=HTMLResponse, include_in_schema=False)
async def verify_page(request: Request) -> HTMLResponse:
    said = language(request)
    return HTMLResponse(verify_page_html(said), headers={"Content-Security-Policy": POLICY, "Content-Language": said})


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    return Response(web_file("favicon.svg"), media_type="image/svg+xml")


@router.get("/assets/{name}", include_in_schema=False)
async def asset(name: str) -> Response:
    media = asset_types().get(name)
    if media is None:
        raise Refusal(404, Message("no such asset"))
    return Response(web_file(name), media_type=media, headers={"Cache-Control": "no-cache"})

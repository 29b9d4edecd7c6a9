"""The service's Word round trip: an edited Word file read against its data, and two versions as tracked changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..edits import Reading
from ..jobs import compare_job, read_job
from .answers import MEDIA_TYPES, content_disposition, language
from .reading import Kind, read_versions, read_word_upload
from .state import Running

__all__ = ["router"]

router = APIRouter()

_MULTIPART = {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object"}}}}
_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "En del saknas"},
    413: {"description": "För stor begäran"},
    415: {"description": "Inte multipart/form-data"},
    422: {"description": "Word-filen eller uppgifterna kan inte läsas: varje problem med fil, fält, rad och kolumn."},
    503: {"description": "Arbetet hann inte göras inom tidsgränsen, eller tjänsten är upptagen"},
}


@router.post(
    "/v1/read/{kind}",
    summary="Läs in en ändrad Word-fil mot uppgifterna den gjordes från",
    description=(
        "Skicka Word-filen i en del som heter `word` och uppgifterna (YAML eller JSON) i en del som heter `document`, "
        "med de dokument de hänvisar till i delar som heter `files`. Svaret säger vilka fält som ändrats i Word (med "
        "gammalt och nytt värde, och uppgifterna med ändringarna som `yaml`), vilken text utanför fälten som ändrats "
        "(vid sin §), och varje kommentar och spårad ändring som inte godkänts."
    ),
    openapi_extra={"requestBody": _MULTIPART},
    responses=_REFUSALS,
)
async def read_word(request: Request, kind: Kind, service: Running) -> dict[str, Any]:
    upload = await read_word_upload(request, kind, service)
    timeout = service.settings.timeout
    reading: Reading = await service.renderer.run(
        "read", read_job, upload.word, upload.word_name, upload.data, upload.data_name, upload.files, timeout, request=request
    )
    return reading.as_json(language(request))


@router.post(
    "/v1/compare/{kind}",
    summary="Jämför två versioner: en Word-fil med spårade ändringar",
    description=(
        "Skicka den äldre versionen i en del som heter `old` och den nyare i en del som heter `new` (YAML eller JSON), "
        "med de dokument de hänvisar till i delar som heter `files`. Svaret är den nyare versionen som Word-fil, där "
        "det som skiljer är spårade ändringar: godkänns alla blir texten den nyares, avvisas alla den äldres."
    ),
    openapi_extra={"requestBody": _MULTIPART},
    responses={200: {"description": "Word-filen", "content": {MEDIA_TYPES["docx"]: {}}}, **_REFUSALS},
)
async def compare_versions(
    request: Request,
    kind: Kind,
    service: Running,
    author: Annotated[str, Query(max_length=100, description="Vem Word anger som upphov till ändringarna")] = "tcdocs",
) -> Response:
    old, new = await read_versions(request, kind, service)
    data: bytes = await service.renderer.run(
        "compare", compare_job, old, new, author, service.settings.timeout, request=request
    )
    disposition = content_disposition(new, "docx", suffix="-ändringar")
    return Response(data, media_type=MEDIA_TYPES["docx"], headers={"Content-Disposition": disposition})

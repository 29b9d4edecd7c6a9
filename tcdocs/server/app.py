"""The service as an ASGI application: its routes, and what happens around every request.

Around every request, in one place: the token check, the request id, the security
headers, the metrics, one log line, and the answer for an error nothing else caught.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .._version import __version__
from ..catalogue import kinds, starter
from ..errors import TcdocsError
from ..loader import load_text
from ..messages import Message, say
from ..models import KINDS
from ..store import Store, open_store
from .answers import Refusal, language, secure
from .cases import FEED
from .cases import router as cases_router
from .page import preview_html
from .people import authorised
from .roundtrip import router as roundtrip_router
from .routes import router
from .settings import ServiceSettings
from .state import Service

__all__ = ["create_app"]

log = logging.getLogger("tcdocs.server")

OPEN_PATHS = ("/healthz", "/", "/kontrollera", "/favicon.ico")  # and /assets/ and calendar feeds: what answers without a token

DESCRIPTION = (
    "Teknikcollege-dokument ({kinds}) som DOCX eller PDF. Skicka dokumentets uppgifter som JSON eller YAML, "
    "eller som multipart/form-data med dokumentet i delen `document` och de dokument det hänvisar till i delar "
    "som heter `files`; fel i uppgifterna ges tillbaka med fält, rad och kolumn."
)


def create_app(settings: ServiceSettings | None = None, store: Store | None = None) -> FastAPI:
    """The service as an ASGI application, for uvicorn or any other ASGI server, keeping its cases in
    *store* (default: the store ``settings.database`` names, opened here). The application closes the store when it stops."""
    settings = settings or ServiceSettings()
    service = Service.for_settings(settings, store or open_store(settings.database))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Ready means ready to answer at once: the workers are started and warm, and the checks too,
        # before the service listens.
        await asyncio.gather(service.renderer.warm(next(iter(KINDS))), asyncio.to_thread(_warm_checks))
        try:
            yield
        finally:
            await asyncio.to_thread(service.renderer.stop)
            service.store.close()

    names = ", ".join(title.lower() for title in kinds().values())
    # No /docs or /redoc: FastAPI's pages load their scripts from other sites, and the service works
    # offline with nothing of others' in its answers; /openapi.json is for any OpenAPI viewer.
    app = FastAPI(
        title="tcdocs",
        version=__version__,
        description=DESCRIPTION.format(kinds=names),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    app.include_router(router)
    app.include_router(roundtrip_router)
    app.include_router(cases_router)
    app.middleware("http")(_every_request)
    app.add_exception_handler(Refusal, _refusal)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _bad_parameter)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _no_such)  # type: ignore[arg-type]
    app.openapi = lambda: _openapi(app, service.settings)  # type: ignore[method-assign]
    return app


def _warm_checks() -> None:
    """Check and preview each kind's starter once in the service's own process: the models' validators
    and the wording templates are built on their first use, which would otherwise be a person's first check."""
    for kind in KINDS:
        try:
            preview_html(load_text(starter(kind), f"{kind}.yaml"))
        except TcdocsError as exc:  # a starter that does not check is a test's to find; the service still serves
            log.warning("the checks of %s could not be warmed up: %s", kind, exc)


async def _every_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    service: Service = request.app.state.service
    guarded = service.settings.private or service.settings.token is not None
    request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
    started = time.monotonic()
    route = request.url.path
    note = ""
    refused = False
    try:
        if guarded and not _open(route) and not await authorised(request, service):
            response: Response = Refusal(401, Message("a valid token is needed: Authorization: Bearer <token>")).response(language(request))
            refused = True
        else:
            response = await call_next(request)
    except ClientDisconnect:
        note = " (the client went away; the work for it was stopped)"
        response = Response(status_code=400)
    except Exception:  # the one place an unexpected error becomes an answer, with no trace in it
        log.exception("%s %s %s: internal error", request_id, request.method, route)
        error = Message("an internal error occurred (request {id})", id=request_id)
        response = JSONResponse({"detail": say(error, language(request))}, status_code=500)
    secure(response)
    response.headers["X-Request-Id"] = request_id
    if not refused:  # a request without the token leaves no trace in the metrics
        service.metrics.requests.labels(_template(request), str(response.status_code)).inc()
    elapsed = (time.monotonic() - started) * 1000
    log.info("%s %s %s %d %.0f ms%s", request_id, request.method, route, response.status_code, elapsed, note)
    return response


async def _refusal(request: Request, exc: Refusal) -> JSONResponse:
    return exc.response(language(request))


async def _bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
    names = ", ".join(sorted({str(error["loc"][-1]) for error in exc.errors()}))
    return Refusal(422, Message("the request's {names} is not valid; see /openapi.json", names=names)).response(language(request))


async def _no_such(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 405:
        detail = Message("{method} is not used at this address", method=request.method)
    elif exc.status_code == 404:
        detail = Message("there is nothing at this address; see /openapi.json")
    else:
        detail = Message("the request cannot be answered ({status})", status=exc.status_code)
    response = Refusal(exc.status_code, detail).response(language(request))
    response.headers.update(exc.headers or {})
    return response


def _template(request: Request) -> str:
    """The route that answered *request*, as its template (``/v1/documents/{kind}``), never the path itself
    (which may hold anything a client sends): the metrics' labels are the service's routes, and no more."""
    matched = request.scope.get("route")
    path = getattr(matched, "path", None)
    return path if isinstance(path, str) else "(no route)"


def _open(route: str) -> bool:
    # A calendar feed's secret is in its address, which is its key: calendar programs send no token.
    return route in OPEN_PATHS or route.startswith(("/assets/", FEED))


def _openapi(app: FastAPI, settings: ServiceSettings) -> dict[str, Any]:
    """The OpenAPI description, with every kind's model as a schema and the token as its security."""
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        models: list[tuple[type[BaseModel], Literal["validation"]]] = [(model, "validation") for model in KINDS.values()]
        _, definitions = models_json_schema(models, ref_template="#/components/schemas/{model}")
        document.setdefault("components", {}).setdefault("schemas", {}).update(definitions.get("$defs", {}))
        if settings.token is not None or settings.private:
            document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            document["security"] = [{"bearer": []}]
        app.openapi_schema = document
    return app.openapi_schema

"""tcdocs as an HTTP service: the library's validation and documents over HTTP, with a preview page.

Start it with ``tcdocs serve`` (it needs the ``server`` extra: ``pip install "tcdocs[server]"``).
Every request is validated exactly as the command line validates a file; documents that
refer to another document get it inline in the same request, never as a path, so no
request can make the service read a file of its choosing. Renders run in a bounded pool
of worker processes, each stopped at a time limit, so that a burst queues and a runaway
document gets 503 while the service keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic.json_schema import models_json_schema

from . import __version__
from .backends import FORMATS
from .batch import default_jobs, warm_up
from .catalogue import kinds, schema, starter
from .errors import LoadError, Problem, RenderTimeout, TcdocsError
from .loader import DEFAULT_LIMITS, check_data, read_yaml
from .models import KINDS
from .models.base import Document
from .output import safe_stem
from .rendering import RenderOptions, content_for, render_formats

__all__ = ["ServiceSettings", "create_app", "serve"]

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
SOURCE = "<request>"


@dataclass(frozen=True)
class ServiceSettings:
    """How the service runs: body size limit, time limit per render, workers and queue."""

    max_body: int = DEFAULT_LIMITS.max_bytes
    timeout: float = 30.0
    workers: int = field(default_factory=default_jobs)
    queue: int = 64


class _Refusal(Exception):
    """A request the service answers with an error status and a JSON body."""

    def __init__(self, status: int, detail: str, problems: list[Problem] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems or []

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"detail": self.detail}
        if self.problems:
            body["problems"] = [_problem(p) for p in self.problems]
        return JSONResponse(body, status_code=self.status)


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "message": problem.message,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
    }


def _render_job(doc: Document, fmt: str, timeout: float) -> bytes:
    # Runs in a worker process: its main thread, so the time limit's signal works there.
    return render_formats(doc, (fmt,), RenderOptions(timeout=timeout))[fmt]


def _warm_worker() -> None:
    warm_up(FORMATS)


class _Renderer:
    """The bounded pool of worker processes that every render goes through."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.pool: ProcessPoolExecutor | None = None
        self.waiting = 0

    def start(self) -> None:
        # spawn: the service's own threads never reach a worker through fork.
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=self.settings.workers, mp_context=context, initializer=_warm_worker)

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    async def render(self, doc: Document, fmt: str) -> bytes:
        if self.pool is None:
            self.start()
        assert self.pool is not None
        if self.waiting >= self.settings.workers + self.settings.queue:
            raise _Refusal(503, "the service is busy; try again shortly")
        self.waiting += 1
        try:
            loop = asyncio.get_running_loop()
            job = loop.run_in_executor(self.pool, _render_job, doc, fmt, self.settings.timeout)
            # The worker stops itself at the time limit; the outer wait also covers the queue.
            return await asyncio.wait_for(job, self.settings.timeout * 4 + 30)
        except RenderTimeout as exc:
            raise _Refusal(503, f"{exc}; the document was not made") from None
        except TimeoutError:
            raise _Refusal(503, "the render did not finish in time; the document was not made") from None
        except TcdocsError as exc:
            raise _Refusal(500, f"the document could not be made: {exc.format()}") from None
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a fresh pool for the next requests.
            self.stop()
            self.start()
            raise _Refusal(503, "the worker rendering the document stopped; try again") from None
        finally:
            self.waiting -= 1


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _Refusal(413, f"the request body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refusal(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _json_limits(data: Any) -> str | None:
    """Why JSON *data* is past the limits a YAML file is held to (depth, nodes, string length), or None."""
    limits = DEFAULT_LIMITS
    stack, nodes = [(data, 1)], 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if depth > limits.max_depth:
            return f"the data is nested deeper than {limits.max_depth} levels"
        if nodes > limits.max_nodes:
            return f"the data has more than {limits.max_nodes} values"
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
            stack.extend((key, depth + 1) for key in value)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and len(value) > limits.max_string:
            return f"a text is longer than {limits.max_string} characters"
    return None


async def _document(request: Request, kind: str, settings: ServiceSettings) -> tuple[Document, list[Problem]]:
    """The request body as a validated document of *kind*, or a refusal with the problems."""
    if kind not in KINDS:
        raise _Refusal(404, f"unknown document kind {kind!r}; known kinds: {', '.join(KINDS)}")
    raw = await _body(request, settings.max_body)
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Refusal(422, "the body is not UTF-8") from None
    positions: dict[Any, Any] = {}
    try:
        if media in YAML_TYPES:
            data, positions = read_yaml(text, SOURCE)
        elif media in ("application/json", "text/json") or media.endswith("+json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise LoadError([Problem(f"JSON syntax: {exc.msg}", "", SOURCE, exc.lineno, exc.colno)]) from None
            except RecursionError:
                raise LoadError([Problem("the data is nested too deeply", "", SOURCE)]) from None
            refusal = _json_limits(data)
            if refusal is not None:
                raise LoadError([Problem(refusal, "", SOURCE)])
        else:
            raise _Refusal(415, "send the data as application/json or application/yaml")
        if isinstance(data, dict):
            data.setdefault("kind", kind)
            if data["kind"] != kind:
                problem = Problem(f"this is {kind!r}'s address, but the data says kind: {data['kind']!r}", "kind", SOURCE)
                raise LoadError([problem])
        checked = check_data(data, SOURCE, positions)
    except LoadError as exc:
        raise _Refusal(422, "the data is not a valid document", exc.problems) from None
    return checked.doc, checked.warnings


@lru_cache(maxsize=8)
def _web_file(name: str) -> str:
    """A file of the page (``tcdocs/web/``), read once per process."""
    return resources.files("tcdocs").joinpath("web", name).read_text(encoding="utf-8")


def _preview_page(doc: Document) -> str:
    content = content_for(doc)
    style = _web_file("preview.css")
    header = content.header
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{_escape(header.title)}</title><style>{style}</style></head><body>"
        f'<div class="page-header"><span class="issuer">{_escape(header.issuer)}</span>'
        f'<span class="doc-type">{_escape(header.doc_type)}<br>{_escape(header.date)}<br>Dnr {_escape(header.dnr)}</span></div>'
        f"{content.html()}</body></html>"
    )


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _filename(doc: Document, fmt: str) -> str:
    return f"{safe_stem(f'{doc.kind_title}-{doc.dnr}')}.{fmt}"


OPENAPI_DESCRIPTION = (
    "Teknikcollege-dokument (samverkansavtal, hängavtal, granskningsprotokoll, beslut, styrgruppsprotokoll "
    "och intresseanmälan) som DOCX eller PDF. Skicka dokumentets uppgifter som JSON eller YAML; "
    "fel i uppgifterna ges tillbaka med fält, rad och kolumn."
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The service as an ASGI application, for uvicorn or any other ASGI server."""
    settings = settings or ServiceSettings()
    renderer = _Renderer(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        renderer.start()
        try:
            yield
        finally:
            renderer.stop()

    app = FastAPI(title="tcdocs", version=__version__, description=OPENAPI_DESCRIPTION, lifespan=lifespan)
    # A plain string checked by the service, so that an unknown kind is 404; the schema lists the kinds.
    kind_path = Path(description="Dokumentslaget", json_schema_extra={"enum": list(KINDS)})
    format_query = Query("pdf", alias="format", description="pdf eller docx", json_schema_extra={"enum": list(MEDIA_TYPES)})
    body_schema = {"oneOf": [{"$ref": f"#/components/schemas/{model.__name__}"} for model in KINDS.values()]}
    request_body = {
        "required": True,
        "description": "Dokumentets uppgifter, som i en YAML-fil för tcdocs; `kind` kan utelämnas.",
        "content": {"application/json": {"schema": body_schema}, "application/yaml": {"schema": {"type": "string"}}},
    }
    problems_response = {"description": "Uppgifterna är inte ett giltigt dokument: varje problem med fält, rad och kolumn."}

    @app.exception_handler(_Refusal)
    async def refusal(request: Request, exc: _Refusal) -> JSONResponse:
        return exc.response()

    @app.get("/healthz", summary="Tjänsten svarar")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/kinds", summary="Dokumentslagen med svenska namn")
    async def list_kinds() -> dict[str, str]:
        return kinds()

    @app.get("/v1/schema/{kind}", summary="JSON Schema för ett dokumentslag")
    async def kind_schema(kind: str = kind_path) -> JSONResponse:
        if kind not in KINDS:
            raise _Refusal(404, f"unknown document kind {kind!r}")
        return JSONResponse(schema(kind))

    @app.get("/v1/starter/{kind}", summary="En kommenterad YAML-mall att börja från", response_class=PlainTextResponse)
    async def kind_starter(kind: str = kind_path) -> PlainTextResponse:
        if kind not in KINDS:
            raise _Refusal(404, f"unknown document kind {kind!r}")
        return PlainTextResponse(starter(kind), media_type="application/yaml; charset=utf-8")

    @app.post(
        "/v1/validate/{kind}",
        summary="Kontrollera uppgifterna",
        openapi_extra={"requestBody": request_body},
        responses={422: problems_response, 413: {"description": "För stor begäran"}},
    )
    async def validate(request: Request, kind: str = kind_path) -> dict[str, Any]:
        _, warnings = await _document(request, kind, settings)
        return {"valid": True, "warnings": [_problem(w) for w in warnings]}

    @app.post(
        "/v1/preview/{kind}",
        summary="Förhandsgranska dokumentet som HTML",
        response_class=HTMLResponse,
        openapi_extra={"requestBody": request_body},
        responses={422: problems_response, 413: {"description": "För stor begäran"}},
    )
    async def preview(request: Request, kind: str = kind_path) -> HTMLResponse:
        doc, _ = await _document(request, kind, settings)
        try:
            page = await asyncio.to_thread(_preview_page, doc)
        except TcdocsError as exc:
            raise _Refusal(500, f"the preview could not be made: {exc.format()}") from None
        return HTMLResponse(page, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    @app.post(
        "/v1/documents/{kind}",
        summary="Skapa dokumentet som PDF eller DOCX",
        openapi_extra={"requestBody": request_body},
        responses={
            200: {"description": "Dokumentet", "content": {media: {} for media in MEDIA_TYPES.values()}},
            422: problems_response,
            413: {"description": "För stor begäran"},
            503: {"description": "Dokumentet hann inte skapas inom tidsgränsen, eller tjänsten är upptagen"},
        },
    )
    async def document(request: Request, kind: str = kind_path, fmt: str = format_query) -> Response:
        if fmt not in MEDIA_TYPES:
            raise _Refusal(422, f"unknown format {fmt!r}; use pdf or docx")
        doc, warnings = await _document(request, kind, settings)
        data = await renderer.render(doc, fmt)
        headers = {"Content-Disposition": f'attachment; filename="{_filename(doc, fmt)}"'}
        if warnings:
            headers["X-Tcdocs-Warnings"] = str(len(warnings))
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        html = _web_file("index.html")
        # 'unsafe-inline' styles only: the preview iframe's own stylesheet; scripts come from /assets alone.
        policy = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
                  "frame-src 'self'; img-src 'self' blob:; base-uri 'none'; form-action 'none'")
        return HTMLResponse(html, headers={"Content-Security-Policy": policy})

    @app.get("/assets/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        types = {"app.js": "text/javascript", "app.css": "text/css"}
        if name not in types:
            raise _Refusal(404, "no such asset")
        text = _web_file(name)
        return Response(text, media_type=f"{types[name]}; charset=utf-8")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            _, definitions = models_json_schema(
                [(model, "validation") for model in KINDS.values()], ref_template="#/components/schemas/{model}"
            )
            document.setdefault("components", {}).setdefault("schemas", {}).update(definitions.get("$defs", {}))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, settings: ServiceSettings | None = None) -> None:
    """Run the service with uvicorn until it is stopped."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")

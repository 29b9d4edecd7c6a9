"""tcdocs as an HTTP service: the library's validation and documents over HTTP, with a page.

Start it with ``tcdocs serve`` (it needs the ``server`` extra: ``pip install "tcdocs[server]"``).
Every request is validated exactly as the command line validates a file. A document that
refers to another gets it inline, or uploaded with it in the same request (multipart),
never as a path, so no request can make the service read a file of its choosing. Bodies
are read with a size limit and a stall limit, parsed off the event loop, and rendered in
a bounded pool of worker processes, each stopped at a time limit: a burst queues, a
runaway document gets 503, and the service keeps serving. Listening on anything but
loopback needs a token. ``/metrics`` speaks Prometheus; every request is one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import datetime as dt
import hmac
import io
import ipaddress
import json
import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path as FilePath
from typing import Any
from urllib.parse import quote

import markupsafe
from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from . import __version__
from .backends import FORMATS
from .batch import default_jobs, warm_up
from .catalogue import kinds, schema, starter
from .errors import LoadError, Problem, RenderError, RenderTimeout, TcdocsError, TemplateError, UsageError
from .forms import form_schema
from .loader import DEFAULT_LIMITS, Uploads, check_data, read_json, read_yaml
from .messages import Message, from_accept_language, say, translate
from .models import KINDS
from .models.base import Document
from .output import safe_stem
from .rendering import MAX_TIMEOUT, MIN_TIMEOUT, RenderOptions, content_for, render_formats
from .road import Case, case_from_uploads, overview

__all__ = ["ServiceSettings", "create_app", "serve"]

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
JSON_TYPES = ("application/json", "text/json")
SOURCE = "<request>"
OPEN_PATHS = ("/healthz", "/", "/favicon.ico")  # and /assets/: what answers without a token

log = logging.getLogger("tcdocs.server")


@dataclass(frozen=True)
class ServiceSettings:
    """How the service runs.

    ``max_body``: the largest request body, in bytes (413 above it). ``timeout``: seconds
    one render may take (503 after). ``workers`` and ``queue``: render processes, and how
    many requests may wait for one (503 "busy" beyond). ``body_timeout``: seconds a request
    body may stop arriving before it is dropped (408). ``token``: the bearer token every
    request needs, or None on loopback.
    """

    max_body: int = DEFAULT_LIMITS.max_bytes
    timeout: float = 30.0
    workers: int = field(default_factory=default_jobs)
    queue: int = 64
    body_timeout: float = 15.0
    token: str | None = None

    def __post_init__(self) -> None:
        if not (MIN_TIMEOUT <= self.timeout <= MAX_TIMEOUT):  # also refuses NaN
            raise UsageError(
                Message("the time limit must be a number of seconds from {least:g} to {most:g}", least=MIN_TIMEOUT, most=MAX_TIMEOUT)
            )
        if not (0.1 <= self.body_timeout <= 3600):
            raise UsageError(Message("the body time limit must be a number of seconds from 0.1 to 3600"))
        if self.token is not None and len(self.token) < 16:
            raise UsageError(Message("the token must be at least 16 characters long"))


class _Refusal(Exception):
    """A request the service answers with an error status and a JSON body."""

    def __init__(self, status: int, detail: str, problems: list[Problem] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems or []

    def response(self, language: str) -> JSONResponse:
        body: dict[str, Any] = {"detail": say(self.detail, language)}
        if self.problems:
            body["problems"] = [_problem(p, language) for p in self.problems]
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(body, status_code=self.status, headers=headers)


def _problem(problem: Problem, language: str) -> dict[str, Any]:
    """A problem as JSON: the path for programs, the field and message for people, in *language*."""
    return {
        "path": problem.path,
        "field": problem.field(language),
        "message": problem.text(language),
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "file": problem.file if problem.file != SOURCE else None,
    }


class _Metrics:
    """What an operator watches: requests, render time, the queue and worker restarts."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("tcdocs_requests", "HTTP requests answered", ["route", "status"], registry=self.registry)
        self.render_seconds = Histogram(
            "tcdocs_render_seconds",
            "Seconds a document took to render, queue included",
            ["format"],
            buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
            registry=self.registry,
        )
        self.queue = Gauge("tcdocs_queue_depth", "Renders running or waiting for a worker", registry=self.registry)
        self.restarts = Counter("tcdocs_worker_restarts", "Times the pool of render workers was restarted", registry=self.registry)


# --- the render workers --------------------------------------------------------------------------------


def _worker_start() -> None:
    """Set up a render worker: it dies with the service, leaves Ctrl-C to it, and starts warm."""
    if sys.platform.startswith("linux"):
        # PR_SET_PDEATHSIG: if the service is killed outright, the kernel stops its workers too.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(FORMATS)


def _render_job(doc: Document, fmt: str, timeout: float) -> bytes:
    # Runs in a worker process: its main thread, so the time limit's signal works there.
    return render_formats(doc, (fmt,), RenderOptions(timeout=timeout))[fmt]


class _Renderer:
    """The bounded pool of worker processes that every render goes through."""

    def __init__(self, settings: ServiceSettings, metrics: _Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.pool: ProcessPoolExecutor | None = None
        self.waiting = 0
        self.lock = threading.Lock()

    def start(self) -> None:
        # spawn: the service's own threads never reach a worker through fork.
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(max_workers=self.settings.workers, mp_context=context, initializer=_worker_start)

    def stop(self) -> None:
        """Stop the workers now, running renders included, and wait until they are gone."""
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())  # the executor has no public way to stop a busy worker
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        pool.shutdown(wait=True)

    async def render(self, doc: Document, fmt: str) -> bytes:
        if self.waiting >= self.settings.workers + self.settings.queue:
            raise _Refusal(503, Message("the service is busy; try again shortly"))
        if self.pool is None:
            self.start()
        assert self.pool is not None
        self.waiting += 1
        self.metrics.queue.set(self.waiting)
        started = time.monotonic()
        try:
            loop = asyncio.get_running_loop()
            job = loop.run_in_executor(self.pool, _render_job, doc, fmt, self.settings.timeout)
            # The worker stops itself at the time limit; the outer wait also covers the queue.
            data = await asyncio.wait_for(job, self.settings.timeout * 4 + 30)
        except RenderTimeout as exc:
            raise _Refusal(503, Message("{error}; the document was not made", error=exc)) from None
        except TimeoutError:
            raise _Refusal(503, Message("the render did not finish in time; the document was not made")) from None
        except RenderError as exc:
            raise _Refusal(422, Message("the document could not be made: {error}", error=exc)) from None
        except TemplateError as exc:
            log.error("a built-in template failed: %s", exc.format())
            raise _Refusal(500, Message("the document could not be made: a template of the service failed")) from None
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a fresh pool for the next requests.
            self.metrics.restarts.inc()
            self.stop()
            self.start()
            raise _Refusal(503, Message("the worker rendering the document stopped; try again")) from None
        finally:
            self.waiting -= 1
            self.metrics.queue.set(self.waiting)
        self.metrics.render_seconds.labels(fmt).observe(time.monotonic() - started)
        return data


# --- reading a request ---------------------------------------------------------------------------------


async def _body(request: Request, settings: ServiceSettings) -> bytes:
    """The request body, refused past the size limit (413) or when it stops arriving (408)."""
    limit = settings.max_body
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _Refusal(413, Message("the request body is larger than {limit} bytes", limit=limit))
    chunks, size = [], 0
    stream = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), settings.body_timeout)
        except StopAsyncIteration:
            break
        except TimeoutError:
            raise _Refusal(
                408, Message("the request body stopped arriving for {seconds:g} s; it was dropped", seconds=settings.body_timeout)
            ) from None
        size += len(chunk)
        if size > limit:
            raise _Refusal(413, Message("the request body is larger than {limit} bytes", limit=limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(raw: bytes, media: str, name: str) -> tuple[Any, dict[Any, Any]]:
    """A document's data and positions from YAML or JSON bytes."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError([Problem(Message("the data is not UTF-8 text; save it as UTF-8"), "", name)]) from None
    if media in YAML_TYPES or name.lower().endswith((".yaml", ".yml")):
        return read_yaml(text, name)
    if media in JSON_TYPES or media.endswith("+json") or name.lower().endswith(".json"):
        return read_json(text, name)
    raise _Refusal(415, Message("send the data as application/json or application/yaml"))


def _multipart(raw: bytes, content_type: str) -> tuple[str, bytes, str, dict[str, bytes]]:
    """The document and the files uploaded with it: (its file name, its bytes, its media type, {name: bytes})."""
    document, files = _multipart_parts(raw, content_type)
    if document is None:
        raise _Refusal(400, Message("a multipart body needs a part named 'document'"))
    return document[0], document[1], document[2], files


def _multipart_parts(raw: bytes, content_type: str) -> tuple[tuple[str, bytes, str] | None, dict[str, bytes]]:
    """The part named ``document`` (file name, bytes, media type), if any, and the parts named ``files`` by file name."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    # The header arrived as bytes and was decoded as Latin-1; the boundary is those bytes.
    _, options = parse_options_header(content_type.encode("latin-1", "replace"))
    boundary = options.get(b"boundary")
    if not boundary:
        raise _Refusal(400, Message("a multipart body needs its boundary"))
    parts: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    header: list[bytes] = [b"", b""]

    def on_part_begin() -> None:
        current.clear()
        current.update({"headers": {}, "data": bytearray()})

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        # Kept as bytes: a header's parameters (a file name in UTF-8, or any bytes at all) are parsed as bytes.
        current["headers"][header[0].decode("latin-1").lower()] = bytes(header[1])
        header[0], header[1] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current["data"] += data[start:end]

    def on_part_end() -> None:
        parts.append(dict(current))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(raw)
        parser.finalize()
    except Exception:  # python-multipart raises its own kinds for a malformed body
        raise _Refusal(400, Message("the multipart body is malformed")) from None
    document: tuple[str, bytes, str] | None = None
    files: dict[str, bytes] = {}
    for part in parts:
        _, disposition = parse_options_header(part["headers"].get("content-disposition", b""))
        field_name = disposition.get(b"name", b"").decode("utf-8", "replace")
        file_name = disposition.get(b"filename", b"").decode("utf-8", "replace")
        media = part["headers"].get("content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if field_name == "document":
            if document is not None:
                raise _Refusal(400, Message("a multipart body has one part named 'document'"))
            document = (file_name or SOURCE, bytes(part["data"]), media)
        elif field_name == "files" and file_name:
            name = FilePath(file_name).name
            if name in files:
                raise _Refusal(400, Message("two files are named '{name}'; each file sent with a document needs its own name", name=name))
            files[name] = bytes(part["data"])
    return document, files


def _check(kind: str, raw: bytes, content_type: str) -> tuple[Document, list[Problem]]:
    """The request's document of *kind*, validated; runs in a thread, off the event loop."""
    media = content_type.split(";")[0].strip().lower()
    uploads = None
    name = SOURCE
    if media == "multipart/form-data":
        name, raw, media, files = _multipart(raw, content_type)
        uploads = Uploads(files)
    data, positions = _parse(raw, media, name)
    if isinstance(data, dict):
        data.setdefault("kind", kind)
        if data["kind"] != kind:
            wrong = Message("this is the address for {kind}, but the data says kind: {given}", kind=kind, given=data["kind"])
            raise LoadError([Problem(wrong, "kind", name)])
    checked = check_data(data, name, positions, uploads)
    return checked.doc, checked.warnings


def _read_case(raw: bytes, content_type: str, today: dt.date) -> Case:
    """The case whose documents were uploaded together; runs in a thread, off the event loop."""
    document, files = _multipart_parts(raw, content_type)
    if document is not None and document[0] != SOURCE:
        files[FilePath(document[0]).name] = document[1]
    if not files:
        raise _Refusal(400, Message("send the case's documents in parts named 'files', each with its file name"))
    return case_from_uploads(files, Uploads(files), today)


async def _document(request: Request, kind: str, app_state: _State) -> tuple[Document, list[Problem]]:
    """The request body as a validated document of *kind*, or a refusal with the problems."""
    if kind not in KINDS:
        raise _Refusal(404, Message("unknown document kind '{kind}'; known kinds: {known}", kind=kind, known=", ".join(KINDS)))
    raw = await _body(request, app_state.settings)
    content_type = request.headers.get("content-type", "application/json")
    try:
        async with app_state.parsing:
            return await asyncio.to_thread(_check, kind, raw, content_type)
    except LoadError as exc:
        raise _Refusal(422, Message("the data is not a valid document"), exc.problems) from None


@dataclass
class _State:
    settings: ServiceSettings
    metrics: _Metrics
    renderer: _Renderer
    parsing: asyncio.Semaphore


# --- answers ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _web_file(name: str) -> bytes:
    """A file of the page (``tcdocs/web/``), read once per process."""
    return resources.files("tcdocs").joinpath("web", name).read_bytes()


ASSET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """The page's files a browser may fetch (scripts, styles, pictures, licences) by name, with their media types."""
    folder = resources.files("tcdocs").joinpath("web")
    found = {entry.name: ASSET_TYPES.get(FilePath(entry.name).suffix) for entry in folder.iterdir() if entry.is_file()}
    return {name: media for name, media in found.items() if media is not None}


@lru_cache(maxsize=4)
def _script_messages(language: str) -> dict[str, str]:
    """The page script's messages (``t("...")`` in ``app.js``) in *language*, found as the catalogue tool finds them."""
    from babel.messages.extract import extract

    found = extract("javascript", io.BytesIO(_web_file("app.js")), keywords={"t": None})
    return {message: translate(message, language) for _, message, _, _ in found if isinstance(message, str)}


@lru_cache(maxsize=4)
def _page_html(language: str, token: bool) -> str:
    """The page in *language*: ``index.html``, a Jinja template whose words are ``t("...")``."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_web_file("index.html").decode("utf-8"))
    texts = json.dumps(_script_messages(language), ensure_ascii=False).replace("<", "\\u003c")
    return template.render(
        lang=language,
        t=lambda text: translate(text, language),
        texts=markupsafe.Markup(texts),
        kinds=kinds(),
        token=token,
    )


def _preview_page(doc: Document) -> str:
    content = content_for(doc)
    style = _web_file("preview.css").decode("utf-8")
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


def content_disposition(doc: Document, fmt: str) -> str:
    """The download's file name as RFC 6266 wants it: ASCII for old clients, UTF-8 (RFC 5987) for all others."""
    name = f"{safe_stem(f'{doc.kind_title}-{doc.dnr}')}.{fmt}"
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_").replace("\\", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


OPENAPI_DESCRIPTION = (
    "Teknikcollege-dokument ({kinds}) som DOCX eller PDF. Skicka dokumentets uppgifter som JSON eller YAML, "
    "eller som multipart/form-data med dokumentet i delen `document` och de dokument det hänvisar till i delar "
    "som heter `files`; fel i uppgifterna ges tillbaka med fält, rad och kolumn."
)
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "frame-src 'self'; img-src 'self' blob: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The service as an ASGI application, for uvicorn or any other ASGI server."""
    settings = settings or ServiceSettings()
    metrics = _Metrics()
    state = _State(settings, metrics, _Renderer(settings, metrics), asyncio.Semaphore(max(2, settings.workers * 2)))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.renderer.start()
        try:
            yield
        finally:
            await asyncio.to_thread(state.renderer.stop)

    names = ", ".join(title.lower() for title in kinds().values())
    app = FastAPI(title="tcdocs", version=__version__, description=OPENAPI_DESCRIPTION.format(kinds=names), lifespan=lifespan)
    # A plain string checked by the service, so that an unknown kind is 404; the schema lists the kinds.
    kind_path = Path(description="Dokumentslaget", json_schema_extra={"enum": list(KINDS)})
    today_query = Query(None, description="Dagen ärendet ses från, ÅÅÅÅ-MM-DD; standard: i dag")
    status_format = Query("json", alias="format", description="json, pdf eller docx", json_schema_extra={"enum": ["json", *MEDIA_TYPES]})
    format_query = Query("pdf", alias="format", description="pdf eller docx", json_schema_extra={"enum": list(MEDIA_TYPES)})
    body_schema = {"oneOf": [{"$ref": f"#/components/schemas/{model.__name__}"} for model in KINDS.values()]}
    request_body = {
        "required": True,
        "description": "Dokumentets uppgifter, som i en YAML-fil för tcdocs; `kind` kan utelämnas.",
        "content": {
            "application/json": {"schema": body_schema},
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
    problems_response = {"description": "Uppgifterna är inte ett giltigt dokument: varje problem med fält, rad och kolumn."}
    refusals: dict[int | str, dict[str, Any]] = {
        408: {"description": "Begäran slutade komma fram"},
        413: {"description": "För stor begäran"},
        415: {"description": "Okänt dataformat"},
        422: problems_response,
    }

    @app.middleware("http")
    async def every_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
        started = time.monotonic()
        route = request.url.path
        note = ""
        try:
            if settings.token is not None and not _open(route) and not _authorised(request, settings.token):
                response: Response = _Refusal(401, Message("a valid token is needed: Authorization: Bearer <token>")).response(
                    _language(request)
                )
            else:
                response = await call_next(request)
        except ClientDisconnect:
            note = " (the client went away before its request had arrived)"
            response = Response(status_code=400)
        except Exception:  # the one place an unexpected error becomes an answer, with no trace in it
            log.exception("%s %s %s: internal error", request_id, request.method, route)
            error = Message("an internal error occurred (request {id})", id=request_id)
            response = JSONResponse({"detail": say(error, _language(request))}, status_code=500)
        _secure(response)
        response.headers["X-Request-Id"] = request_id
        label = route if route in OPEN_PATHS or route.startswith("/metrics") else "/" + "/".join(route.split("/")[1:3])
        metrics.requests.labels(label, str(response.status_code)).inc()
        elapsed = (time.monotonic() - started) * 1000
        log.info("%s %s %s %d %.0f ms%s", request_id, request.method, route, response.status_code, elapsed, note)
        return response

    @app.exception_handler(_Refusal)
    async def refusal(request: Request, exc: _Refusal) -> JSONResponse:
        return exc.response(_language(request))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
        names = ", ".join(sorted({str(error["loc"][-1]) for error in exc.errors()}))
        return _Refusal(422, Message("the request's {names} is not valid; see /openapi.json", names=names)).response(_language(request))

    @app.exception_handler(StarletteHTTPException)
    async def no_such(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            detail = Message("{method} is not used at this address", method=request.method)
        elif exc.status_code == 404:
            detail = Message("there is nothing at this address; see /openapi.json")
        else:
            detail = Message("the request cannot be answered ({status})", status=exc.status_code)
        response = _Refusal(exc.status_code, detail).response(_language(request))
        response.headers.update(exc.headers or {})
        return response

    @app.get("/healthz", summary="Tjänsten svarar")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/metrics", summary="Mätvärden för Prometheus", response_class=PlainTextResponse)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/kinds", summary="Dokumentslagen med svenska namn")
    async def list_kinds() -> dict[str, str]:
        return kinds()

    @app.get("/v1/schema/{kind}", summary="JSON Schema för ett dokumentslag")
    async def kind_schema(kind: str = kind_path) -> JSONResponse:
        if kind not in KINDS:
            raise _Refusal(404, Message("unknown document kind '{kind}'", kind=kind))
        return JSONResponse(schema(kind))

    @app.get("/v1/starter/{kind}", summary="En kommenterad YAML-mall att börja från", response_class=PlainTextResponse)
    async def kind_starter(kind: str = kind_path) -> PlainTextResponse:
        if kind not in KINDS:
            raise _Refusal(404, Message("unknown document kind '{kind}'", kind=kind))
        return PlainTextResponse(starter(kind), media_type="application/yaml; charset=utf-8")

    @app.post("/v1/validate/{kind}", summary="Kontrollera uppgifterna", openapi_extra={"requestBody": request_body}, responses=refusals)
    async def validate(request: Request, kind: str = kind_path) -> dict[str, Any]:
        _, warnings = await _document(request, kind, state)
        return {"valid": True, "warnings": [_problem(w, _language(request)) for w in warnings]}

    @app.post(
        "/v1/preview/{kind}",
        summary="Förhandsgranska dokumentet som HTML",
        response_class=HTMLResponse,
        openapi_extra={"requestBody": request_body},
        responses=refusals,
    )
    async def preview(request: Request, kind: str = kind_path) -> HTMLResponse:
        doc, _ = await _document(request, kind, state)
        try:
            page = await asyncio.to_thread(_preview_page, doc)
        except TcdocsError as exc:
            raise _Refusal(422, Message("the preview could not be made: {error}", error=exc)) from None
        return HTMLResponse(page, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    @app.post(
        "/v1/documents/{kind}",
        summary="Skapa dokumentet som PDF eller DOCX",
        openapi_extra={"requestBody": request_body},
        responses={
            200: {"description": "Dokumentet", "content": {media: {} for media in MEDIA_TYPES.values()}},
            **refusals,
            503: {"description": "Dokumentet hann inte skapas inom tidsgränsen, eller tjänsten är upptagen"},
        },
    )
    async def document(request: Request, kind: str = kind_path, fmt: str = format_query) -> Response:
        if fmt not in MEDIA_TYPES:
            raise _Refusal(422, Message("unknown format '{fmt}'; use pdf or docx", fmt=fmt))
        doc, warnings = await _document(request, kind, state)
        data = await state.renderer.render(doc, fmt)
        headers = {"Content-Disposition": content_disposition(doc, fmt)}
        if warnings:
            headers["X-Tcdocs-Warnings"] = str(len(warnings))
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)

    @app.get("/v1/form/{kind}", summary="Formuläret för ett dokumentslag: dess JSON Schema, format för sidans formulär")
    async def kind_form(kind: str = kind_path) -> JSONResponse:
        if kind not in KINDS:
            raise _Refusal(404, Message("unknown document kind '{kind}'", kind=kind))
        return JSONResponse(form_schema(kind))

    @app.post(
        "/v1/check/{kind}",
        summary="Granska uppgifterna och förhandsgranska dokumentet",
        description=(
            "Svarar alltid 200 när begäran kom fram: `valid`, `problems` och `warnings` (med fält, rad och kolumn) "
            "och `preview`, dokumentet som HTML när uppgifterna är giltiga."
        ),
        openapi_extra={"requestBody": request_body},
        responses={key: value for key, value in refusals.items() if key != 422},
    )
    async def check(request: Request, kind: str = kind_path) -> dict[str, Any]:
        language = _language(request)
        try:
            doc, warnings = await _document(request, kind, state)
        except _Refusal as refusal:
            if refusal.status != 422:
                raise
            problems = refusal.problems or [Problem(refusal.detail, "", SOURCE)]
            return {"valid": False, "problems": [_problem(p, language) for p in problems], "warnings": [], "preview": None}
        answer: dict[str, Any] = {"valid": True, "problems": [], "warnings": [_problem(w, language) for w in warnings]}
        try:
            answer["preview"] = await asyncio.to_thread(_preview_page, doc)
        except TcdocsError as exc:
            answer.update(valid=False, preview=None, problems=[_problem(Problem(exc.format(language), "", SOURCE), language)])
        return answer

    @app.post(
        "/v1/status",
        summary="Var ett certifieringsärende står på handbokens väg",
        description=(
            "Skicka ärendets dokument tillsammans som multipart/form-data, i delar som heter `files` (dokumenten hänvisar "
            "till varandra med filnamnen). Svaret är vägens tretton steg med datum och dokument, tidsfristerna och problemen "
            "mellan dokumenten, som JSON; med `format=pdf` eller `format=docx` ärendeöversikten som dokument."
        ),
        openapi_extra={
            "requestBody": {
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
        },
        responses={**{key: value for key, value in refusals.items() if key != 422}, 400: {"description": "Inga dokument"}},
    )
    async def case_status(request: Request, today: dt.date | None = today_query, fmt: str = status_format) -> Response:
        if fmt not in ("json", *MEDIA_TYPES):
            raise _Refusal(422, Message("unknown format '{fmt}'; use json, pdf or docx", fmt=fmt))
        language = _language(request)
        raw = await _body(request, state.settings)
        media = request.headers.get("content-type", "")
        if media.split(";")[0].strip().lower() != "multipart/form-data":
            raise _Refusal(415, Message("send the case's documents as multipart/form-data, in parts named 'files'"))
        try:
            async with state.parsing:
                case = await asyncio.to_thread(_read_case, raw, media, today or dt.date.today())
        except UsageError as exc:
            raise _Refusal(422, exc.args[0]) from None
        if fmt == "json":
            return JSONResponse({"today": case.today.isoformat(), "cases": [case.as_json(language)]})
        try:
            doc = overview(case, language)
        except LoadError as exc:
            raise _Refusal(422, Message("the case's ärendeöversikt cannot be written"), exc.problems) from None
        data = await state.renderer.render(doc, fmt)
        return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": content_disposition(doc, fmt)})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        html = _page_html(_language(request), settings.token is not None)
        return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_POLICY, "Content-Language": _language(request)})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(_web_file("favicon.svg"), media_type="image/svg+xml")

    @app.get("/assets/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        media = _assets().get(name)
        if media is None:
            raise _Refusal(404, Message("no such asset"))
        return Response(_web_file(name), media_type=media, headers={"Cache-Control": "no-cache"})

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            _, definitions = models_json_schema(
                [(model, "validation") for model in KINDS.values()], ref_template="#/components/schemas/{model}"
            )
            document.setdefault("components", {}).setdefault("schemas", {}).update(definitions.get("$defs", {}))
            if settings.token is not None:
                document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
                document["security"] = [{"bearer": []}]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _language(request: Request) -> str:
    """The language the client asks for: Swedish unless its Accept-Language prefers English."""
    return from_accept_language(request.headers.get("accept-language"))


def _open(route: str) -> bool:
    return route in OPEN_PATHS or route.startswith("/assets/")


def _authorised(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    # compare_digest takes as long whatever the token, so its characters cannot be guessed one by one.
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def _secure(response: Response) -> None:
    """Headers every answer carries: no sniffing of types, no framing by other sites, no referrer."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")


def is_loopback(host: str) -> bool:
    """Whether *host* is this machine only (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "tcdocs": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def serve(host: str = "127.0.0.1", port: int = 8000, settings: ServiceSettings | None = None) -> None:
    """Run the service with uvicorn until it is stopped (SIGTERM or Ctrl-C), then stop its workers.

    Raises :class:`UsageError` when *host* is not loopback and there is no token, and
    :class:`TcdocsError` when the address is taken.
    """
    import uvicorn

    settings = settings or ServiceSettings()
    if not is_loopback(host) and settings.token is None:
        raise UsageError(Message("listening on {host} lets other machines in: give a token with --token-file", host=host))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Answers go out at once, not after the client's delayed acknowledgement (40 ms a request).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise TcdocsError(
            Message(
                "cannot listen on {host}:{port}: {reason}; is another service using the port?",
                host=host,
                port=port,
                reason=exc.strerror or str(exc),
            )
        ) from None
    config = uvicorn.Config(create_app(settings), log_config=LOG_CONFIG, access_log=False, timeout_graceful_shutdown=10)
    uvicorn.Server(config).run(sockets=[sock])

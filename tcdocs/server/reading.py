"""Reading a request: its body within the limits, the kind its address names, and the document or case it carries.

Every route that takes data reads it here, so a document sent to the service is held to
one set of rules: the same size and stall limits, the same parsers as the command line,
the uploaded files as the only documents it may refer to.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path as FilePath
from typing import Annotated, Any, NamedTuple, TypeVar

from fastapi import Depends, Path, Request
from starlette.requests import ClientDisconnect

from ..data import read_data
from ..errors import LoadError, Problem, UsageError
from ..loader import Uploads, check_data
from ..messages import Message
from ..models import KINDS
from ..models.base import Document
from ..road import Case, case_from_uploads
from .answers import SOURCE, Refusal
from .clients import while_connected
from .settings import ServiceSettings
from .state import Service

__all__ = [
    "Budget",
    "Kind",
    "Verification",
    "WordUpload",
    "known_kind",
    "off_the_loop",
    "read_body",
    "read_case",
    "read_document",
    "read_verification",
    "read_versions",
    "read_word_upload",
]

T = TypeVar("T")

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
JSON_TYPES = ("application/json", "text/json")


def known_kind(
    # A plain string checked here, so that an unknown kind is 404; the schema lists the kinds.
    kind: str = Path(description="Dokumentslaget", json_schema_extra={"enum": list(KINDS)}),
) -> str:
    """The document kind an address names; a 404 refusal naming the known kinds if there is none such."""
    if kind not in KINDS:
        raise Refusal(404, Message("unknown document kind '{kind}'; known kinds: {known}", kind=kind, known=", ".join(KINDS)))
    return kind


Kind = Annotated[str, Depends(known_kind)]
"""A route's ``{kind}``, known to be a document kind."""


async def read_body(request: Request, settings: ServiceSettings) -> bytes:
    """The request body, refused past the size limit (413) or when it stops arriving (408)."""
    limit = settings.max_body
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refusal(413, Message("the request body is larger than {limit} bytes", limit=limit))
    chunks, size = [], 0
    stream = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), settings.body_timeout)
        except StopAsyncIteration:
            break
        except TimeoutError:
            raise Refusal(
                408, Message("the request body stopped arriving for {seconds:g} s; it was dropped", seconds=settings.body_timeout)
            ) from None
        size += len(chunk)
        if size > limit:
            raise Refusal(413, Message("the request body is larger than {limit} bytes", limit=limit))
        chunks.append(chunk)
    return b"".join(chunks)


async def _multipart_body(request: Request, service: Service, refusal: Message) -> tuple[bytes, str]:
    """The body of a request whose parts must come as multipart/form-data, and its content type;
    a 415 *refusal* for a body of another type."""
    raw = await read_body(request, service.settings)
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise Refusal(415, refusal)
    return raw, content_type


class Budget:
    """What one request's work may take: until its client goes, and at most *seconds*.

    The work runs in a thread, which cannot be stopped from outside; it asks :meth:`check`
    before each document it reads, and stops there.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.gone = threading.Event()

    def check(self) -> None:
        """Raise if the work must stop: :class:`ClientDisconnect`, or a 503 :class:`Refusal` past the time."""
        if self.gone.is_set():
            raise ClientDisconnect
        if time.monotonic() > self.deadline:
            raise Refusal(503, Message("checking the documents took longer than {seconds:g} s and was stopped", seconds=self.seconds))


class _Uploads(Uploads):
    """The files of one request, read within its :class:`Budget`."""

    def __init__(self, files: Mapping[str, bytes], budget: Budget) -> None:
        super().__init__(files)
        self.budget = budget

    def proceed(self) -> None:
        self.budget.check()


async def off_the_loop(request: Request, service: Service, work: Callable[[Budget], T]) -> T:
    """*work* run in a thread (a few at a time), within a :class:`Budget` of the service's time limit;
    stopped when the client goes away, and waited for, so the threads at work stay bounded."""
    budget = Budget(service.settings.timeout)
    async with service.parsing:
        running = asyncio.ensure_future(asyncio.to_thread(work, budget))
        await while_connected(request, running, budget.gone.set)
        return await running


async def read_document(request: Request, kind: str, service: Service) -> tuple[Document, list[Problem]]:
    """The request body as a validated document of *kind* and its warnings, or a 422 refusal with the problems."""
    raw = await read_body(request, service.settings)
    content_type = request.headers.get("content-type", "application/json")
    try:
        return await off_the_loop(request, service, lambda budget: _check(kind, raw, content_type, budget))
    except LoadError as exc:
        raise Refusal(422, Message("the data is not a valid document"), exc.problems) from None


async def read_case(request: Request, service: Service, today: dt.date) -> Case:
    """The certification case whose documents the request uploads together, as ``files`` parts."""
    raw, media = await _multipart_body(
        request, service, Message("send the case's documents as multipart/form-data, in parts named 'files'")
    )
    try:
        return await off_the_loop(request, service, lambda budget: _case(raw, media, today, budget))
    except UsageError as exc:
        raise Refusal(422, exc.args[0]) from None


class WordUpload(NamedTuple):
    """What ``POST /v1/read/{kind}`` sends: the edited Word file, the data it was made from, and the files the data names."""

    word: bytes
    word_name: str
    data: bytes
    data_name: str
    files: dict[str, bytes]


async def read_word_upload(request: Request, kind: str, service: Service) -> WordUpload:
    """The Word file (part ``word``) and its data (part ``document``) that a request uploads together, the data
    checked to be of *kind*; a 400 refusal for a part that is missing, a 415 for a body that is not multipart."""
    raw, content_type = await _multipart_body(
        request, service, Message("send the Word file and its data as multipart/form-data, in parts named 'word' and 'document'")
    )
    named, files = _parts(raw, content_type, ("word", "document"))
    if "word" not in named or "document" not in named:
        raise Refusal(400, Message("send the Word file in a part named 'word' and its data in a part named 'document'"))
    word_name, word, _ = named["word"]
    data_name, data, media = named["document"]
    try:
        async with service.parsing:
            await asyncio.to_thread(_of_kind, kind, data, media, data_name)
    except LoadError as exc:
        raise Refusal(422, Message("the data is not a valid document"), exc.problems) from None
    return WordUpload(word, word_name, data, data_name, files)


async def read_versions(request: Request, kind: str, service: Service) -> tuple[Document, Document]:
    """Two versions of a document of *kind*, uploaded as parts ``old`` and ``new`` (with ``files`` they name)."""
    raw, content_type = await _multipart_body(
        request, service, Message("send the two versions as multipart/form-data, in parts named 'old' and 'new'")
    )
    named, files = _parts(raw, content_type, ("old", "new"))
    if "old" not in named or "new" not in named:
        raise Refusal(400, Message("send the two versions in parts named 'old' and 'new'"))
    try:
        return await off_the_loop(request, service, lambda budget: _versions(kind, named["old"], named["new"], _Uploads(files, budget)))
    except LoadError as exc:
        raise Refusal(422, Message("the data is not a valid document"), exc.problems) from None


def _of_kind(kind: str, raw: bytes, media: str, name: str) -> Any:
    data, _ = _parse(raw, media, name)
    if isinstance(data, dict) and data.get("kind", kind) != kind:
        wrong = Message("this is the address for {kind}, but the data says kind: {given}", kind=kind, given=data["kind"])
        raise LoadError([Problem(wrong, "kind", name)])
    return data


def _versions(kind: str, old: tuple[str, bytes, str], new: tuple[str, bytes, str], uploads: Uploads) -> tuple[Document, Document]:
    documents = []
    for name, raw, media in (old, new):
        data, positions = _parse(raw, media, name)
        _of_kind(kind, raw, media, name)
        if isinstance(data, dict):
            data.setdefault("kind", kind)
        documents.append(check_data(data, name, positions, uploads).doc)
    return documents[0], documents[1]


def _parse(raw: bytes, media: str, name: str) -> tuple[Any, dict[Any, Any]]:
    """A document's data and positions from YAML or JSON bytes, as its media type or file name says."""
    if media in YAML_TYPES or name.lower().endswith((".yaml", ".yml")):
        return read_data(raw, name, syntax="YAML")
    if media in JSON_TYPES or media.endswith("+json") or name.lower().endswith(".json"):
        return read_data(raw, name, syntax="JSON")
    raise Refusal(415, Message("send the data as application/json or application/yaml"))


def _check(kind: str, raw: bytes, content_type: str, budget: Budget) -> tuple[Document, list[Problem]]:
    """The request's document of *kind*, validated; runs in a thread, off the event loop."""
    media = content_type.split(";")[0].strip().lower()
    uploads = None
    name = SOURCE
    if media == "multipart/form-data":
        document, files = _multipart(raw, content_type)
        if document is None:
            raise Refusal(400, Message("a multipart body needs a part named 'document'"))
        name, raw, media = document
        uploads = _Uploads(files, budget)
    data, positions = _parse(raw, media, name)
    if isinstance(data, dict):
        data.setdefault("kind", kind)
        if data["kind"] != kind:
            wrong = Message("this is the address for {kind}, but the data says kind: {given}", kind=kind, given=data["kind"])
            raise LoadError([Problem(wrong, "kind", name)])
    checked = check_data(data, name, positions, uploads)
    return checked.doc, checked.warnings


def _case(raw: bytes, content_type: str, today: dt.date, budget: Budget) -> Case:
    """The case whose documents were uploaded together; runs in a thread, off the event loop."""
    document, files = _multipart(raw, content_type)
    if document is not None and document[0] != SOURCE:
        name = unicodedata.normalize("NFC", FilePath(document[0]).name)
        if name in files:  # one of them would be dropped in silence
            raise Refusal(400, Message("two files are named '{name}'; each file sent with a document needs its own name", name=name))
        files[name] = document[1]
    if not files:
        raise Refusal(400, Message("send the case's documents in parts named 'files', each with its file name"))
    return case_from_uploads(files, _Uploads(files, budget), today)


class _Part(NamedTuple):
    field: str
    file: str
    data: bytes
    media: str


def _multipart(raw: bytes, content_type: str, first: str = "document") -> tuple[tuple[str, bytes, str] | None, dict[str, bytes]]:
    """The part named *first* (file name, bytes, media type), if any, and the parts named ``files`` by file name."""
    named, files = _parts(raw, content_type, (first,))
    return named.get(first), files


def _parts(
    raw: bytes, content_type: str, names: tuple[str, ...]
) -> tuple[dict[str, tuple[str, bytes, str]], dict[str, bytes]]:
    """The parts of a multipart body called *names* (each once: file name, bytes, media type), and those named
    ``files`` by their file names."""
    named: dict[str, tuple[str, bytes, str]] = {}
    files: dict[str, bytes] = {}
    for part in _all_parts(raw, content_type):
        if part.field in names:
            if part.field in named:
                raise Refusal(400, Message("a multipart body has one part named '{name}'", name=part.field))
            named[part.field] = (part.file or SOURCE, part.data, part.media)
        elif part.field == "files" and part.file:
            # NFC: a name typed on a Mac (decomposed) is the same name as one typed elsewhere.
            name = unicodedata.normalize("NFC", FilePath(part.file).name)
            if name in files:
                raise Refusal(400, Message("two files are named '{name}'; each file sent with a document needs its own name", name=name))
            files[name] = part.data
    return named, files


def _all_parts(raw: bytes, content_type: str) -> list[_Part]:
    """Every part of a multipart body: its field name, file name, bytes and media type."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    # The header arrived as bytes and was decoded as Latin-1; the boundary is those bytes.
    _, options = parse_options_header(content_type.encode("latin-1", "replace"))
    boundary = options.get(b"boundary")
    if not boundary:
        raise Refusal(400, Message("a multipart body needs its boundary"))
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
        raise Refusal(400, Message("the multipart body is malformed")) from None
    found: list[_Part] = []
    for part in parts:
        _, disposition = parse_options_header(part["headers"].get("content-disposition", b""))
        field_name = disposition.get(b"name", b"").decode("utf-8", "replace")
        file_name = disposition.get(b"filename", b"").decode("utf-8", "replace")
        media = part["headers"].get("content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        found.append(_Part(field_name, file_name, bytes(part["data"]), media))
    return found


class Verification(NamedTuple):
    """What ``POST /v1/verify`` sends: the PDF and its name, its data if given, and the trusted roots."""

    pdf: bytes
    name: str
    doc: Document | None
    trust: list[bytes]


async def read_verification(request: Request, service: Service) -> Verification:
    """A PDF to verify, sent as multipart/form-data: the part ``pdf``; its data in ``document`` (with the
    documents it names in ``files``) unless the PDF embeds it; trusted roots in parts named ``trust``."""
    raw, media = await _multipart_body(request, service, Message("send the PDF as multipart/form-data, in a part named 'pdf'"))
    try:
        return await off_the_loop(request, service, lambda budget: _verification(raw, media, budget))
    except LoadError as exc:
        raise Refusal(422, Message("the data is not a valid document"), exc.problems) from None


def _verification(raw: bytes, content_type: str, budget: Budget) -> Verification:
    parts = _all_parts(raw, content_type)
    pdfs = [part for part in parts if part.field == "pdf"]
    if len(pdfs) != 1:
        raise Refusal(400, Message("send one PDF, in a part named 'pdf'"))
    document, files = _multipart(raw, content_type)
    doc = None
    if document is not None:
        name, data, media = document
        values, positions = _parse(data, media, name)
        doc = check_data(values, name, positions, _Uploads(files, budget)).doc
    trust = [part.data for part in parts if part.field == "trust"]
    return Verification(pdfs[0].data, FilePath(pdfs[0].file).name or "dokument.pdf", doc, trust)

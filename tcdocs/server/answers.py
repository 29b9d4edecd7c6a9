"""The shape of the service's answers: refusals and problems as JSON, in the reader's language, and their headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ..errors import Problem
from ..messages import from_accept_language, say
from ..models.base import Document
from ..output import safe_stem

__all__ = ["MEDIA_TYPES", "SOURCE", "Refusal", "content_disposition", "language", "problem_json", "secure"]

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SOURCE = "<request>"
"""The file name of a document sent as the request's body: never shown as a file."""


class Refusal(Exception):
    """A request the service answers with an error status and a JSON body."""

    def __init__(self, status: int, detail: str, problems: list[Problem] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems or []

    def response(self, language: str) -> JSONResponse:
        body: dict[str, Any] = {"detail": say(self.detail, language)}
        if self.problems:
            body["problems"] = [problem_json(p, language) for p in self.problems]
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(body, status_code=self.status, headers=headers)


def problem_json(problem: Problem, language: str) -> dict[str, Any]:
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


def language(request: Request) -> str:
    """The language the client asks for: Swedish unless its Accept-Language prefers English."""
    return from_accept_language(request.headers.get("accept-language"))


def secure(response: Response) -> None:
    """Headers every answer carries: no sniffing of types, no framing by other sites, no referrer."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")


def content_disposition(doc: Document, fmt: str, suffix: str = "") -> str:
    """The download's file name as RFC 6266 wants it: ASCII for old clients, UTF-8 (RFC 5987) for all others.
    *suffix* ends the name's stem: ``-webb`` for the copy for the web, ``-ändringar`` for a comparison."""
    name = f"{safe_stem(f'{doc.kind_title}-{doc.dnr}{suffix}')}.{fmt}"
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_").replace("\\", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"

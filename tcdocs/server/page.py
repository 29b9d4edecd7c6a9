"""The service's pages: the files of the page at ``/``, and the one HTML shell the page and a preview are made from."""

from __future__ import annotations

import io
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..catalogue import kinds
from ..messages import translate
from ..models.base import Document
from ..rendering import content_for
from ..resources import template_roots
from ..wording import house_css

__all__ = ["POLICY", "PREVIEW_POLICY", "asset_types", "page_html", "preview_html", "verify_page_html", "web_file"]

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "frame-src 'self'; img-src 'self' blob: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""What the page may load: its own files, and nothing from anywhere else."""

PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""A preview is the document alone: no script, no file, its style inline."""

ASSET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


@lru_cache(maxsize=32)
def web_file(name: str) -> bytes:
    """A file of the page (``tcdocs/web/``), read once per process."""
    return resources.files("tcdocs").joinpath("web", name).read_bytes()


@lru_cache(maxsize=1)
def asset_types() -> dict[str, str]:
    """The page's files a browser may fetch (scripts, styles, pictures, licences) by name, with their media types."""
    folder = resources.files("tcdocs").joinpath("web")
    found = {entry.name: ASSET_TYPES.get(Path(entry.name).suffix) for entry in folder.iterdir() if entry.is_file()}
    return {name: media for name, media in found.items() if media is not None}


@lru_cache(maxsize=1)
def _shells() -> jinja2.Environment:
    # The HTML shells are Jinja templates among the page's files; their words are t("...").
    loader = jinja2.FunctionLoader(lambda name: web_file(name).decode("utf-8"))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _shell(name: str, **context: Any) -> str:
    """The page shell *name* (``index.html``, ``preview.html``) filled with *context*."""
    return _shells().get_template(name).render(**context)


SCRIPTS = {"index.html": ("app.js", "word.js", "cases.js"), "verify.html": ("verify.js",)}
"""The scripts of each page whose words are ``t("...")``: the form's, the Word round trip's and the stored cases', the PDF check's."""


@lru_cache(maxsize=8)
def _script_messages(language: str, page: str = "index.html") -> dict[str, str]:
    """The messages of *page*'s scripts (``t("...")`` in :data:`SCRIPTS`) in *language*, found as the catalogue tool finds them."""
    from babel.messages.extract import extract

    found = [
        message
        for script in SCRIPTS[page]
        for _, message, _, _ in extract("javascript", io.BytesIO(web_file(script)), keywords={"t": None})
    ]
    return {message: translate(message, language) for message in found if isinstance(message, str)}


@lru_cache(maxsize=4)
def page_html(language: str, token: bool) -> str:
    """The page in *language*; *token* says whether the page must ask for the service's token."""
    texts = json.dumps(_script_messages(language), ensure_ascii=False).replace("<", "\\u003c")
    return _shell(
        "index.html",
        lang=language,
        t=lambda text: translate(text, language),
        texts=markupsafe.Markup(texts),
        kinds=kinds(),
        token=token,
    )


@lru_cache(maxsize=4)
def verify_page_html(language: str) -> str:
    """The page "Check a PDF" in *language*: a PDF and its data sent to ``POST /v1/verify``."""
    texts = json.dumps(_script_messages(language, "verify.html"), ensure_ascii=False).replace("<", "\\u003c")
    return _shell("verify.html", lang=language, t=lambda text: translate(text, language), texts=markupsafe.Markup(texts))


def preview_html(doc: Document) -> str:
    """*doc* as one HTML page, with its page header above it, in the house style.

    Raises a :class:`~tcdocs.errors.TcdocsError`.
    """
    content = content_for(doc)
    house, _ = house_css(template_roots(), screen=True)
    style = markupsafe.Markup(house + web_file("preview.css").decode("utf-8"))
    return _shell("preview.html", header=content.header, style=style, body=markupsafe.Markup(content.html()))

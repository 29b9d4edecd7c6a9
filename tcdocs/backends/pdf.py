"""The PDF backend: the house page around the content, laid out by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .. import __version__
from ..content import Content
from ..errors import RenderError, TemplateError
from ..wording import environment

__all__ = ["BundledFetcher", "write"]

PAGE_TEMPLATE = "house/page.html.j2"
MAX_RESOURCE_BYTES = 10 * 1024 * 1024


class BundledFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files from the template folders and nothing else: no network, no other files."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=5)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise FatalURLFetchingError(f"refused to fetch {url}: only files of the templates can be used")
        # resolve() removes ".." and follows symlinks before the containment check.
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise FatalURLFetchingError(f"refused to fetch {url}: not a file inside the template folders")
        if path.stat().st_size > MAX_RESOURCE_BYTES:
            raise FatalURLFetchingError(f"refused to fetch {url}: larger than {MAX_RESOURCE_BYTES} bytes")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


@contextmanager
def _fixed_font_dates(date: str) -> Iterator[None]:
    # Without HarfBuzz's subsetter, fontTools stamps "now" into each embedded font;
    # SOURCE_DATE_EPOCH makes it use the document's own date instead.
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    day = dt.date.fromisoformat(date)
    epoch = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def page_html(content: Content, roots: tuple[Path, ...]) -> str:
    """The complete HTML page WeasyPrint lays out for *content*."""
    template = environment(roots).get_template(PAGE_TEMPLATE)
    return template.render(header=content.header, body=Markup(content.html()), version=__version__)


def write(content: Content, roots: tuple[Path, ...]) -> bytes:
    """Lay out *content* with the house style and return the PDF's bytes.

    Raises :class:`TemplateError` if the house page refers to anything outside the
    template folders, :class:`RenderError` if WeasyPrint fails.
    """
    base = next((root for root in roots if (root / "house" / "house.css").is_file()), roots[-1])
    html = HTML(string=page_html(content, roots), base_url=base.as_uri() + "/", url_fetcher=BundledFetcher(roots))
    try:
        with _fixed_font_dates(content.header.date):
            pdf = html.write_pdf(uncompressed_pdf=False)
    except FatalURLFetchingError as exc:
        raise TemplateError(str(exc), PAGE_TEMPLATE) from None
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one message.
        raise RenderError(f"the PDF could not be laid out: {exc}") from exc
    if not isinstance(pdf, bytes):
        raise RenderError("WeasyPrint returned no PDF")
    return pdf

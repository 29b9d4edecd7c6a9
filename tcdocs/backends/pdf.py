"""The PDF backend: the house page around the content, laid out by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import lxml.html
from markupsafe import Markup
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .. import __version__
from ..content import PROVENANCE_FILE, Content
from ..errors import RenderError, TemplateError
from ..wording import environment, render_template

if TYPE_CHECKING:
    from ..rendering import RenderOptions

__all__ = ["BundledFetcher", "page_html", "write"]

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
    # Without HarfBuzz's subsetter, fontTools stamps SOURCE_DATE_EPOCH (or "now") into
    # each embedded font. The document's own date is used, whatever the environment says,
    # so the same data gives the same bytes on any day and machine.
    day = dt.date.fromisoformat(date)
    epoch = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def page_html(content: Content, roots: tuple[Path, ...], variant: str | None = None) -> str:
    """The complete HTML page WeasyPrint lays out for *content*."""
    template_env = environment(roots)
    context = {
        "header": content.header,
        "body": Markup(content.html()),
        "version": __version__,
        "data_sha256": hashlib.sha256(content.data).hexdigest() if content.data else "",
        "variant": variant or "pdf",
    }
    return render_template(template_env, PAGE_TEMPLATE, context)


class _ErrorLog(logging.Handler):
    """Collects WeasyPrint's error messages during one render, so that they fail it."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collect_errors() -> Iterator[_ErrorLog]:
    logger = logging.getLogger("weasyprint")
    handler = _ErrorLog()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


MAX_PAGES = 1000
MAX_PAGE_MM = 2000
_PX_PER_MM = 96 / 25.4


def _refuse_attachments(page: str) -> None:
    # WeasyPrint embeds the target of rel="attachment" as a file in the PDF; only the
    # PDF/A-3b's own copy of the data may be embedded.
    tree = lxml.html.document_fromstring(page)
    for element in tree.iter():
        if isinstance(element.tag, str) and "attachment" in (element.get("rel") or "").lower().split():
            raise TemplateError(f"<{element.tag} rel=\"attachment\"> is refused: a PDF embeds no files but its own data", PAGE_TEMPLATE)


def _check_size(document: Any) -> None:
    if len(document.pages) > MAX_PAGES:
        raise RenderError(f"the document is too large: {len(document.pages)} pages, more than {MAX_PAGES}")
    for number, page in enumerate(document.pages, start=1):
        if max(page.width, page.height) / _PX_PER_MM > MAX_PAGE_MM:
            raise RenderError(f"page {number} is too large ({page.width / _PX_PER_MM:.0f} × {page.height / _PX_PER_MM:.0f} mm)")


def _house_folder(roots: tuple[Path, ...]) -> Path:
    """The template folder whose ``house/house.css`` styles the page: a user's, or the built-in one."""
    return next((root for root in roots if (root / "house" / "house.css").is_file()), roots[-1])


class HouseStyle(NamedTuple):
    """The parsed user-agent and house stylesheets, and the fonts the house style loads."""

    user_agent: CSS
    house: CSS
    fonts: FontConfiguration


@lru_cache(maxsize=8)
def _house_style(roots: tuple[Path, ...]) -> HouseStyle:
    """The house style for *roots*, parsed and its fonts loaded once per process.

    Parsing the CSS and registering the @font-face fonts is work that does not depend
    on the document; a batch does it once instead of once per document. The lean
    ``house/ua.css`` replaces WeasyPrint's full user-agent stylesheet, so each element
    is matched against fewer rules.
    """
    fonts = FontConfiguration()
    fetcher = BundledFetcher(roots)
    folder = _house_folder(roots) / "house"
    ua = next((root / "house" / "ua.css" for root in roots if (root / "house" / "ua.css").is_file()), folder / "ua.css")
    user_agent = CSS(filename=str(ua), url_fetcher=fetcher)
    return HouseStyle(user_agent, CSS(filename=str(folder / "house.css"), url_fetcher=fetcher, font_config=fonts), fonts)


class _HousePage(HTML):  # type: ignore[misc]
    """A WeasyPrint document laid out with the house's user-agent stylesheet."""

    user_agent: CSS

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [self.user_agent]


def _attachments(content: Content, variant: str | None) -> list[Attachment]:
    if variant != "pdf/a-3b" or not content.data:
        return []
    day = dt.date.fromisoformat(content.header.date)
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return [
        Attachment(
            string=content.data.decode("utf-8"),
            name=PROVENANCE_FILE,
            description="The data this document was rendered from (tcdocs verify re-renders it)",
            created=moment,
            modified=moment,
            relationship="Source",
        )
    ]


def write(content: Content, roots: tuple[Path, ...], options: RenderOptions | None = None) -> bytes:
    """Lay out *content* with the house style and return the PDF's bytes.

    The PDF carries its provenance (tcdocs version and the SHA-256 of the data) in its
    metadata; a PDF/A-3b embeds the data too. Raises :class:`TemplateError` if the
    house page refers to anything outside the template folders, :class:`RenderError`
    if WeasyPrint fails or reports an error.
    """
    variant = options.pdf_variant if options is not None else None
    base = _house_folder(roots)
    page = page_html(content, roots, variant)
    _refuse_attachments(page)
    html = _HousePage(string=page, base_url=base.as_uri() + "/", url_fetcher=BundledFetcher(roots))
    try:
        with _fixed_font_dates(content.header.date), _collect_errors() as errors:
            style = _house_style(roots)
            html.user_agent = style.user_agent
            document = html.render(stylesheets=[style.house], font_config=style.fonts, pdf_variant=variant, custom_metadata=True)
            _check_size(document)
            pdf = document.write_pdf(
                uncompressed_pdf=False,
                pdf_variant=variant,
                custom_metadata=True,
                attachments=_attachments(content, variant),
            )
    except (TemplateError, RenderError):
        raise
    except FatalURLFetchingError as exc:
        raise TemplateError(str(exc), PAGE_TEMPLATE) from None
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one message.
        raise RenderError(f"the PDF could not be laid out: {exc}") from exc
    if errors.messages:
        raise RenderError("WeasyPrint reported errors, so no PDF was written:\n  " + "\n  ".join(errors.messages))
    if not isinstance(pdf, bytes):
        raise RenderError("WeasyPrint returned no PDF")
    return pdf

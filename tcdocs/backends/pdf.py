"""The PDF backend: the house page around the content, laid out by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import mimetypes
import re
import shutil
import tempfile
import threading
import warnings
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from markupsafe import Markup

with warnings.catch_warnings():
    # Without HarfBuzz's subsetter WeasyPrint warns on import that a future version will
    # need it; tcdocs works either way (see SUBSETTER), so the warning says nothing to a user.
    warnings.filterwarnings("ignore", "HarfBuzz-Subset will be required", DeprecationWarning)
    import weasyprint.pdf.fonts
    from fontTools import subset as font_subset
    from fontTools.ttLib import TTFont, TTLibError
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.ffi import harfbuzz_subset
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .._version import __version__
from ..content import PROVENANCE_FILE, Content
from ..data import read_file
from ..errors import LoadError, RenderError, TemplateError
from ..fonts import read_head
from ..messages import Message
from ..options import RenderOptions
from ..resources import MAX_TEMPLATE_BYTES
from ..wording import environment, house_css, render_template
from .pdf_fields import add_fields, signature_fields

__all__ = ["BundledFetcher", "page_html", "release_fonts", "write"]

PAGE_TEMPLATE = "house/page.html.j2"
MAX_RESOURCE_BYTES = MAX_TEMPLATE_BYTES


class BundledFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files from the template folders and nothing else: no network, no other files."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=5)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise FatalURLFetchingError(Message("refused to fetch {url}: only files of the templates can be used", url=url))
        # resolve() removes ".." and follows symlinks before the containment check.
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise FatalURLFetchingError(Message("refused to fetch {url}: not a file inside the template folders", url=url))
        try:
            body = read_file(path, MAX_RESOURCE_BYTES)
        except LoadError as exc:
            raise FatalURLFetchingError(Message("refused to fetch {url}: {reason}", url=url, reason=exc.problems[0].message)) from None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


SUBSETTER = "harfbuzz" if harfbuzz_subset is not None else "fonttools"
"""Which library subsets the embedded fonts: HarfBuzz (Debian's ``libharfbuzz-subset0``),
or fontTools where HarfBuzz's subsetter is not installed, several times slower."""


class _StableFont(weasyprint.pdf.fonts.Font):  # type: ignore[misc]
    """A font of one of tcdocs' PDFs that, subset by fontTools, keeps its own dates.

    fontTools stamps "now" (or ``SOURCE_DATE_EPOCH``) into every font it saves, so a PDF
    whose fonts it subset would differ from run to run. Keeping the font's own dates makes
    the bytes depend on the document alone, as they do when HarfBuzz subsets; and reading
    them with :func:`~tcdocs.fonts.read_head` spares the log fontTools' reading writes.
    """

    file_content: bytes

    def subset(self, to_unicode: dict[int, str], hinting: bool) -> None:
        # WeasyPrint's own fontTools subsetting, with the same options, keeping the font's dates
        # and without its warning for every font: this backend said once that fontTools subsets.
        if not to_unicode:
            return
        options = font_subset.Options(
            retain_gids=True,
            passthrough_tables=True,
            ignore_missing_glyphs=True,
            hinting=hinting,
            desubroutinize=True,
            notdef_outline=bool(self.missing),
        )
        options.drop_tables += ["GSUB", "GPOS", "SVG"]
        subsetter = font_subset.Subsetter(options)
        subsetter.populate(gids=to_unicode)
        try:
            font = TTFont(io.BytesIO(self.file_content), fontNumber=self.index, recalcTimestamp=False)
            font["head"] = read_head(font)
            subsetter.subset(font)
        except TTLibError:
            return  # as WeasyPrint does: the whole font is embedded
        out = io.BytesIO()
        font.save(out)
        self.file_content = out.getvalue()


if SUBSETTER == "fonttools":
    logging.getLogger(__name__).info("HarfBuzz's subsetter is not installed; fontTools subsets the PDF fonts")


class _StableFonts(dict[Any, Any]):
    """The fonts of one document as WeasyPrint collects them, each made a :class:`_StableFont`.

    Only this document's fonts change; WeasyPrint itself stays as it is for every other
    caller in the process.
    """

    def __setitem__(self, key: Any, font: Any) -> None:
        font.__class__ = _StableFont
        super().__setitem__(key, font)


def page_html(content: Content, roots: tuple[Path, ...], variant: str | None = None, publish: bool = False) -> str:
    """The complete HTML page WeasyPrint lays out for *content* (with *publish*, the copy for the web)."""
    template_env = environment(roots)
    context = {
        "header": content.header,
        "body": Markup(content.html()),
        "version": __version__,
        "data_sha256": hashlib.sha256(content.data).hexdigest() if content.data else "",
        "variant": variant or "pdf",
        "publish": publish,
    }
    return render_template(template_env, PAGE_TEMPLATE, context)[0]


# The error messages of the render running in this thread (or task), if one is running.
_RENDER_ERRORS: ContextVar[list[str] | None] = ContextVar("tcdocs_render_errors", default=None)


class _ErrorLog(logging.Handler):
    """Collects WeasyPrint's error messages into the running render's list, so that they fail it.

    One handler is added to WeasyPrint's logger when this module is imported; renders
    only set a context variable, so no render changes the logging set-up of the process.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        messages = _RENDER_ERRORS.get()
        if messages is not None:
            messages.append(record.getMessage())


logging.getLogger("weasyprint").addHandler(_ErrorLog())


@contextmanager
def _collect_errors() -> Iterator[list[str]]:
    messages: list[str] = []
    token = _RENDER_ERRORS.set(messages)
    try:
        yield messages
    finally:
        _RENDER_ERRORS.reset(token)


# Pango, fontconfig and GLib are not safe to use from several threads at once; a library
# caller's threads take turns here, so concurrent renders give correct bytes and no crash.
_ENGINE = threading.Lock()


MAX_PAGES = 1000
MAX_PAGE_MM = 2000
_PX_PER_MM = 96 / 25.4


def _refuse_attachments(tree: Any) -> None:
    # WeasyPrint embeds the target of rel="attachment" as a file in the PDF; only the
    # PDF/A-3b's own copy of the data may be embedded.
    for element in tree.iter():
        if isinstance(element.tag, str) and "attachment" in (element.get("rel") or "").lower().split():
            raise TemplateError(
                Message('<{tag} rel="attachment"> is refused: a PDF embeds no files but its own data', tag=element.tag), PAGE_TEMPLATE
            )


def _check_size(document: Any) -> None:
    if len(document.pages) > MAX_PAGES:
        raise RenderError(Message("the document is too large: {count} pages, more than {most}", count=len(document.pages), most=MAX_PAGES))
    for number, page in enumerate(document.pages, start=1):
        if max(page.width, page.height) / _PX_PER_MM > MAX_PAGE_MM:
            raise RenderError(
                Message(
                    "page {number} is too large ({width:.0f} × {height:.0f} mm)",
                    number=number,
                    width=page.width / _PX_PER_MM,
                    height=page.height / _PX_PER_MM,
                )
            )


class HouseStyle(NamedTuple):
    """The parsed user-agent and house stylesheets, and the fonts the house style loads."""

    user_agent: CSS
    house: CSS
    fonts: FontConfiguration
    families: frozenset[str]
    """The font families the house stylesheet brings with @font-face: the only ones a PDF may use."""


_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*?font-family:\s*[\"']?([^;\"'}]+)", re.IGNORECASE)


@lru_cache(maxsize=8)
def _house_style(roots: tuple[Path, ...]) -> HouseStyle:
    """The house style for *roots*, parsed and its fonts loaded once per process.

    Parsing the CSS and registering the @font-face fonts is work that does not depend
    on the document; a batch does it once instead of once per document. The lean
    ``house/ua.css`` replaces WeasyPrint's full user-agent stylesheet, so each element
    is matched against fewer rules.
    """
    fonts = _HouseFonts()
    _remove_at_the_end(fonts)  # known before its fonts are written: a worker stopped meanwhile removes it too
    fetcher = BundledFetcher(roots)
    text, folder = house_css(roots)
    ua = next((root / "house" / "ua.css" for root in roots if (root / "house" / "ua.css").is_file()), folder / "ua.css")
    user_agent = CSS(filename=str(ua), url_fetcher=fetcher)
    families = frozenset(name.strip() for name in _FONT_FACE.findall(text))
    house = CSS(string=text, base_url=folder.as_uri() + "/", url_fetcher=fetcher, font_config=fonts)
    return HouseStyle(user_agent, house, fonts, families)


class _HouseFonts(FontConfiguration):  # type: ignore[misc]
    """WeasyPrint's font configuration, its folder of font files made at once rather than with the first
    font written into it, so that the folder is known (and removed) however the process ends."""

    def __init__(self) -> None:
        super().__init__()
        self._folder = Path(tempfile.mkdtemp(prefix="weasyprint-"))


_font_folders: list[weakref.finalize] = []  # type: ignore[type-arg]
_font_folders_lock = threading.Lock()


def _remove_at_the_end(fonts: FontConfiguration) -> None:
    # WeasyPrint writes the @font-face fonts into a temporary folder that it removes when the
    # configuration is collected; a cached house style is held until the interpreter ends, which
    # collects nothing. A finalizer removes the folder then (weakref.finalize runs at exit), or
    # when the configuration goes, whichever comes first.
    folder = getattr(fonts, "_folder", None)
    if folder is None:
        return
    with _font_folders_lock:
        _font_folders[:] = [remover for remover in _font_folders if remover.alive]
        _font_folders.append(weakref.finalize(fonts, shutil.rmtree, str(folder), ignore_errors=True))


def release_fonts() -> None:
    """Forget the house styles and remove the folders of font files WeasyPrint made for them.

    This happens by itself when the process ends normally; a process that ends otherwise calls it
    first (the service's render workers, when they are stopped). Call it when no render is under way;
    a render afterwards loads the house style again.
    """
    _house_style.cache_clear()
    with _font_folders_lock:
        removers, _font_folders[:] = list(_font_folders), []
    for remover in removers:
        remover()


class _HousePage(HTML):  # type: ignore[misc]
    """A WeasyPrint document laid out with the house's user-agent stylesheet."""

    user_agent: CSS

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [self.user_agent]


def _house_page(page: str, roots: tuple[Path, ...], base: Path) -> _HousePage:
    """*page* parsed once, by WeasyPrint's own parser, and its tree checked before it is laid out."""
    html = _HousePage(string=page, base_url=base.as_uri() + "/", url_fetcher=BundledFetcher(roots))
    _refuse_attachments(html.etree_element)
    return html


def _attachments(content: Content, variant: str | None, publish: bool) -> list[Attachment]:
    if variant != "pdf/a-3b" or not content.data or publish:  # a copy for the web carries no contact details
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
    publish = options is not None and options.publish
    base = house_css(roots)[1].parent
    html = _house_page(page_html(content, roots, variant, publish), roots, base)
    try:
        with _ENGINE, _collect_errors() as errors:
            style = _house_style(roots)
            html.user_agent = style.user_agent
            document = html.render(stylesheets=[style.house], font_config=style.fonts, pdf_variant=variant, custom_metadata=True)
            _check_size(document)
            if SUBSETTER == "fonttools":
                document.fonts = _StableFonts()
            pdf = document.write_pdf(
                uncompressed_pdf=False,
                pdf_variant=variant,
                custom_metadata=True,
                attachments=_attachments(content, variant, publish),
            )
    except (TemplateError, RenderError):
        raise
    except FatalURLFetchingError as exc:
        raise TemplateError(exc.args[0] if exc.args else str(exc), PAGE_TEMPLATE) from None
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one message.
        raise RenderError(Message("the PDF could not be laid out: {error}", error=exc)) from exc
    if errors:
        raise RenderError(Message("WeasyPrint reported errors, so no PDF was written:\n  {errors}", errors="\n  ".join(errors)))
    foreign = sorted({font.family for font in document.fonts.values()} - style.families)
    if foreign:
        # Pango filled in letters the house fonts lack from the machine's own fonts: the PDF
        # would look different on every machine, so it is not written.
        raise RenderError(
            Message(
                "the document needs the font {fonts}, which is not a house font: some text (in a template) has letters "
                "the house fonts lack",
                fonts=", ".join(foreign),
            )
        )
    if not isinstance(pdf, bytes):
        raise RenderError(Message("WeasyPrint returned no PDF"))
    if content.signable:
        fields = signature_fields(document)
        if fields:
            pdf = add_fields(pdf, fields, tagged=variant == "pdf/ua-1")
    return pdf

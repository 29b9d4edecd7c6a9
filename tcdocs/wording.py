"""Wording templates: a sandboxed Jinja environment that turns a model into checked content."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import EvalContext
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from .content import FIELD_ATTRIBUTE, Content, Header, parse_content
from .errors import TemplateError
from .fieldnames import label_of
from .fonts import unsupported
from .formatting import NBSP, bind
from .house import Rule, Type, house
from .labels import labels
from .layout import table_widths
from .messages import Message
from .models.base import Document, Signer
from .resources import template_file, template_roots
from .tracing import (
    FieldFormatter,
    Traced,
    field_of,
    field_span,
    joined,
    keeping,
    marked,
    paragraph_parts,
    parse_tag,
    traced_item,
    tracing,
)

__all__ = ["ContainedLoader", "LimitedSandbox", "environment", "house_css", "render_content", "render_template"]


def _paragraphs(text: str) -> Markup:
    """Text with blank lines between paragraphs, as ``<p>`` elements.

    A single line break inside a paragraph is where the YAML file's line ended, not
    the writer's intent, so it becomes a space and the paragraph flows on the page.
    """
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(part) for part in paragraph_parts(text, blocks))


def _lines(text: str) -> Markup:
    """Escaped text whose line breaks become ``<br/>``."""
    lines = Markup("<br/>").join(escape(line) for line in text.strip().split("\n"))
    path = field_of(text)
    return lines if path is None else field_span(lines, path)


def _css_string(text: str) -> Markup:
    """*text* as a quoted CSS string: every character but letters, digits and spaces is a hex
    escape, so no data can end the string or the style sheet, and a line break becomes ``\\A``."""
    out = []
    for char in str(text):
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"{}"').format(Markup("".join(out)))


def _mm(value: float | tuple[float, ...]) -> Markup:
    """A length of the house style (or the four of a padding) in mm, as CSS writes it: ``1.2mm 1.8mm``."""
    values = value if isinstance(value, tuple) else (value,)
    return Markup(" ".join(f"{float(number):g}mm" for number in values))


def _share(value: float) -> Markup:
    """A share of the width as a CSS percentage: 0.55 is ``55%``."""
    return Markup(f"{float(value) * 100:g}%")


def _colour(value: str) -> Markup:
    """A house colour (``555555``, checked as six hex digits when the house style is read) as CSS writes it."""
    return Markup(f"#{value.lower()}")


def _rule(rule: Rule) -> Markup:
    """A house rule as a CSS border: ``0.5pt solid #555555``."""
    return Markup(f"{float(rule.width):g}pt solid ") + _colour(rule.colour)


def _type(style: Type, space: bool = True) -> Markup:
    """How a house :class:`~tcdocs.house.Type` sets text, as CSS declarations; with *space*, its margins too."""
    out = [f"font-size: {style.size:g}pt;"]
    if style.line is not None:
        out.append(f"line-height: {style.line:g};")
    if space:
        out.append(f"margin: {style.before:g}mm 0 {style.after:g}mm;")
    if style.bold:
        out.append("font-weight: bold;")
    if style.italic:
        out.append("font-style: italic;")
    if style.colour is not None:
        out.append(f"color: {_colour(style.colour)};")
    return Markup(" ".join(out))


def _upfirst(text: str) -> str:
    """The text with its first letter in capitals and the rest untouched (unlike ``capitalize``)."""
    return text[:1].upper() + text[1:]


def _nobreak(text: str) -> str:
    """Text that a line never breaks inside (a phone number, "12 500 kr"): its spaces are no-break spaces."""
    return str(text).replace(" ", NBSP)


def _lowfirst(text: str) -> str:
    """The text with its first letter in lower case, for a title inside a sentence."""
    return text[:1].lower() + text[1:]


MAX_PRODUCT = 100_000
"""The longest string or list a template may make with ``*``, and the largest power with ``**``."""

MAX_OUTPUT = 5_000_000
"""The most characters one template may produce: far more than any document, far less than the memory."""


def _refuse(message: str) -> jinja2.exceptions.SecurityError:
    return jinja2.exceptions.SecurityError(message)


def _check_width(width: Any) -> None:
    if isinstance(width, int) and width > MAX_PRODUCT:
        raise _refuse(Message("a width of {width} is too large for a template", width=width))


class _Joining(CodeGenerator):
    """Jinja's code generator, with ``a ~ b`` compiled to :meth:`LimitedSandbox.joined_text`, so that text a template
    builds around a field ("Teknikcollege " ~ doc.region) keeps the field's words traced (:mod:`tcdocs.tracing`)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        escaping = "context.eval_ctx.autoescape" if frame.eval_ctx.volatile else repr(bool(frame.eval_ctx.autoescape))
        self.write(f"), {escaping})")


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, which also bounds what a template can make: products, output and padding.

    The sandbox stops attribute walking (``__class__``, ``__globals__``) and huge
    ``range()`` calls; this adds the same care for ``*``, ``**`` and ``+``, for the
    filters and string methods that pad or multiply text (``center``, ``replace``,
    ``ljust``), and for the total output, which would otherwise fill the memory long
    before a time limit could act.
    """

    intercepted_binops = frozenset({"*", "**", "+"})
    code_generator_class = _Joining

    @staticmethod
    def joined_text(values: tuple[Any, ...], autoescape: bool) -> Any:
        """What ``a ~ b ~ c`` gives: Jinja's joined text, with the fields' words in it still traced."""
        traced = any(isinstance(value, Traced) or field_of(value) for value in values)
        if traced and not any(hasattr(value, "__html__") for value in values):
            return joined(values)
        return markup_join(values) if autoescape else str_join(values)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["attr"] = self._attr
        for name in ("center", "indent", "wordwrap", "truncate"):
            self.filters[name] = self._bounded_filter(self.filters[name])
        self.filters["replace"] = self._replace
        self.filters["format"] = self._format

    def concat(self, pieces: Iterable[str]) -> str:
        # Used for a template's whole output, a macro's and a {% set %} block's.
        total, out = 0, []
        for piece in pieces:
            total += len(piece)
            if total > MAX_OUTPUT:
                raise _refuse(Message("the template produced more than {max_output} characters", max_output=MAX_OUTPUT))
            out.append(piece)
        return "".join(out)

    @staticmethod
    def _bounded_filter(function: Any) -> Any:
        def bounded(*args: Any, **kwargs: Any) -> Any:
            for value in [*args[1:], *kwargs.values()]:
                _check_width(value)
            return function(*args, **kwargs)

        return bounded

    @staticmethod
    def _replace(text: Any, old: str, new: str, count: int | None = None) -> str:
        if (len(str(text)) + 1) * len(str(new)) > MAX_OUTPUT:
            raise _refuse(Message("a replacement that could grow the text this much is refused"))
        result: str = jinja2.filters.do_replace(EvalContext(LimitedSandbox()), text, old, new, count)
        return result

    @staticmethod
    def _format(value: Any, *args: Any, **kwargs: Any) -> str:
        raise _refuse(Message("the format filter is refused; the fmt helpers format dates and amounts"))

    def _attr(self, obj: Any, name: str) -> Any:
        # Jinja hands out a wrapped str.format through |attr; a template needs neither.
        if name.startswith("_") or name in ("format", "format_map"):
            raise _refuse(Message("access to attribute '{name}' through |attr is refused", name=name))
        return self.getattr(obj, name)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # A field of the data being rendered comes with its path (tcdocs.tracing), so its words can be found again.
        return traced_item(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return traced_item(obj, argument, super().getitem(obj, argument))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # str.format reaches attributes by name ("{0.__class__}"); templates have filters instead.
        if isinstance(obj, str) and attr in ("format", "format_map"):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # String and list methods that pad or repeat ('x'.ljust(10**9), s.replace('', big)).
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str | list | tuple):
            for value in [*args, *kwargs.values()]:
                _check_width(value)
                if isinstance(value, str) and (len(owner) + 1) * len(value) > MAX_OUTPUT:
                    raise _refuse(Message("a call that could grow the text this much is refused"))
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 100:
            raise _refuse(Message("the power {right} is too large for a template", right=right))
        if operator == "*":
            for sequence, factor in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(factor, int) and len(sequence) * factor > MAX_PRODUCT:
                    raise _refuse(Message("a product longer than {max_product} items is refused", max_product=MAX_PRODUCT))
        growing = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
        if operator == "+" and growing and len(left) + len(right) > MAX_OUTPUT:
            raise _refuse(Message("a sum longer than {max_output} items is refused", max_output=MAX_OUTPUT))
        return super().call_binop(context, operator, left, right)


class ContainedLoader(jinja2.FileSystemLoader):
    """Finds templates in the template folders, and refuses one whose real file lies outside them.

    A symbolic link inside a user's template folder could otherwise bring any file of
    the machine into a document through ``{% include %}``; the PDF's resource fetcher
    makes the same check for stylesheets and fonts.
    """

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__([str(root) for root in roots])
        self.roots = tuple(root.resolve() for root in roots)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        # As FileSystemLoader finds a template, but read as every file is: a regular file of bounded size.
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if not path.is_file():
                continue
            real = path.resolve()
            if not any(real.is_relative_to(root) for root in self.roots):
                raise _refuse(Message("the template '{template}' is a link to a file outside the template folders", template=template))
            source = _text(template_file(path, template), template)
            return source, str(path), _unchanged(path)
        raise jinja2.TemplateNotFound(template)

    def relative(self, filename: str) -> str:
        """*filename* as the name of a template, without the folders it was found in."""
        path = Path(filename)
        for root in self.searchpath:
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return path.name


def _join_filter(join: Any) -> Any:
    @jinja2.pass_eval_context
    def join_traced(eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: str | int | None = None) -> Any:
        """Jinja's ``join``; joining fields' texts keeps each traced to its field."""
        items = list(value)
        traced = any(isinstance(item, Traced) or field_of(item) for item in items)
        if attribute is None and traced and not any(hasattr(item, "__html__") for item in items):
            return joined(items, str(d))
        return join(eval_ctx, items, d, attribute)

    return join_traced


def _unchanged(path: Path) -> Callable[[], bool]:
    """Whether the file at *path* is still as it was now (Jinja's ``uptodate``)."""
    changed = path.stat().st_mtime_ns

    def unchanged() -> bool:
        try:
            return path.stat().st_mtime_ns == changed
        except OSError:
            return False

    return unchanged


def _text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError(Message("the template is not UTF-8 text; save it as UTF-8"), name) from None


def _label_filter(roots: tuple[Path, ...]) -> Any:
    def label(value: Any, group: str | None = None) -> str:
        """A choice's Swedish name: ``{{ party.type | label }}``, ``{{ f.model | label("Financing.model") }}``."""
        name = group or type(value).__name__
        key = getattr(value, "value", value)
        try:
            return labels(roots)[name][key]
        except KeyError:
            raise _refuse(Message("labels.yaml has no name for {group} '{key}'", group=name, key=key)) from None

    return label


@lru_cache(maxsize=8)
def environment(roots: tuple[Path, ...]) -> SandboxedEnvironment:
    """The shared, sandboxed environment for *roots*; templates are compiled once per process."""
    env = LimitedSandbox(
        loader=ContainedLoader(roots),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=marked,
    )
    env.filters["paragraphs"] = _paragraphs
    env.filters["lines"] = _lines
    env.filters["upfirst"] = keeping(_upfirst)
    env.filters["lowfirst"] = keeping(_lowfirst)
    env.filters["css_string"] = _css_string
    env.filters["nobreak"] = keeping(_nobreak)
    env.filters["join"] = _join_filter(env.filters["join"])
    env.filters["label"] = _label_filter(roots)
    env.filters.update(mm=_mm, share=_share, colour=_colour, rule=_rule, type=_type)  # for house/house.css.j2
    env.globals["signer"] = _signer
    return env


def _signer(
    body: str, person: Any = None, *, name: str | None = None, capacity: str | None = None, place: str | None = None
) -> Signer:
    """One signature block for the ``signatures`` macro: the body signed for (worded by the template), and who signs.

    ``signer("Styrelsen för " ~ rts, doc.chair)`` takes name, capacity and place from a
    :class:`~tcdocs.models.base.Signatory`; ``name=``, ``capacity=`` and ``place=`` give or
    replace them. A person's job title is never taken for the capacity: the template words it.
    """
    def given(field: str) -> Any:
        # Read as the template would read it, so a field's text stays traced to its field.
        return traced_item(person, field, getattr(person, field, None))

    def text(value: Any) -> str:
        return value if isinstance(value, str) else "" if value is None else str(value)

    return Signer(
        text(body),
        place if place is not None else given("place"),
        text(name if name is not None else given("name")),
        text(capacity if capacity is not None else given("capacity")),
    )


HEADER_NAMES = ("doc_type", "issuer", "title")
"""What a wording template sets at its top for the page header and the file's metadata."""


def _plain(value: Any) -> str:
    """A name a template set, as plain text on one line: ``{% set title %}…{% endset %}`` is escaped markup."""
    if value is None:
        return ""
    text = value.striptags() if isinstance(value, Markup) else str(value)
    return " ".join(text.split())


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Render template *name*: its output, and the names it sets at its top level.

    Every failure becomes a :class:`TemplateError` with its file and line. Files are
    named as templates are (``agreements/hangavtal.html.j2``), never by their place on
    the disk, so that a message shown to a service's user names no server path.
    """
    try:
        template = env.get_template(name)
        run = template.new_context(context)
        try:
            # As render() does, but keeping the names the template sets; concat() bounds the output.
            output = env.concat(template.root_render_func(run))
        except Exception:
            env.handle_exception()  # the traceback in the template's own lines
        return output, run.get_exported()
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.message or "syntax error", exc.name or name, exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(Message("template '{name}' not found", name=exc.name), name) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(Message("refused by the sandbox: {error}", error=exc), *_where(env, exc, name)) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(str(exc), *_where(env, exc, name)) from None
    except (RecursionError, MemoryError) as exc:
        raise TemplateError(Message("ran away ({name})", name=type(exc).__name__), name) from None
    except TemplateError:
        raise  # a file the template uses (the labels, the house style) names itself
    except Exception as exc:  # a user's template can fail in any way; report it, never a traceback
        raise TemplateError(Message("{name}: {error}", name=type(exc).__name__, error=exc), *_where(env, exc, name)) from None


def _where(env: jinja2.Environment, exc: BaseException, name: str) -> tuple[str, int | None]:
    """The template and line where *exc* was raised, as Jinja's rewritten traceback shows it."""
    where: tuple[str, int | None] = (name, None)
    trace = exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            shown = env.loader.relative(filename) if isinstance(env.loader, ContainedLoader) else Path(filename).name
            where = (shown, trace.tb_lineno)
        trace = trace.tb_next
    return where


def render_content(doc: Document, locale: str, templates: Path | None = None) -> Content:
    """Render *doc*'s wording template into checked content with its page header.

    Raises :class:`TemplateError` if the template is missing, fails or produces
    markup outside the allowed subset.
    """
    fmt = _field_formatter(locale)
    env = environment(template_roots(templates))
    context: dict[str, Any] = {"doc": doc, "fmt": fmt}
    name = doc.template()
    with tracing(doc):
        markup, exported = render_template(env, name, context)
    missing_names = [key for key in HEADER_NAMES if not _plain(exported.get(key))]
    if missing_names:
        raise TemplateError(
            Message("set {names} at the top of the template, as the built-in ones do", names=", ".join(missing_names)), name
        )
    header = Header(
        issuer=_plain(exported["issuer"]),
        doc_type=_plain(exported["doc_type"]),
        title=_plain(exported["title"]),
        date=fmt.isodate(doc.date),
        dnr=doc.dnr,
    )
    body = parse_content(markup, name)
    missing = unsupported("".join(body.itertext()))
    if missing:
        # The data is checked when it is read; this is text of the template itself.
        raise TemplateError(Message("it writes {value}, which the house fonts have no letters for", value=" ".join(missing[:10])), name)
    _bind(body)
    return Content(
        header=header,
        body=body,
        template=name,
        tables=table_widths(body, house(template_roots(templates))),
        kind=doc.kind_name(),
        fields=_field_names(doc, body),
    )


def _field_names(doc: Document, body: etree._Element) -> dict[str, str]:
    """The Swedish name of each field marked in *body*, by its mark."""
    names: dict[str, str] = {}
    for span in body.iter("span"):
        tag = span.get(FIELD_ATTRIBUTE, "")
        parsed = parse_tag(tag)
        if parsed is not None and tag not in names:
            names[tag] = label_of(type(doc), parsed[0])
    return names


@lru_cache(maxsize=8)
def _field_formatter(locale: str) -> FieldFormatter:
    return FieldFormatter(locale)


_Slot = tuple[etree._Element, str]
_DIGIT = re.compile(r"\d")


def _bind(body: etree._Element) -> None:
    """Put no-break spaces where a line must not break (:func:`~tcdocs.formatting.bind`), in each run of
    text that no element interrupts: a field's mark (``<span>``) is no interruption, so "Dnr " and
    the Dnr of a field are kept together as they are in unmarked text."""
    runs: list[list[_Slot]] = [[]]

    def walk(element: etree._Element) -> None:
        inline = element.tag == "span"
        if not inline:
            runs.append([])
        if element.text:
            runs[-1].append((element, "text"))
        for child in element:
            walk(child)
        if not inline:
            runs.append([])
        if element.tail:
            runs[-1].append((element, "tail"))

    walk(body)
    for slots in runs:
        if not slots:
            continue
        texts = [getattr(element, where) for element, where in slots]
        joined = "".join(texts)
        if not _DIGIT.search(joined):
            continue  # every place bind() keeps together holds a digit
        bound = bind(joined)
        at = 0
        for (element, where), text in zip(slots, texts, strict=True):
            setattr(element, where, bound[at : at + len(text)])  # bind() changes spaces only: lengths stay
            at += len(text)


HOUSE_CSS = "house/house.css"
HOUSE_CSS_TEMPLATE = "house/house.css.j2"


@lru_cache(maxsize=16)
def house_css(roots: tuple[Path, ...], screen: bool = False) -> tuple[str, Path]:
    """The house stylesheet of *roots*, and the folder its URLs (the fonts) are relative to.

    A folder's own ``house/house.css`` is taken as it is; otherwise ``house/house.css.j2`` is
    filled with the house style's measures (:mod:`tcdocs.house`). *screen* leaves out what
    only a printed page has (the fonts, the page's margins, header and footer), for the
    service's preview. Raises :class:`TemplateError`.
    """
    for root in roots:
        if (root / HOUSE_CSS).is_file():
            return _text(template_file(root / HOUSE_CSS, HOUSE_CSS), HOUSE_CSS), root / "house"
        if (root / HOUSE_CSS_TEMPLATE).is_file():
            css, _ = render_template(environment(roots), HOUSE_CSS_TEMPLATE, {"house": house(roots), "screen": screen})
            return css, root / "house"
    raise TemplateError(Message("template '{name}' not found", name=HOUSE_CSS_TEMPLATE), HOUSE_CSS_TEMPLATE)

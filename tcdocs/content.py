"""The document content both backends lay out: a small, checked tree of semantic HTML.

A wording template produces this markup; :func:`parse_content` refuses anything
outside the subset below, so a backend never meets an element it cannot place
and a template cannot smuggle in scripts, images or links.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from .errors import TemplateError
from .layout import rows_of
from .messages import Message

__all__ = [
    "ALLOWED",
    "FIELD_ATTRIBUTE",
    "FIELD_TAG",
    "PROVENANCE_FILE",
    "Content",
    "Header",
    "keeps_together",
    "keeps_with_next",
    "parse_content",
]

PROVENANCE_FILE = "tcdocs-data.json"
"""The name under which a PDF/A-3b embeds the data it was rendered from."""

# element -> the classes it may carry (an empty set: no class at all).
ALLOWED: dict[str, frozenset[str]] = {
    "article": frozenset(),
    "h1": frozenset(),
    "h2": frozenset(),
    "h3": frozenset(),
    "p": frozenset({"lead", "note", "label", "sig-party", "sig-line", "sig-place", "sig-name", "keep-next"}),
    "strong": frozenset(),
    "em": frozenset(),
    "br": frozenset(),
    "ul": frozenset(),
    "ol": frozenset(),
    "li": frozenset(),
    "table": frozenset({"grid", "plain", "signatures"}),
    "thead": frozenset(),
    "tbody": frozenset(),
    "tfoot": frozenset(),
    "tr": frozenset({"sig-head"}),
    "th": frozenset({"amount"}),
    "td": frozenset({"amount", "total"}),
    "span": frozenset(),
}
"""A ``<span>`` marks the text of one field of the data (``data-field``, :mod:`tcdocs.tracing`); it changes
nothing of the layout."""

FIELD_ATTRIBUTE = "data-field"
"""The attribute of a ``<span>`` that names the field whose text it holds: its dotted path, and for a text of
several paragraphs, the paragraph (``answers.0.answer#2``)."""
FIELD_TAG = re.compile(r"[A-Za-z0-9_.\-]{1,200}(#[0-9]{1,4})?")

KEEP_TOGETHER_ROWS = 6
"""A table of at most this many rows is not split over two pages (the protocol's reviewers)."""


def keeps_together(table: etree._Element) -> bool:
    """Whether both formats keep *table* on one page: a small table reads badly split."""
    return len(rows_of(table)) <= KEEP_TOGETHER_ROWS


def keeps_with_next(table: etree._Element) -> list[bool]:
    """For each row of *table*, whether a page must not break after it, in both formats.

    A small table stays whole. A longer one keeps its heading with its first two rows and
    its last two rows together, so no page starts or ends with a row alone; a signature
    block keeps its heading (``tr.sig-head``) with its lines.
    """
    rows = rows_of(table)
    count = len(rows)
    if keeps_together(table):
        return [index < count - 1 for index in range(count)]
    heading = sum(1 for row in rows if row.getparent().tag == "thead")
    return [
        index < count - 1 and (index <= heading or index == count - 2 or "sig-head" in row.get("class", "").split())
        for index, row in enumerate(rows)
    ]


@dataclass(frozen=True)
class Header:
    """What stands in every page header, the same in DOCX and PDF."""

    issuer: str
    doc_type: str
    title: str
    date: str
    dnr: str
    language: str = "sv"
    mark: str = ""
    """What sets this copy apart from the signed original (UTKAST, WEBBVERSION), under the issuer; empty for it."""


@dataclass(frozen=True)
class Content:
    """One document's checked content and its header, ready for a backend."""

    header: Header
    body: etree._Element
    template: str
    data: bytes = b""
    """The document's data as canonical JSON, for the PDF's provenance; empty if unknown."""
    tables: tuple[tuple[float, ...], ...] = ()
    """Each table's column widths in mm, in document order (``body.iter("table")``); see
    :mod:`tcdocs.layout`. Both backends lay tables out with these widths."""
    signable: bool = True
    """Whether the PDF gets an empty signature field over each signature line: not a draft, nor a publication copy."""
    kind: str = ""
    """The document's kind (``samverkansavtal``), which the Word file records."""
    fields: Mapping[str, str] = field(default_factory=dict)
    """The name a person knows each marked field by (``Parter › 3 › Företrädd av``), by its mark
    (``parties.2.represented_by``); the Word file shows it as the title of the field's content control."""

    def html(self) -> str:
        """The body as an HTML fragment, each table with its column widths as ``<col>`` elements."""
        body = copy.deepcopy(self.body)
        etree.strip_tags(body, "span")  # the marks of the fields are for the Word file: the PDF lays out the same text without them
        for table, widths in zip(body.iter("table"), self.tables, strict=False):
            total = sum(widths)
            group = etree.Element("colgroup")
            for width in widths:
                etree.SubElement(group, "col", style=f"width: {100 * width / total:.3f}%")
            table.insert(0, group)
            if keeps_together(table):
                table.set("style", "break-inside: avoid")
            for row, keep in zip(rows_of(table), keeps_with_next(table), strict=True):
                if keep:
                    row.set("style", "break-after: avoid")
        return str(etree.tostring(body, encoding="unicode", method="html"))


def parse_content(markup: str, template: str) -> etree._Element:
    """Parse a wording template's output and check it against :data:`ALLOWED`.

    Raises :class:`TemplateError` naming the template and the offending element.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = etree.fromstring(markup.strip().encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(Message("produced malformed markup: {msg}", msg=exc.msg), template, exc.lineno) from None
    if root.tag != "article":
        raise TemplateError(Message("the content must be one <article> element"), template)
    for element in root.iter():
        if not isinstance(element.tag, str):
            raise TemplateError(Message("entities and processing instructions are not allowed in content"), template, element.sourceline)
        _check(element, template)
    return root


def _check(element: etree._Element, template: str) -> None:
    tag = element.tag
    if tag not in ALLOWED:
        raise TemplateError(Message("<{tag}> is not allowed in document content", tag=tag), template, element.sourceline)
    if tag == "span":
        _check_field(element, template)
        return
    for name, value in element.attrib.items():
        if name != "class":
            raise TemplateError(Message("attribute '{name}' on <{tag}> is not allowed", name=name, tag=tag), template, element.sourceline)
        unknown = set(value.split()) - ALLOWED[tag]
        if unknown:
            raise TemplateError(
                Message("class '{names}' on <{tag}> is not allowed", names=" ".join(sorted(unknown)), tag=tag), template, element.sourceline
            )


_INSIDE_FIELD = frozenset({"br", "strong", "em"})


def _check_field(element: etree._Element, template: str) -> None:
    """A field's mark: ``<span data-field="path">``, holding text, line breaks and emphasis only."""
    line = element.sourceline
    if set(element.attrib) != {FIELD_ATTRIBUTE} or not FIELD_TAG.fullmatch(element.get(FIELD_ATTRIBUTE, "")):
        raise TemplateError(Message("a <span> marks a field: it takes one attribute, data-field, naming the field"), template, line)
    for inner in element.iterdescendants():
        if inner.tag not in _INSIDE_FIELD:
            raise TemplateError(Message("<{tag}> is not allowed inside a field's <span>", tag=inner.tag), template, line)

"""The copies of a document besides the original for signing: a draft, marked as one, and the copy for the web.

A draft (:attr:`~tcdocs.models.base.Document.is_draft`) says UTKAST, with its version and date,
in every page header and under its title, and gets no signature fields. The publication copy
(``RenderOptions(publish=True)``, ``tcdocs render --publish``) of minutes, an extract or a decision
leaves out what only the original's readers should see: every contact field of the data (a
model's :attr:`~tcdocs.models.base.Model.personal` fields: e-mail and phone), any phone number,
e-mail address or personnummer left in the text, and the signatures, which become the signers'
names; it says WEBBVERSION where a draft says UTKAST. Names in running text, and anything
else personal that a pattern cannot recognise, are left for a person to check.

The words of both marks are in the template ``house/marks.html.j2``; this module places them,
the same in the DOCX and the PDF.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from lxml import etree
from pydantic import BaseModel

from .content import Content, parse_content
from .errors import TemplateError
from .fonts import unsupported
from .formatting import bind, formatter
from .messages import Message
from .models.base import Document
from .options import RenderOptions
from .resources import template_roots
from .wording import environment, render_template

__all__ = ["MARKS_TEMPLATE", "for_publication", "mark", "personal_data"]

MARKS_TEMPLATE = "house/marks.html.j2"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A Swedish phone number: +46 or a leading 0, then digits in groups (08-123 456 00, 070-123 45 67,
# +46 70 123 45 67). Not after a letter, digit, slash or hyphen, so a Dnr (RTS 2027/018), an
# organisation number (212999-0012) or a date is never taken for one.
_PHONE = re.compile(r"(?<![\w/+‐-])(?:\+46[\s‐-]?(?:\(0\)\s?)?|0)\d{1,3}(?:[\s‐-]?\d{2,4}){1,4}(?![\w/])")
_PHONE_DIGITS = 7
# A personnummer or samordningsnummer: (CC)YYMMDD-NNNN, told from an organisation number (whose
# "month" is 20 or more) and from chance digits by its month, its day and its check digit.
_PERSONNUMMER = re.compile(r"(?<![\w-])(?:19|20)?(\d{2})(\d{2})(\d{2})[-+\s]?(\d{4})(?![\w-])")


def for_publication(doc: Document) -> Document:
    """*doc* without the contact details of anyone in it: every field a model names as
    :attr:`~tcdocs.models.base.Model.personal` left empty, at any depth."""
    result = _without_personal(doc)
    assert isinstance(result, Document)
    return result


def _without_personal(value: Any) -> Any:
    if isinstance(value, BaseModel):
        changes: dict[str, Any] = {}
        personal: frozenset[str] = getattr(value, "personal", frozenset())
        for name in type(value).model_fields:
            current = getattr(value, name)
            if name in personal:
                if current is not None:
                    changes[name] = None
                continue
            cleaned = _without_personal(current)
            if cleaned is not current:
                changes[name] = cleaned
        # model_copy does not validate again: a contact person left without e-mail and phone is
        # what the copy is meant to show, though the data itself must name one of them.
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, list | tuple):
        cleaned_items = [_without_personal(item) for item in value]
        if any(new is not old for new, old in zip(cleaned_items, value, strict=True)):
            return type(value)(cleaned_items)
    return value


def personal_data(text: str) -> list[str]:
    """The phone numbers, e-mail addresses and personnummer that *text* holds, as written."""
    found = [match.group(0) for match in _EMAIL.finditer(text)]
    found += [match.group(0) for match in _PHONE.finditer(text) if _is_phone(match)]
    found += [match.group(0) for match in _PERSONNUMMER.finditer(text) if _is_personnummer(match)]
    return found


def _is_phone(match: re.Match[str]) -> bool:
    return sum(char.isdigit() for char in match.group(0)) >= _PHONE_DIGITS


def _is_personnummer(match: re.Match[str]) -> bool:
    year, month, day, last = match.groups()
    days = int(day) - 60 if int(day) > 60 else int(day)  # a samordningsnummer adds 60 to the day
    if not (1 <= int(month) <= 12 and 1 <= days <= 31):
        return False
    digits = year + month + day + last
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def _scrub(text: str, removed: str) -> str:
    text = _EMAIL.sub(removed, text)
    text = _PERSONNUMMER.sub(lambda match: removed if _is_personnummer(match) else match.group(0), text)
    return _PHONE.sub(lambda match: removed if _is_phone(match) else match.group(0), text)


_SIGNING_ONLY = frozenset({"sig-place", "label", "sig-line"})
"""The parts of a signature block that are there to be signed: place and date, the line and its labels."""


def _names_for_signatures(body: etree._Element) -> None:
    """Each signature block left with the body signed for, the signer's name and capacity: nothing to sign."""
    for table in body.iter("table"):
        if table.get("class") != "signatures":
            continue
        for cell in table.iter("td"):
            paragraphs = list(cell.iterchildren("p"))
            if not any("sig-line" in p.get("class", "").split() for p in paragraphs):
                continue
            for paragraph in paragraphs:
                if set(paragraph.get("class", "").split()) & _SIGNING_ONLY:
                    cell.remove(paragraph)


def mark(content: Content, doc: Document, options: RenderOptions) -> Content:
    """*content* as the copy *options* ask for: marked as a draft when *doc* is one, and made the
    publication copy with ``options.publish``; the original for signing is returned as it is.

    Raises :class:`TemplateError` if ``house/marks.html.j2`` fails or leaves out what it must set.
    """
    if not doc.is_draft and not options.publish:
        return content
    env = environment(template_roots(options.templates))
    context = {"doc": doc, "fmt": formatter(options.locale), "publish": options.publish}
    markup, exported = render_template(env, MARKS_TEMPLATE, context)
    header, removed = (str(exported.get(name) or "") for name in ("header", "removed"))
    if not header or (options.publish and not removed):
        raise TemplateError(Message("set header and removed at the top of the template, as the built-in one does"), MARKS_TEMPLATE)
    lines = parse_content(markup, MARKS_TEMPLATE)
    missing = unsupported("".join(lines.itertext()))
    if missing:
        message = Message("it writes {value}, which the house fonts have no letters for", value=" ".join(missing[:10]))
        raise TemplateError(message, MARKS_TEMPLATE)
    body = copy.deepcopy(content.body)
    if options.publish:
        _names_for_signatures(body)
        for element in body.iter():
            if element.text:
                element.text = _scrub(element.text, removed)
            if element.tail:
                element.tail = _scrub(element.tail, removed)
    # Under the title and the lines that go with it (a samverkansavtal's period), before the text.
    children = list(body)
    title = next((index for index, child in enumerate(children) if child.tag == "h1"), -1)
    while title + 1 < len(children) and children[title + 1].tag == "p" and "lead" in children[title + 1].get("class", "").split():
        title += 1
    for offset, line in enumerate(list(lines)):
        for element in line.iter():
            element.text = bind(element.text) if element.text else element.text
            element.tail = bind(element.tail) if element.tail else element.tail
        body.insert(title + 1 + offset, line)
    return dataclasses.replace(content, body=body, header=dataclasses.replace(content.header, mark=header), signable=False)

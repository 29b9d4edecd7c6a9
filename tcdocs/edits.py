"""A Word file that comes back edited, read against the data it was made from: what changed, and the data with it.

A party's lawyer opens the Word file tcdocs wrote, changes a name, an amount or a sentence,
adds comments, and sends it back. :func:`read_edits` renders the data again and lays the
edited file beside that fresh rendering, paragraph by paragraph (tables cell by cell), and
tells apart

* **field changes**: the words of a field of the data (:mod:`tcdocs.tracing`), now other
  words; each becomes a new value of that field, written into the data's YAML text where
  the old value stood (:mod:`tcdocs.yamledit`), and the new data is checked;
* **text changes**: wording of the template (a clause, a sentence around a field), which
  no field holds and which the user must decide on, reported at its § with the paragraph
  before and after;
* **comments** and **tracked changes** not yet accepted, each at its §.

How the words of a field are found in the edited file, in order of trust:

1. by the content control around them, tagged with the field's path (Word keeps controls
   and their tags when the text inside is retyped, split into runs or spell-marked);
2. by the order of untagged controls in a paragraph (LibreOffice keeps the controls but
   drops their tags when it saves a Word file);
3. by aligning the paragraph's words with the fresh rendering's, where the controls were
   stripped (by another editor, or copy and paste): a change that lies within a field's
   words is that field's; one that reaches over its edge is a text change.

The edited file is read as it would read with every tracked change accepted: what a party
proposes is what is compared, and the changes are listed besides, so that nothing is
taken in unseen.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from .data import Path_, dotted, read_data, read_file
from .errors import LoadError, Problem, UsageError, shown
from .fieldnames import label_of, scalar_type
from .formatting import NBSP
from .loader import Files, Sources, check_data
from .messages import Message, say
from .models.base import Document
from .models.criteria import criterion_key
from .options import DEFAULT_OPTIONS, RenderOptions
from .rendering import canonical_data, content_for
from .resources import template_roots
from .tracing import parse_tag
from .wordfile import Block, Piece, WordFile, blocks_of_body, read_word_file, read_word_path
from .yamledit import UnwritableChange, write_values, yaml_value

__all__ = ["CommentNote", "FieldChange", "Reading", "RevisionNote", "TextChange", "Where", "read_edited_file", "read_edits"]

_HOLE = "\ue000"  # stands for a field's words when two paragraphs' wording is compared


# --- what is reported -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where in the document something stands: its section (``§ 9 Ansvar``) and its place in it."""

    section: str
    place: Message

    def text(self, language: str) -> str:
        place = say(self.place, language)
        return f"{self.section}, {place}" if self.section else say(Message("the beginning, {place}", place=place), language)


@dataclass(frozen=True)
class FieldChange:
    """A field whose words were changed in the Word file.

    ``status`` is ``applied`` (written into the new data), ``conflict`` (changed in two
    places to two values), ``unreadable`` (the new words are not a value of the field's
    kind, such as a date), ``elsewhere`` (the field is one of another file the data names)
    or ``unwritable`` (the data file gives it no place to be written).
    """

    path: Path_
    label: str
    old: str
    new: str
    where: tuple[Where, ...]
    status: str = "applied"
    file: str | None = None
    message: str = ""
    keys: Path_ = ()
    """The field's place in the data as its file writes it (a criterion by the name the file gives it)."""


@dataclass(frozen=True)
class TextChange:
    """Wording changed, added (``added``) or removed (``removed``) outside the fields, with the paragraph
    before and after, and the fields the paragraph holds."""

    where: Where
    before: str
    after: str
    kind: str = "changed"


@dataclass(frozen=True)
class CommentNote:
    """A comment in the Word file: author, date, what it says, the text it is anchored to and where."""

    author: str
    date: str
    text: str
    anchor: str
    where: Where


@dataclass(frozen=True)
class RevisionNote:
    """A tracked change not yet accepted or rejected, where it is, and the field it is in, if any."""

    kind: str
    author: str
    date: str
    text: str
    where: Where
    field: str = ""


_REVISION_WORDS = {
    "insert": Message("inserted"),
    "delete": Message("deleted"),
    "format": Message("formatting changed"),
    "insert-row": Message("table row inserted"),
    "delete-row": Message("table row deleted"),
}


@dataclass
class Reading:
    """What :func:`read_edits` found, and the data with the field changes applied."""

    kind: str
    word_file: str
    data_file: str
    fields: list[FieldChange] = field(default_factory=list)
    texts: list[TextChange] = field(default_factory=list)
    comments: list[CommentNote] = field(default_factory=list)
    revisions: list[RevisionNote] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    yaml: str | None = None
    """The data's YAML text with the applied field changes, or None when no field change could be applied."""
    problems: list[Problem] = field(default_factory=list)
    """The problems of the new data, located in it (empty: it is valid)."""

    @property
    def unchanged(self) -> bool:
        """Whether the Word file holds nothing to report: no change, comment or tracked change."""
        return not (self.fields or self.texts or self.comments or self.revisions)

    def report(self, language: str) -> str:
        """What was found, as the command line prints it, in *language*."""
        lines: list[str] = [say(note, language) for note in self.notes]
        word = shown(self.word_file)
        if self.unchanged:
            lines.append(say(Message("{word}: nothing was changed, commented or tracked", word=word), language))
            return "\n".join(lines)
        if self.fields:
            lines.append(say(Message("{word}: fields changed in the Word file ({count}):", word=word, count=len(self.fields)), language))
            for change in self.fields:
                places = "; ".join(where.text(language) for where in change.where)
                lines.append(f"  {change.label}: {change.old} → {change.new}   ({places})")
                if change.status != "applied":
                    lines.append(f"      {say(change.message, language)}")
        if self.texts:
            count = len(self.texts)
            lines.append(say(Message("{word}: text outside the fields changed ({count}):", word=word, count=count), language))
            for text in self.texts:
                lines.append(f"  {text.where.text(language)}: {say(_TEXT_WORDS[text.kind], language)}")
                if text.before:
                    lines.append(f"      {say(_BEFORE, language)}: {text.before}")
                if text.after:
                    lines.append(f"      {say(_AFTER, language)}: {text.after}")
        if self.comments:
            lines.append(say(Message("{word}: comments ({count}):", word=word, count=len(self.comments)), language))
            for comment in self.comments:
                head = f"  {comment.where.text(language)}: {comment.author}, {_day(comment.date)}"
                lines.append(head + (f" «{comment.anchor}»" if comment.anchor else ""))
                lines.append(f"      {comment.text}")
        if self.revisions:
            count = len(self.revisions)
            lines.append(say(Message("{word}: tracked changes not yet accepted ({count}):", word=word, count=count), language))
            for revision in self.revisions:
                what = say(_REVISION_WORDS.get(revision.kind, Message("changed")), language)
                in_field = f" [{revision.field}]" if revision.field else ""
                lines.append(
                    f"  {revision.where.text(language)}: {what}{in_field}, {revision.author}, {_day(revision.date)}: «{revision.text}»"
                )
        return "\n".join(lines)

    def as_json(self, language: str) -> dict[str, Any]:
        """The reading for other programs: field paths beside their Swedish names, places as text."""
        return {
            "kind": self.kind,
            "unchanged": self.unchanged,
            "notes": [say(note, language) for note in self.notes],
            "fields": [
                {
                    "path": dotted(change.path),
                    "keys": list(change.keys or change.path),
                    "label": change.label,
                    "old": change.old,
                    "new": change.new,
                    "where": [where.text(language) for where in change.where],
                    "status": change.status,
                    "file": change.file,
                    "message": say(change.message, language) if change.message else "",
                }
                for change in self.fields
            ],
            "texts": [
                {"where": text.where.text(language), "kind": text.kind, "before": text.before, "after": text.after} for text in self.texts
            ],
            "comments": [
                {"author": c.author, "date": c.date, "text": c.text, "anchor": c.anchor, "where": c.where.text(language)}
                for c in self.comments
            ],
            "revisions": [
                {"kind": r.kind, "author": r.author, "date": r.date, "text": r.text, "field": r.field, "where": r.where.text(language)}
                for r in self.revisions
            ],
            "yaml": self.yaml,
            "valid": not self.problems,
            "problems": [
                {"path": p.path, "label": p.label, "message": p.text(language), "line": p.line, "column": p.column} for p in self.problems
            ],
        }


_TEXT_WORDS = {"changed": Message("changed"), "added": Message("added"), "removed": Message("removed")}
_BEFORE, _AFTER = Message("before"), Message("after")


def _day(stamp: str) -> str:
    return stamp[:10] if stamp else "–"


# --- reading ---------------------------------------------------------------------------------------------


def read_edits(
    word: bytes,
    data: bytes | str,
    *,
    word_name: str = "",
    data_name: str = "",
    sources: Sources | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    out_name: str | None = None,
) -> Reading:
    """Compare the Word file *word* with a fresh rendering of the YAML *data*, and apply its field changes.

    *word_name* and *data_name* name the two in messages; *sources* is where the documents
    the data names are read from; *out_name* names the new data in its problems (default:
    *data_name*). Raises :class:`LoadError` if the Word file cannot be read, is not a tcdocs
    document made from data of this kind, or if *data* itself has problems.
    """
    edited = read_word_file(word, word_name)
    values, positions = read_data(data, data_name)
    text = data if isinstance(data, str) else data.decode("utf-8-sig")  # read_data has checked it is UTF-8
    doc = check_data(values, data_name, positions, sources).doc
    _check_origin(edited, doc, word_name, data_name)
    fresh = _fresh_blocks(doc, options)
    reading = Reading(doc.kind_name(), word_name, data_name)
    comparison = _Comparison(fresh, edited.blocks)
    if not edited.properties and comparison.shared() < 0.5:
        raise LoadError(
            [
                Problem(
                    Message("this Word file was not made by tcdocs from {data}: the two share too little text", data=shown(data_name)),
                    "",
                    word_name,
                )
            ]
        )
    digest = hashlib.sha256(canonical_data(doc)).hexdigest()
    recorded = edited.properties.get("tcdocs.data")
    if recorded and recorded != digest:
        reading.notes.append(
            Message(
                "{word} was made from other data than {data} holds now: what differs may be changes of the data, not of the Word file",
                word=shown(word_name),
                data=shown(data_name),
            )
        )
    if edited.properties and not any(piece.field is not None for block in edited.blocks for piece in block.pieces):
        reading.notes.append(
            Message(
                "{word} has lost the marks of its fields (another editor removed them): they were found by the text around them",
                word=shown(word_name),
            )
        )
    observations, reading.texts = comparison.run()
    reading.fields = _field_changes(doc, observations, values, comparison.locations)
    reading.comments = [CommentNote(c.author, c.date, c.text, _flat(c.anchor), comparison.where_edited(c.block)) for c in edited.comments]
    reading.revisions = [
        RevisionNote(r.kind, r.author, r.date, _flat(r.text), comparison.where_edited(r.block), _field_label(doc, r.field))
        for r in edited.revisions
    ]
    _apply(reading, text, data_name, out_name or data_name, sources)
    return reading


def read_edited_file(word: Path, data: Path, options: RenderOptions = DEFAULT_OPTIONS, out: Path | None = None) -> Reading:
    """:func:`read_edits` for the files *word* and *data*; the documents the data names are read beside it.
    *out* is where the new data is to be written (its problems are located there); it is refused if it
    would overwrite either file. Raises :class:`LoadError` or :class:`UsageError`."""
    if out is not None:
        for given in (data, word):
            if out.resolve() == given.resolve():
                raise UsageError(Message("{out} is {given}: write the new data to a file of its own", out=shown(out), given=shown(given)))
    return read_edits(
        read_word_path(word),
        read_file(data),
        word_name=shown(word),
        data_name=shown(data),
        sources=Files(data.parent),
        options=options,
        out_name=shown(out) if out is not None else None,
    )


def _check_origin(edited: WordFile, doc: Document, word_name: str, data_name: str) -> None:
    kind = edited.properties.get("tcdocs.kind")
    if kind and kind != doc.kind_name():
        from .models import KINDS

        theirs = KINDS[kind].kind_title if kind in KINDS else kind
        raise LoadError(
            [
                Problem(
                    Message(
                        "this Word file is a {word_kind} and {data} a {data_kind}; give the data the Word file was made from",
                        word_kind=theirs,
                        data=shown(data_name),
                        data_kind=type(doc).kind_title,
                    ),
                    "",
                    word_name,
                )
            ]
        )


def _fresh_blocks(doc: Document, options: RenderOptions) -> list[Block]:
    """The blocks of *doc*'s Word file as tcdocs writes it now, from the same writer as every DOCX."""
    from .backends.docx import body_xml  # docxtpl loads with the first Word file, never with tcdocs

    return blocks_of_body(body_xml(content_for(doc, options), template_roots(options.templates)).xml)


def _field_label(doc: Document, tag: str | None) -> str:
    parsed = parse_tag(tag) if tag else None
    return label_of(type(doc), parsed[0]) if parsed else ""


# --- laying the two side by side -------------------------------------------------------------------------


def _normal(text: str) -> str:
    """Text as a reader compares it: any run of spaces (no-break ones too) as one space, hyphens as hyphens."""
    return " ".join(text.replace(NBSP, " ").replace("\u2011", "-").split())


def _flat(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def _tokens(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _TOKENS.finditer(text)]


def _token_key(text: str) -> str:
    return " " if text.isspace() else text.replace("\u2011", "-")


@dataclass
class _Observation:
    """One occurrence of a field in a paragraph: its words fresh and in the edited file."""

    tag: str
    fresh: str
    edited: str
    block: int


class _Comparison:
    """The fresh rendering's blocks and the edited file's, paired; each pair's fields and wording compared."""

    def __init__(self, fresh: list[Block], edited: list[Block]) -> None:
        self.fresh = fresh
        self.edited = edited
        self.locations = _locations(fresh)
        self.pairs: list[tuple[int | None, int | None]] = _pair(fresh, edited)
        self.edited_at: dict[int, int] = {}
        self.after: dict[int, int | None] = {}
        last: int | None = None
        for i, j in self.pairs:
            if i is not None:
                last = i
            if j is not None:
                if i is not None:
                    self.edited_at[j] = i
                else:
                    self.after[j] = last

    def shared(self) -> float:
        """The share of the fresh rendering's text found as it is in the edited file."""
        texts = [i for i, block in enumerate(self.fresh) if _normal(block.text)]
        same = sum(
            1
            for i, j in self.pairs
            if i is not None
            and j is not None
            and _normal(self.fresh[i].text)
            and _normal(self.fresh[i].text) == _normal(self.edited[j].text)
        )
        return same / len(texts) if texts else 0.0

    def where_edited(self, j: int) -> Where:
        """Where the edited file's block *j* stands, in the fresh rendering's terms."""
        if j in self.edited_at:
            return self.locations[self.edited_at[j]]
        before = self.after.get(j)
        if before is None:
            return Where("", Message("a new paragraph at the start"))
        where = self.locations[before]
        return Where(where.section, Message("a new paragraph after {place}", place=where.place))

    def run(self) -> tuple[list[_Observation], list[TextChange]]:
        observations: list[_Observation] = []
        texts: list[TextChange] = []
        for i, j in self.pairs:
            if i is None and j is not None:
                if _normal(self.edited[j].text):
                    texts.append(TextChange(self.where_edited(j), "", _flat(self.edited[j].text), "added"))
                continue
            if j is None and i is not None:
                if _normal(self.fresh[i].text):
                    texts.append(TextChange(self.locations[i], _flat(self.fresh[i].text), "", "removed"))
                continue
            assert i is not None and j is not None
            fresh, edited = self.fresh[i], self.edited[j]
            if fresh.text == edited.text:
                continue  # the untouched paragraph: nothing to look at, whatever became of its controls
            found, same_wording = _compare(fresh, edited)
            observations.extend(_Observation(tag, old, new, i) for tag, old, new in found)
            if not same_wording:
                texts.append(TextChange(self.locations[i], _flat(fresh.text), _flat(edited.text)))
        return observations, texts


def _pair(fresh: list[Block], edited: list[Block]) -> list[tuple[int | None, int | None]]:
    """The blocks of the two, paired in order: equal texts first, then the most alike among the rest."""
    keys_a = [_normal(block.text) for block in fresh]
    keys_b = [_normal(block.text) for block in edited]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        elif i2 - i1 == j2 - j1:
            # As many paragraphs as before: each was edited where it stands (a table keeps its cells).
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            pairs.extend(_pair_alike(fresh, edited, range(i1, i2), range(j1, j2)))
    return pairs


def _pair_alike(fresh: list[Block], edited: list[Block], left: range, right: range) -> list[tuple[int | None, int | None]]:
    pairs: list[tuple[int | None, int | None]] = []
    at = right.start
    for i in left:
        words = _normal(fresh[i].text).split()
        best, score = None, 0.0
        for j in range(at, right.stop):
            similar = difflib.SequenceMatcher(None, words, _normal(edited[j].text).split(), autojunk=False).ratio()
            same_cell = (
                fresh[i].table is not None
                and edited[j].table is not None
                and (fresh[i].row, fresh[i].column) == (edited[j].row, edited[j].column)
            )
            similar += 0.3 if same_cell else 0.0
            if similar > score:
                best, score = j, similar
        if best is not None and score >= 0.5:
            pairs.extend((None, j) for j in range(at, best))
            pairs.append((i, best))
            at = best + 1
        else:
            pairs.append((i, None))
    pairs.extend((None, j) for j in range(at, right.stop))
    return pairs


def _compare(fresh: Block, edited: Block) -> tuple[list[tuple[str, str, str]], bool]:
    """The fields of a pair of blocks, each with its fresh and edited words, and whether their wording is the same."""
    spans = _occurrences(fresh.pieces)
    found = _by_controls(spans, edited.pieces)
    if found is None:
        found = _by_alignment(fresh.pieces, spans, edited.text)
    holes_fresh = _with_holes(fresh.text, [(start, end) for (start, end, _), at in zip(spans, found, strict=True) if at is not None])
    holes_edited = _with_holes(edited.text, [at for at in found if at is not None])
    observations = [
        (tag, fresh.text[start:end], edited.text[at[0] : at[1]])
        for (start, end, tag), at in zip(spans, found, strict=True)
        if at is not None
    ]
    return observations, _normal(holes_fresh) == _normal(holes_edited)


def _occurrences(pieces: Sequence[Piece]) -> list[tuple[int, int, str]]:
    """Where each field's words stand in a block's text: start, end and the field's tag."""
    spans, at = [], 0
    for piece in pieces:
        if piece.field:
            spans.append((at, at + len(piece.text), piece.field))
        at += len(piece.text)
    return spans


def _by_controls(spans: list[tuple[int, int, str]], pieces: Sequence[Piece]) -> list[tuple[int, int] | None] | None:
    """The edited words of each field found by the content controls: by their tags (Word), or by their order
    when the controls lost their tags (LibreOffice). None when the controls do not answer for every field."""
    controls, at = [], 0
    for piece in pieces:
        if piece.field is not None:
            controls.append((at, at + len(piece.text), piece.field))
        at += len(piece.text)
    if not spans:
        return []
    if not controls:
        return None
    tagged = [control for control in controls if control[2]]
    if tagged:
        found: list[tuple[int, int] | None] = []
        used: set[int] = set()
        for _, _, tag in spans:
            index = next((k for k, control in enumerate(tagged) if control[2] == tag and k not in used), None)
            if index is None:
                return None
            used.add(index)
            found.append(tagged[index][:2])
        return found
    if len(controls) == len(spans):
        return [control[:2] for control in controls]
    return None


def _by_alignment(pieces: Sequence[Piece], spans: list[tuple[int, int, str]], edited: str) -> list[tuple[int, int] | None]:
    """The edited words of each field found by aligning the two texts word by word (the controls are gone).

    A change inside a field's words is the field's; a change that reaches over its edge leaves the
    field unknown (and shows as a change of the wording). A paragraph that is one field gets all of it.
    """
    fresh_tokens: list[tuple[int, int]] = []
    at = 0
    for piece in pieces:  # a token never crosses a field's edge ("Nordvik" + "s")
        fresh_tokens.extend((at + start, at + end) for start, end in _tokens(piece.text))
        at += len(piece.text)
    text = "".join(piece.text for piece in pieces)
    edited_tokens = _tokens(edited)
    if len(spans) == 1 and spans[0][:2] == (0, len(text)):
        return [(0, len(edited))]  # a paragraph (a cell) that is one field: all of it, whatever was typed
    matcher = difflib.SequenceMatcher(
        None, [_token_key(text[s:e]) for s, e in fresh_tokens], [_token_key(edited[s:e]) for s, e in edited_tokens], autojunk=False
    )
    codes = matcher.get_opcodes()
    starts = {start: index for index, (start, _) in enumerate(fresh_tokens)}
    ends = {end: index + 1 for index, (_, end) in enumerate(fresh_tokens)}
    found: list[tuple[int, int] | None] = []
    for start, end, _ in spans:
        if start not in starts or end not in ends:
            found.append(None)
            continue
        a, b = starts[start], ends[end]
        # Words typed before a field that opens the paragraph, or after one that ends it, are taken as the
        # field's: no wording stands between them (between a field and wording, what was typed is wording).
        found.append(_mapped(codes, a, b, edited_tokens, len(edited), a == 0, b == len(fresh_tokens)))
    return found


def _mapped(
    codes: Sequence[tuple[str, int, int, int, int]],
    a: int,
    b: int,
    tokens: list[tuple[int, int]],
    length: int,
    opens: bool = False,
    ends: bool = False,
) -> tuple[int, int] | None:
    """Where the fresh tokens a..b stand in the edited text, if no change crosses their edges. An insertion
    at the field's start is the field's if it *opens* the paragraph, one at its end if it *ends* it."""
    first = last = None
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            if i1 <= a < i2 and first is None:
                first = j1 + (a - i1)
            if i1 < b <= i2:
                last = j1 + (b - i1)
            continue
        if i1 == i2:  # an insertion: the field's if within it, or at an edge of the paragraph it stands at
            if i1 == a and opens:
                first = j1
            if i1 == b and ends:
                last = j2
            continue
        if i1 < a < i2 or i1 < b < i2:
            return None  # the change reaches over the field's edge
        if i1 == a and first is None:
            first = j1
        if i2 == b:
            last = j2
    if first is None or last is None or last < first:
        return None
    start = tokens[first][0] if first < len(tokens) else length
    end = tokens[last - 1][1] if last > 0 and last - 1 < len(tokens) else start
    return (start, max(start, end))


def _with_holes(text: str, spans: Iterable[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in sorted(spans):
        out.append(text[at:start])
        out.append(_HOLE)
        at = end
    out.append(text[at:])
    return "".join(out)


def _locations(blocks: list[Block]) -> list[Where]:
    """Where each block of a fresh rendering stands: its § (and subheading), and its paragraph or table cell."""
    out: list[Where] = []
    section, sub, paragraph, item = "", "", 0, 0
    tables: dict[int, int] = {}
    for block in blocks:
        text = _flat(block.text)
        if block.style in ("Heading1", "Heading2"):
            if block.style == "Heading2":
                section, sub, paragraph, item, tables = text, "", 0, 0, {}
            out.append(Where(section if block.style == "Heading2" else "", Message("heading")))
            continue
        if block.style == "Heading3":
            sub, paragraph, item = text, 0, 0
            out.append(Where(_joined(section, sub), Message("heading")))
            continue
        if block.style in ("ListBullet", "ListNumber") and block.table is None:
            # A list's items are its points, counted from its first; the paragraph before them says what they are.
            item += 1
            out.append(Where(_joined(section, sub), Message("paragraph {number}, point {point}", number=max(paragraph, 1), point=item)))
            continue
        if block.table is not None:
            number = tables.setdefault(block.table, len(tables) + 1)
            place = Message("table {table}, row {row}, column {column}", table=number, row=block.row + 1, column=block.column + 1)
            out.append(Where(_joined(section, sub), place))
            continue
        if text:
            paragraph, item = paragraph + 1, 0
        out.append(Where(_joined(section, sub), Message("paragraph {number}", number=max(paragraph, 1))))
    return out


def _joined(section: str, sub: str) -> str:
    return f"{section} › {sub}" if section and sub else section or sub


# --- from words to values --------------------------------------------------------------------------------


def _field_changes(doc: Document, observations: list[_Observation], values: Any, locations: list[Where]) -> list[FieldChange]:
    """The observations of each field as one change: the field's new value, or why there is none."""
    by_path: dict[Path_, list[tuple[int | None, _Observation]]] = {}
    for seen in observations:
        parsed = parse_tag(seen.tag)
        if parsed is not None:
            by_path.setdefault(parsed[0], []).append((parsed[1], seen))
    changes: list[FieldChange] = []
    for path, seen_list in by_path.items():
        changed = [(part, seen) for part, seen in seen_list if _normal(seen.fresh) != _normal(seen.edited)]
        if not changed:
            continue
        where = tuple(dict.fromkeys(locations[seen.block] for _, seen in changed))
        label = label_of(type(doc), path)
        original = _value_at(doc, path)
        old = yaml_value(original) if original is not None else ""
        proposals = {(part, _normal(seen.edited)) for part, seen in changed}
        parts = {part for part, _ in proposals}
        if len(proposals) > len(parts):
            news = " | ".join(sorted({_flat(seen.edited) for _, seen in changed}))
            message = Message("changed in more than one place, to different words; write the field in the data by hand")
            changes.append(FieldChange(path, label, old, news, where, "conflict", message=message))
            continue
        new_texts = {part: seen.edited for part, seen in changed}
        fresh_texts = {part: seen.fresh for part, seen in changed}
        try:
            value = _value(doc, path, original, fresh_texts, new_texts)
        except ValueError as exc:
            shown_new = " / ".join(_flat(text) for text in new_texts.values())
            changes.append(FieldChange(path, label, old, shown_new, where, "unreadable", message=str(exc.args[0])))
            continue
        elsewhere = _referenced_file(values, path)
        if elsewhere is not None:
            message = Message("this field is in {file}: change it there", file=shown(elsewhere))
            changes.append(FieldChange(path, label, old, yaml_value(value), where, "elsewhere", elsewhere, message))
            continue
        if yaml_value(value) == old:
            continue  # only the way it is written changed (a line break, a capital the template puts)
        changes.append(FieldChange(path, label, old, yaml_value(value), where, keys=_written(values, path)))
    return changes


def _value_at(doc: Any, path: Path_) -> Any:
    current = doc
    for part in path:
        if isinstance(part, int):
            current = current[part] if isinstance(current, list | tuple) and part < len(current) else None
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            current = getattr(current, part, None)
        if current is None:
            return None
    return current


def _written(values: Any, path: Path_) -> Path_:
    """*path* as the data's file writes it: a criterion the model keys as ``larmiljo`` may be ``6`` there."""
    keys: list[str | int] = []
    current = values
    for part in path:
        if isinstance(current, dict) and part not in current:
            part = next((key for key in current if criterion_key(key) == part), part)
        keys.append(part)
        current = (
            current.get(part)
            if isinstance(current, dict)
            else current[part]
            if isinstance(current, list) and isinstance(part, int) and part < len(current)
            else None
        )
    return tuple(keys)


def _referenced_file(values: Any, path: Path_) -> str | None:
    """The file the data names in place of the part *path* lies in (``agreement: samverkansavtal.yaml``), if any."""
    current = values
    for part in path:
        if isinstance(current, str):
            return current
        if isinstance(current, dict):
            current = current.get(part) if part in current else next((v for k, v in current.items() if criterion_key(k) == part), None)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            return None
    return None


_COUNT_WORDS = {
    "noll": 0,
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
}
_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december")


def _value(doc: Document, path: Path_, original: Any, fresh: Mapping[int | None, str], new: Mapping[int | None, str]) -> Any:
    """The field's new value from its new words, undoing what the template did to them (a capital, no-break
    spaces, the date written out). Raises ValueError with a message when the words are no such value."""
    kind = scalar_type(type(doc), path) or (type(original) if original is not None else str)
    if None not in new:  # a text of several paragraphs: the changed ones new, the others as written
        if not isinstance(original, str):
            raise ValueError(Message("this field cannot be changed in the Word file"))
        blocks = [block for block in re.split(r"\n\s*\n", original.strip()) if block.strip()]
        wrapped = any("\n" in block for block in blocks)
        for part, text in new.items():
            if part is not None and 1 <= part <= len(blocks):
                words = _flat(text)
                blocks[part - 1] = textwrap.fill(words, 88) if wrapped else words
        return "\n\n".join(blocks)
    text, before = new[None], fresh[None]
    if issubclass(kind, bool) or issubclass(kind, Enum):
        raise ValueError(Message("a choice is changed in the data, not in the Word file"))
    if issubclass(kind, dt.date):
        return _date(text)
    if issubclass(kind, dt.time):
        match = re.fullmatch(r"\s*(\d{1,2})[.:](\d{2})\s*", text)
        if not match:
            raise ValueError(Message("'{text}' is not a time such as 13.00", text=_flat(text)))
        return dt.time(int(match[1]), int(match[2]))
    if issubclass(kind, int):
        word = _normal(text).lower()
        if word in _COUNT_WORDS:
            return _COUNT_WORDS[word]
        number = _number(text)
        if number != number.to_integral_value():
            raise ValueError(Message("'{text}' is not a whole number", text=_flat(text)))
        return int(number)
    if issubclass(kind, Decimal):
        return _number(text)
    return _text(text, before, original if isinstance(original, str) else "")


def _text(text: str, fresh: str, original: str) -> str:
    """New words as the field's text: what the template changed in the old value is undone in the new one."""
    text = text.replace("\u2011", "-")
    if NBSP not in original:
        text = text.replace(NBSP, " ")  # the template binds "871 80" and "Dnr KS 2026/0412"; the data need not
    if "\n" in original:  # an address, one line each: Word's line breaks are its lines
        value = "\n".join(" ".join(line.split(" ")).strip() for line in text.split("\n") if line.strip())
    else:
        value = re.sub(r"[ \t\n]+", " ", text).strip()
    if original and fresh and value and fresh[0] != original[0] and fresh[0].lower() == original[0].lower():
        # The template wrote the first letter otherwise than the data (upfirst, lowfirst): the data keeps its own way.
        value = (value[0].lower() if original[0].islower() else value[0].upper()) + value[1:]
    return unicodedata.normalize("NFC", value)


def _date(text: str) -> dt.date:
    words = _normal(text).lower().removeprefix("den ")
    try:
        return dt.date.fromisoformat(words)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2}) ([a-zåäö]+) (\d{4})", words)
    if match and match[2] in _MONTHS:
        try:
            return dt.date(int(match[3]), _MONTHS.index(match[2]) + 1, int(match[1]))
        except ValueError:
            pass
    raise ValueError(Message("'{text}' is not a date such as 22 november 2026 or 2026-11-22", text=_flat(text)))


def _number(text: str) -> Decimal:
    words = _normal(text).removesuffix("kr").replace(" ", "").replace("\u2212", "-").replace(",", ".")
    try:
        number = Decimal(words)
    except InvalidOperation:
        raise ValueError(Message("'{text}' is not a number", text=_flat(text))) from None
    if not number.is_finite():
        raise ValueError(Message("'{text}' is not a number", text=_flat(text)))
    return number


# --- the new data ------------------------------------------------------------------------------------------


def _apply(reading: Reading, data: str, data_name: str, out_name: str, sources: Sources | None) -> None:
    """Write the applicable field changes into *data*'s text, and check the new data."""
    wanted = {change.path: change for change in reading.fields if change.status == "applied"}
    if not wanted:
        return
    text = None
    while wanted:
        try:
            text = write_values(data, {path: change.new for path, change in wanted.items()}, data_name)
            break
        except UnwritableChange as refused:
            change = wanted.pop(refused.path, None) or wanted.pop(next(iter(wanted)))
            message = Message("{data} gives this field no place to write it; add it there by hand", data=shown(data_name))
            index = reading.fields.index(change)
            reading.fields[index] = FieldChange(
                change.path, change.label, change.old, change.new, change.where, "unwritable", message=message
            )
    if text is None:
        return
    reading.yaml = text
    try:
        values, positions = read_data(text, out_name)
        check_data(values, out_name, positions, sources)
    except LoadError as exc:
        reading.problems = exc.problems

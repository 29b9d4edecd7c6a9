"""A Word file read back as text: its paragraphs with the fields' content controls, its comments and its tracked changes.

Whatever edited the file (Word splits runs, marks spelling, stamps revision ids; LibreOffice
rewrites every run), what a reader sees is the same: paragraphs of text in order, table
cells row by row. That is what :func:`read_word_file` gives, as :class:`Block` s whose text
is in :class:`Piece` s, each either wording or the text of one field's content control
(:mod:`tcdocs.tracing`). The text is the document as it reads with every tracked change
accepted; the changes themselves, and the comments, are listed beside it.

The body a tcdocs render writes (:func:`tcdocs.backends.docx.body_xml`) is read by the
same code, so an edited file and a fresh rendering are compared like for like.

A Word file is a zip of XML, and comes from anyone: it is read within bounds (its size,
the size of each part unpacked, how much it may unpack from how little), without DTDs or
entities, and anything that is not a Word document is refused with a :class:`LoadError`.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from .errors import LoadError, Problem, shown
from .messages import Message

__all__ = [
    "MAX_WORD_BYTES",
    "Block",
    "Comment",
    "Piece",
    "Revision",
    "WordFile",
    "blocks_of_body",
    "read_word_file",
    "read_word_path",
]

MAX_WORD_BYTES = 20_000_000
"""The largest Word file read: a document of tcdocs with pictures pasted in is a few MB."""
MAX_PART_BYTES = 50_000_000
"""The most one part of the file may unpack to."""
MAX_RATIO = 100
"""How many times its packed size a large part may unpack to; more is a zip bomb, not a document."""
MAX_ENTRIES = 2_000

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


class Piece(NamedTuple):
    """Some text of a paragraph: wording (*field* None), or the text of a content control whose tag is
    *field* ("" for a control without a tag, as LibreOffice saves one)."""

    text: str
    field: str | None


@dataclass
class Block:
    """One paragraph, at the body's level or in a table's cell, with where it stands."""

    pieces: list[Piece]
    style: str = ""
    table: int | None = None
    """The table it is in, counted through the body from 0 (None: not in a table)."""
    row: int = 0
    column: int = 0

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass(frozen=True)
class Comment:
    """A comment: who wrote it and when, what it says, the text it is anchored to, and the block it starts in."""

    author: str
    date: str
    text: str
    anchor: str
    block: int


@dataclass(frozen=True)
class Revision:
    """A tracked change not yet accepted or rejected: ``insert``, ``delete``, ``format``, ``insert-row`` or
    ``delete-row``; who made it and when; its text; the block it is in, and the field's tag if it is in one."""

    kind: str
    author: str
    date: str
    text: str
    block: int
    field: str | None = None


@dataclass
class WordFile:
    """A Word file as read: its blocks, comments, tracked changes and tcdocs' record of its origin."""

    blocks: list[Block]
    comments: list[Comment] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    """The custom document properties tcdocs writes (:mod:`tcdocs.backends.docx_provenance`)."""


# --- the package ---------------------------------------------------------------------------------------


def _refuse(file: str, message: str) -> LoadError:
    return LoadError([Problem(message, "", file)])


class _Package:
    """The parts of a zip, each read at most once and within bounds."""

    def __init__(self, data: bytes, file: str) -> None:
        self.file = file
        if len(data) > MAX_WORD_BYTES:
            size = MAX_WORD_BYTES // 1_000_000
            too_large = Message("the Word file is larger than {size} MB; a document of tcdocs is far smaller", size=size)
            raise _refuse(file, too_large)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
            raise _refuse(file, Message("this is not a Word file (.docx): save the document in Word's format and try again")) from None
        if len(infos) > MAX_ENTRIES:
            raise _refuse(file, Message("this is not a Word file (.docx): it holds {count} files", count=len(infos)))
        self.infos = {info.filename: info for info in infos}

    def read(self, name: str) -> bytes | None:
        info = self.infos.get(name)
        if info is None:
            return None
        if info.file_size > MAX_PART_BYTES or (info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise _refuse(self.file, Message("the Word file unpacks to far more than it holds (a zip bomb); it is not read"))
        try:
            with self.zip.open(info) as stream:
                data = stream.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):  # RuntimeError: encrypted
            raise _refuse(self.file, Message("the Word file is damaged or encrypted; save it again in Word and try again")) from None
        if len(data) > MAX_PART_BYTES:
            raise _refuse(self.file, Message("the Word file unpacks to far more than it holds (a zip bomb); it is not read"))
        return data

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        return None if data is None else parse_xml(data, self.file)

    def related(self, source: str, relation: str) -> str | None:
        """The part that *source* (``""``: the package) names by *relation*, as a name in the zip."""
        folder, base = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        if rels is None:
            return None
        for element in rels.iter(_PACKAGE_RELS):
            if element.get("Type") == relation and element.get("TargetMode") != "External":
                target = element.get("Target", "")
                return posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
        return None


def read_word_path(path: Path) -> bytes:
    """The bytes of the Word file at *path*, at most one more than :data:`MAX_WORD_BYTES` (so that a larger
    one is refused without being read whole). Raises :class:`LoadError` for a folder, a device or a pipe."""
    name = shown(path)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _refuse(name, Message("cannot read the file: {reason}", reason=exc.strerror or str(exc))) from None
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise _refuse(name, Message("this is not a file; give the Word file (.docx)"))
    with os.fdopen(handle, "rb") as stream:
        return stream.read(MAX_WORD_BYTES + 1)


def parse_xml(data: bytes, file: str) -> etree._Element:
    """Parse one part of a Word file: no DTD, no entities, no network, no huge trees."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise _refuse(file, Message("the Word file holds XML that Word never writes (a DTD); it is not read"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _refuse(file, Message("the Word file is damaged: {error}", error=exc.msg)) from None


def read_word_file(data: bytes, file: str = "") -> WordFile:
    """Read the Word file *data* (named *file* in messages). Raises :class:`LoadError` for anything that is
    not a readable Word document."""
    package = _Package(data, file)
    main = package.related("", _MAIN) or "word/document.xml"
    document = package.xml(main)
    if document is None or document.tag != f"{_W}document":
        raise _refuse(file, Message("this is not a Word document: it has no text in Word's format"))
    body = document.find(f"{_W}body")
    if body is None:
        raise _refuse(file, Message("this is not a Word document: it has no text in Word's format"))
    comments_part = package.related(main, _COMMENTS)
    notes = _comment_texts(package.xml(comments_part)) if comments_part else {}
    custom_part = package.related("", _CUSTOM)
    from .backends.docx_provenance import provenance  # the backends package is light; docxtpl is not imported

    reader = _Reader(notes)
    reader.body(body)
    properties = provenance(package.read(custom_part) if custom_part else None)
    return WordFile(reader.blocks, reader.finish_comments(), reader.revisions, properties)


def blocks_of_body(xml: str) -> list[Block]:
    """The blocks of a body as :func:`tcdocs.backends.docx.body_xml` writes it."""
    body = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>'.encode())
    reader = _Reader({})
    reader.body(body)
    return reader.blocks


# --- the text -------------------------------------------------------------------------------------------


def _comment_texts(root: etree._Element | None) -> dict[str, tuple[str, str, str]]:
    """Each comment's author, date and text, by its id."""
    found: dict[str, tuple[str, str, str]] = {}
    if root is None:
        return found
    for comment in root.iter(f"{_W}comment"):
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in comment.iter(f"{_W}p")]
        found[comment.get(f"{_W}id", "")] = (comment.get(f"{_W}author", ""), comment.get(f"{_W}date", ""), "\n".join(paragraphs).strip())
    return found


_CONTAINERS = frozenset(
    f"{_W}{name}" for name in ("hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo", "ins", "moveTo", "sdtContent")
)


class _Reader:
    """Walks a body once, in reading order, collecting blocks, comment anchors and tracked changes."""

    def __init__(self, notes: dict[str, tuple[str, str, str]]) -> None:
        self.blocks: list[Block] = []
        self.revisions: list[Revision] = []
        self.notes = notes
        self.open: dict[str, list[str]] = {}
        self.anchors: dict[str, tuple[str, int]] = {}
        self.starts: dict[str, int] = {}
        self.tables = 0
        self.in_field = False  # between a complex field's begin and separate: its instruction, not its text

    # blocks

    def body(self, container: etree._Element, table: int | None = None, row: int = 0, column: int = 0) -> None:
        for child in container:
            tag = child.tag
            if tag == f"{_W}p":
                self.paragraph(child, table, row, column)
            elif tag == f"{_W}tbl":
                self.table(child)
            elif tag in (f"{_W}sdt", f"{_W}customXml"):
                content = child.find(f"{_W}sdtContent") if tag == f"{_W}sdt" else child
                if content is not None:
                    self.body(content, table, row, column)
            elif tag in (f"{_W}ins", f"{_W}moveTo"):
                self.body(child, table, row, column)

    def table(self, element: etree._Element) -> None:
        number = self.tables
        self.tables += 1
        for row_index, row in enumerate(element.iterchildren(f"{_W}tr")):
            properties = row.find(f"{_W}trPr")
            changed = None if properties is None else next((c for c in properties if c.tag in (f"{_W}ins", f"{_W}del")), None)
            first = len(self.blocks)
            for column_index, cell in enumerate(row.iterchildren(f"{_W}tc")):
                self.body(cell, number, row_index, column_index)
            if changed is not None:
                kind = "insert-row" if changed.tag == f"{_W}ins" else "delete-row"
                text = " | ".join(block.text for block in self.blocks[first:] if block.text)
                self._revision(kind, changed, text, first)

    def paragraph(self, element: etree._Element, table: int | None, row: int, column: int) -> None:
        style = element.find(f"{_W}pPr/{_W}pStyle")
        block = Block([], style.get(f"{_W}val", "") if style is not None else "", table, row, column)
        self.blocks.append(block)
        self.inline(element, block, None)
        block.pieces = _merged(block.pieces)

    # inline content

    def inline(self, element: etree._Element, block: Block, field: str | None) -> None:
        index = len(self.blocks) - 1
        for child in element:
            tag = child.tag
            if tag == f"{_W}r":
                self.run(child, block, field)
            elif tag == f"{_W}sdt":
                properties = child.find(f"{_W}sdtPr")
                named = properties.find(f"{_W}tag") if properties is not None else None
                content = child.find(f"{_W}sdtContent")
                placeholder = properties is not None and properties.find(f"{_W}showingPlcHdr") is not None
                if content is not None:
                    inner = named.get(f"{_W}val", "") if named is not None else ""
                    if placeholder:  # Word shows "Click or tap here to enter text." in a control emptied of its text
                        block.pieces.append(Piece("", field if field is not None else inner))
                    else:
                        self.inline(content, block, field if field is not None else inner)
            elif tag in (f"{_W}del", f"{_W}moveFrom"):
                text = "".join(t.text or "" for t in child.iter(f"{_W}delText", f"{_W}t"))
                self._revision("delete", child, text, index, field)
            elif tag in (f"{_W}ins", f"{_W}moveTo"):
                start = len(block.pieces)
                self.inline(child, block, field)
                self._revision("insert", child, "".join(piece.text for piece in block.pieces[start:]), index, field)
            elif tag in _CONTAINERS:
                self.inline(child, block, field)
            elif tag == f"{_W}commentRangeStart":
                key = child.get(f"{_W}id", "")
                self.open[key] = []
                self.starts.setdefault(key, index)
            elif tag == f"{_W}commentRangeEnd":
                key = child.get(f"{_W}id", "")
                self.anchors[key] = ("".join(self.open.pop(key, [])), self.starts.get(key, index))

    def run(self, run: etree._Element, block: Block, field: str | None) -> None:
        index = len(self.blocks) - 1
        properties = run.find(f"{_W}rPr")
        if properties is not None:
            change = properties.find(f"{_W}rPrChange")
            if change is not None:
                self._revision("format", change, "".join(t.text or "" for t in run.iter(f"{_W}t")), index, field)
        for child in run:
            tag = child.tag
            text = ""
            if tag == f"{_W}fldChar":
                kind = child.get(f"{_W}fldCharType")
                self.in_field = kind == "begin" or (self.in_field and kind not in ("separate", "end"))
                continue
            if self.in_field:
                continue
            if tag == f"{_W}t":
                text = child.text or ""
            elif tag == f"{_W}tab" or tag == f"{_W}ptab":
                text = "\t"
            elif tag in (f"{_W}br", f"{_W}cr"):
                text = "\n"
            elif tag == f"{_W}noBreakHyphen":
                text = "-"
            elif tag == f"{_W}commentReference":
                key = child.get(f"{_W}id", "")
                self.starts.setdefault(key, index)
            if text:
                block.pieces.append(Piece(text, field))
                for collected in self.open.values():
                    collected.append(text)

    def _revision(self, kind: str, element: etree._Element, text: str, block: int, field: str | None = None) -> None:
        author, date = element.get(f"{_W}author", ""), element.get(f"{_W}date", "")
        last = self.revisions[-1] if self.revisions else None
        if last is not None and (last.kind, last.author, last.date, last.block, last.field) == (kind, author, date, block, field):
            # Word splits one change into several elements where the runs' formatting or revision ids differ.
            self.revisions[-1] = Revision(kind, author, date, last.text + text, block, field)
        else:
            self.revisions.append(Revision(kind, author, date, text, block, field))

    def finish_comments(self) -> list[Comment]:
        comments = []
        for key, (author, date, text) in self.notes.items():
            anchor, block = self.anchors.get(key, ("", self.starts.get(key, 0)))
            comments.append(Comment(author, date, text, anchor, self.starts.get(key, block)))
        return comments


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring pieces of the same field (or of wording) as one, however many runs they came in."""
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1].field == piece.field and (piece.text or piece.field is None):
            out[-1] = Piece(out[-1].text + piece.text, piece.field)
        else:
            out.append(piece)
    return out

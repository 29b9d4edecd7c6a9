"""Edits of a rendered Word file as a party makes them: in Word (runs split, spelling marks, revision ids,
comments, tracked changes), with python-docx, by another editor that strips content controls, and through
LibreOffice, which saves the file again."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.text.paragraph import Paragraph
from lxml import etree

from tcdocs.fieldnames import scalar_type
from tcdocs.models.base import Document
from tcdocs.tracing import parse_tag

from .reading import paragraph_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_SOFFICE = "LibreOffice is not installed (Debian: libreoffice-writer-nogui; bash tests/run.sh installs it as root)"


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def edit_body(data: bytes, change: Callable[[etree._Element], None]) -> bytes:
    """*data* with its word/document.xml changed by *change*, the rest of the package as it was."""
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    change(root)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, body if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()


def controls(root: etree._Element, tag: str) -> list[etree._Element]:
    return [sdt for sdt in root.iter(q("sdt")) if sdt.find(f"{q('sdtPr')}/{q('tag')}").get(q("val")) == tag]


def control_text(data: bytes, tag: str) -> str:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return "".join(t.text or "" for t in controls(root, tag)[0].iter(q("t"), q("noBreakHyphen")))


def retype(data: bytes, tag: str, text: str) -> bytes:
    """The first content control tagged *tag* with its text typed anew, as Word saves typing: the text in
    three runs with revision ids, a spelling mark between them, the first run's formatting kept."""

    def change(root: etree._Element) -> None:
        content = controls(root, tag)[0].find(q("sdtContent"))
        first = content.find(q("r"))
        properties = first.find(q("rPr")) if first is not None else None
        for child in list(content):
            content.remove(child)
        cuts = [0, len(text) // 3, 2 * len(text) // 3, len(text)]
        for index, (start, end) in enumerate(itertools.pairwise(cuts)):
            if index == 1:
                etree.SubElement(content, q("proofErr")).set(q("type"), "spellStart")
            run = etree.SubElement(content, q("r"))
            run.set(q("rsidR"), f"00A1B2C{index}")
            run.set(q("rsidRPr"), "00D4E5F6")
            if properties is not None:
                run.append(etree.fromstring(etree.tostring(properties)))
            node = etree.SubElement(run, q("t"))
            node.text = text[start:end]
            node.set(XML_SPACE, "preserve")
            if index == 1:
                etree.SubElement(content, q("proofErr")).set(q("type"), "spellEnd")

    return edit_body(data, change)


def strip_controls(data: bytes) -> bytes:
    """*data* as an editor that drops content controls saves it: their runs kept, the controls gone."""

    def change(root: etree._Element) -> None:
        for sdt in list(root.iter(q("sdt"))):
            parent = sdt.getparent()
            index = parent.index(sdt)
            for run in sdt.find(q("sdtContent")):
                parent.insert(index, run)
                index += 1
            parent.remove(sdt)

    return edit_body(data, change)


def wording_paragraph(data: bytes) -> tuple[Paragraph, str]:
    """The first paragraph of the body that is wording only (no field, at least four words, not a heading,
    not in a table), and the heading of its section (with its subheading, if any)."""
    document = docx.Document(io.BytesIO(data))
    heading = section = ""
    for paragraph in document.paragraphs:
        style = paragraph._p.style or ""
        text = paragraph_text(paragraph)
        if style == "Heading2":
            heading = section = " ".join(text.split())
        if style == "Heading3":  # a subheading is named after its section's heading
            heading = " › ".join(part for part in (section, " ".join(text.split())) if part)
        if style not in ("", "Lead") or paragraph._p.find(q("sdt")) is not None or len(text.split()) < 4 or not paragraph.runs:
            continue
        return paragraph, heading
    raise AssertionError("no paragraph of wording alone")


def change_wording(data: bytes) -> tuple[bytes, str, str]:
    """*data* with a word added to its first paragraph of wording alone (with python-docx, as a script would):
    the new file, the paragraph's new text and the heading of its section."""
    paragraph, heading = wording_paragraph(data)
    run = paragraph.runs[0]
    first, _, rest = run.text.partition(" ")
    run.text = f"{first} uttryckligen {rest}"
    out = io.BytesIO()
    paragraph.part.document.save(out)
    return out.getvalue(), " ".join(paragraph_text(paragraph).split()), heading


def comment_on_wording(data: bytes, author: str, text: str) -> tuple[bytes, str, str]:
    """*data* with a comment by *author* on its first paragraph of wording alone (python-docx's comments):
    the new file, the text the comment is anchored to and the heading of its section."""
    paragraph, heading = wording_paragraph(data)
    paragraph.part.document.add_comment(paragraph.runs, text=text, author=author, initials="".join(w[0] for w in author.split()))
    out = io.BytesIO()
    paragraph.part.document.save(out)
    return out.getvalue(), " ".join(paragraph_text(paragraph).split()), heading


def track_changes(data: bytes, author: str, date: str, inserted: str) -> tuple[bytes, str]:
    """*data* with two tracked changes by *author* in its first paragraph of wording alone, as Word records them:
    *inserted* added at its start, and its last word deleted. Returns the file and the deleted word."""
    paragraph, _ = wording_paragraph(data)
    target = " ".join(paragraph_text(paragraph).split())
    deleted = target.split()[-1]

    def change(root: etree._Element) -> None:
        for p in root.iter(q("p")):
            if " ".join("".join(t.text or "" for t in p.iter(q("t"))).split()) != target:
                continue
            runs = [run for run in p.findall(q("r")) if run.find(q("t")) is not None]
            ins = etree.Element(q("ins"), {q("id"): "901", q("author"): author, q("date"): date})
            run = etree.SubElement(ins, q("r"))
            node = etree.SubElement(run, q("t"))
            node.text = inserted + " "
            node.set(XML_SPACE, "preserve")
            runs[0].addprevious(ins)
            last = runs[-1].find(q("t"))
            kept, _, _ = last.text.rpartition(deleted)
            last.text = kept
            removed = etree.Element(q("del"), {q("id"): "902", q("author"): author, q("date"): date})
            gone = etree.SubElement(etree.SubElement(removed, q("r")), q("delText"))
            gone.text = deleted
            gone.set(XML_SPACE, "preserve")
            runs[-1].addnext(removed)
            return
        raise AssertionError("the paragraph is gone")

    return edit_body(data, change), deleted


def text_fields(doc: Document, data: bytes, values: object) -> list[tuple[str, tuple[str | int, ...]]]:
    """The content controls of *data* that each hold a text field of *doc* on its own, with the fields' paths,
    in the document's order: fields the data does not use elsewhere, so that changing one is one change, and
    written in the data itself (*values*, as read from its file), not in a file it names."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    tags = [sdt.find(f"{q('sdtPr')}/{q('tag')}").get(q("val")) for sdt in root.iter(q("sdt"))]
    found = []
    for tag in tags:
        parsed = parse_tag(tag)
        if parsed is None or parsed[1] is not None or tags.count(tag) > 1 or scalar_type(type(doc), parsed[0]) is not str:
            continue
        value = value_at(doc, parsed[0])
        own = not isinstance(value_at(values, parsed[0][:1]), str)
        if own and isinstance(value, str) and "\n" not in value and len(value.split()) >= 2:
            found.append((tag, parsed[0]))
    return found


def text_field(doc: Document, data: bytes, values: object) -> tuple[str, tuple[str | int, ...]]:
    """The first of :func:`text_fields`."""
    found = text_fields(doc, data, values)
    assert found, "no text field"
    return found[0]


def value_at(data: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        data = data[part] if isinstance(part, int) or isinstance(data, dict) else getattr(data, part)
    return data


def libreoffice(data: bytes, folder: Path, name: str, to: str = "docx") -> bytes:
    """*data* opened and saved again by LibreOffice (``soffice --convert-to``), in a process and profile of its own."""
    source = folder / f"{name}.docx"
    out = folder / f"out-{name}"
    source.write_bytes(data)
    profile = (folder / f"profile-{name}").as_uri()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8"}
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", to, "--outdir", str(out), str(source)]
    subprocess.run(command, env=env, capture_output=True, timeout=180, check=True)
    return (out / f"{name}.{to.split(':')[0]}").read_bytes()

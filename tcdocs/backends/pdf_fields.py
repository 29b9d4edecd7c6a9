"""Empty signature fields over a PDF's signature lines, where the layout put them, added with pyHanko.

The PDF backend's last stage. WeasyPrint reports where it laid out each signature block's
line (the ``p.sig-line`` of the house's ``signatures`` macro); each gets an empty signature
field of the same size, named after its signer as the block words it (the label under the
line and the name: ``Underskrift Eva Strand``), so that a signing service or a PDF reader
signs in place. pyHanko writes the fields as one incremental update after the layout; the
update keeps the document's metadata and identifier as they were, so the same document gives
the same bytes, and PDF/A stays PDF/A. In a tagged PDF (PDF/UA) each field is a ``Form``
element of its page's structure, as PDF/UA asks of every widget.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import Any, NamedTuple

with warnings.catch_warnings():
    # cryptography deprecates DSA, which pyHanko's signers still name; tcdocs neither signs nor checks with DSA.
    warnings.filterwarnings("ignore", "DSA is deprecated", Warning)
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

__all__ = ["SignatureField", "add_fields", "signature_fields"]

_PT_PER_PX = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); PDF measures in points (1/72 in)


class SignatureField(NamedTuple):
    """One signer's empty signature field: its name, its page (from 0) and its box in PDF points
    (left, bottom, right, top, from the page's lower left corner)."""

    name: str
    page: int
    box: tuple[int, int, int, int]


def _classes(element: Any) -> list[str]:
    return str(element.get("class") or "").split()


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _words_of(after: list[Any]) -> str:
    """How a block words its signer, from the paragraphs *after* its line: the label under the line
    (``Underskrift``) and the signer's name (``p.sig-name``, or else the first paragraph that is no label)."""
    label = name = ""
    for paragraph in after:
        classes = _classes(paragraph)
        if paragraph.tag != "p":
            continue
        if "label" in classes:
            label = label or _text(paragraph)
        elif "sig-name" in classes:
            name = _text(paragraph)
            break
        elif not name and not classes:
            name = _text(paragraph)
    return " ".join(part for part in (label, name) if part)


def signature_fields(document: Any) -> list[SignatureField]:
    """Where the laid-out WeasyPrint *document* put each signature line, as a field per signer.

    Names are unique: a field's name is how readers and signing services tell them apart, so a
    second signer of the same name gets a number. PDF field names cannot hold a full stop.
    """
    fields: list[SignatureField] = []
    taken: set[str] = set()
    for number, page in enumerate(document.pages):
        boxes: dict[int, Any] = {}  # each element's first box on the page
        cells: list[Any] = []
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or id(element) in boxes:
                continue
            boxes[id(element)] = box
            if box.element_tag == "td":
                cells.append(element)
        for cell in cells:
            children = list(cell)
            for index, child in enumerate(children):
                box = boxes.get(id(child))
                if child.tag != "p" or "sig-line" not in _classes(child) or box is None:
                    continue
                area = _area(box, page.height)
                base = _words_of(children[index + 1 :]).replace(".", "") or str(len(fields) + 1)
                name, count = base, 1
                while name in taken:
                    count += 1
                    name = f"{base} {count}"
                taken.add(name)
                fields.append(SignatureField(name, number, area))
    return fields


def _area(box: Any, height: float) -> tuple[int, int, int, int]:
    """A box's border box in PDF points from the page's lower left corner, rounded inwards so that a
    field never reaches past the line it stands on."""
    left, top = box.border_box_x(), box.border_box_y()
    right, bottom = left + box.border_width(), top + box.border_height()
    return (_ceil(left * _PT_PER_PX), _ceil((height - bottom) * _PT_PER_PX), int(right * _PT_PER_PX), int((height - top) * _PT_PER_PX))


def _ceil(value: float) -> int:
    return -int(-value // 1)


class _FieldsUpdate(IncrementalPdfFileWriter):
    """An incremental update that leaves the document's metadata as the layout wrote it.

    pyHanko stamps the time of writing into the metadata of every update it writes (and adds
    itself as producer) and draws the new identifier at random: the PDF would differ from run
    to run, and a PDF/A's document information would no longer match its XMP. Adding empty
    fields changes neither what the document is nor who made it.
    """

    def _update_meta(self) -> None:
        return


def add_fields(pdf: bytes, fields: list[SignatureField], tagged: bool = False) -> bytes:
    """*pdf* with an empty signature field for each of *fields*, written as one incremental update.

    With *tagged* (a PDF/UA), each field's widget is also a ``Form`` element at the end of its
    page's part of the structure tree, described by the field's name.
    """
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    writer = _FieldsUpdate(io.BytesIO(pdf), prev=reader)
    # The identifier's first part is the document's; the second marks this update, from its content.
    digest = hashlib.md5(pdf + "\n".join(field.name for field in fields).encode("utf-8"), usedforsecurity=False).digest()
    try:
        first = reader.trailer["/ID"][0]
    except KeyError:
        first = generic.ByteStringObject(hashlib.md5(pdf, usedforsecurity=False).digest())
    writer._document_id = generic.ArrayObject([first, generic.ByteStringObject(digest)])
    for field in fields:
        append_signature_field(writer, SigFieldSpec(field.name, on_page=field.page, box=field.box, readable_field_name=field.name))
    if tagged:
        _tag(writer, fields)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tag(writer: IncrementalPdfFileWriter, fields: list[SignatureField]) -> None:
    """Make each field's widget a ``Form`` structure element of its page (PDF/UA-1, 7.18.4)."""
    by_name = {str(ref.get_object()["/T"]): ref for ref in writer.root["/AcroForm"].raw_get("/Fields")}
    tree = writer.root["/StructTreeRoot"]
    parents = tree["/ParentTree"]
    numbers = parents["/Nums"]
    key = max([int(numbers[index]) for index in range(0, len(numbers), 2)], default=-1) + 1
    key = max(key, int(tree.get("/ParentTreeNextKey", 0)))
    for field in fields:
        widget_ref = by_name[field.name]
        page_ref = writer.find_page_for_modification(field.page)[0]
        parent_ref = _page_element(tree, page_ref)
        element = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/StructElem"),
                generic.NameObject("/S"): generic.NameObject("/Form"),
                generic.NameObject("/P"): parent_ref,
                generic.NameObject("/Pg"): page_ref,
                generic.NameObject("/Alt"): generic.TextStringObject(field.name),
                generic.NameObject("/K"): generic.DictionaryObject(
                    {
                        generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                        generic.NameObject("/Obj"): widget_ref,
                        generic.NameObject("/Pg"): page_ref,
                    }
                ),
            }
        )
        element_ref = writer.add_object(element)
        parent = parent_ref.get_object()
        kids = parent.get("/K")
        if isinstance(kids, generic.ArrayObject):
            kids.append(element_ref)
        else:
            parent[generic.NameObject("/K")] = generic.ArrayObject([kids, element_ref] if kids is not None else [element_ref])
        writer.mark_update(parent_ref)
        widget_ref.get_object()[generic.NameObject("/StructParent")] = generic.NumberObject(key)
        numbers.append(generic.NumberObject(key))
        numbers.append(element_ref)
        key += 1
    tree[generic.NameObject("/ParentTreeNextKey")] = generic.NumberObject(key)
    writer.update_container(numbers)
    writer.update_container(tree)


def _page_element(tree: Any, page_ref: Any) -> Any:
    """The structure element that holds *page_ref*'s content (WeasyPrint tags each page as an
    ``Art`` of the ``Document``), or the document's element when no element is the page's own."""
    top_ref = tree.raw_get("/K")
    top = top_ref.get_object()
    if isinstance(top, generic.ArrayObject):
        top_ref = top.raw_get(0)
        top = top_ref.get_object()
    kids = top.get("/K")
    for kid_ref in kids if isinstance(kids, generic.ArrayObject) else []:
        kid = kid_ref.get_object() if isinstance(kid_ref, generic.IndirectObject) else None
        if isinstance(kid, generic.DictionaryObject) and kid.get("/S") == "/Art" and kid.raw_get("/Pg") == page_ref:
            return kid_ref
    return top_ref

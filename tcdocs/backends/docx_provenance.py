"""What a tcdocs Word file records of where it came from: its kind and its data, as custom document properties.

A Word file that comes back edited is read against its data (:mod:`tcdocs.edits`): these
properties say whether it is a tcdocs document at all, of which kind, and whether the data
has changed since the file was made. Word and LibreOffice keep custom properties when they
save a file (File › Properties › Custom), so the record travels with the file.
"""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import escape

from lxml import etree

from ..content import Content

__all__ = ["CUSTOM_PART", "DATA_PROPERTY", "KIND_PROPERTY", "provenance", "provenance_parts"]

CUSTOM_PART = "docProps/custom.xml"
KIND_PROPERTY = "tcdocs.kind"
"""The document's kind (``samverkansavtal``)."""
DATA_PROPERTY = "tcdocs.data"
"""The SHA-256 of the document's data as canonical JSON, the same the PDF's provenance records."""

_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id of user-defined properties


def provenance_parts(types: bytes, relations: bytes, content: Content) -> dict[str, bytes]:
    """The package entries that record *content*'s kind and data in a DOCX: the custom properties part,
    and the package's content types (*types*) and relationships (*relations*) naming it."""
    values = {KIND_PROPERTY: content.kind, DATA_PROPERTY: hashlib.sha256(content.data).hexdigest() if content.data else ""}
    properties = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{name}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(((n, v) for n, v in values.items() if v), start=2)
    )
    custom = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{_CUSTOM}" xmlns:vt="{_VT}">{properties}</Properties>'
    ).encode()
    content_types = types.decode("utf-8")
    if f'PartName="/{CUSTOM_PART}"' not in content_types:
        content_types = content_types.replace("</Types>", f'<Override PartName="/{CUSTOM_PART}" ContentType="{_TYPE}"/></Types>')
    package = relations.decode("utf-8")
    if _RELATION not in package:
        taken = set(re.findall(r'Id="([^"]+)"', package))
        number = next(n for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        package = package.replace(
            "</Relationships>", f'<Relationship Id="rId{number}" Type="{_RELATION}" Target="{CUSTOM_PART}"/></Relationships>'
        )
    return {CUSTOM_PART: custom, "[Content_Types].xml": content_types.encode("utf-8"), "_rels/.rels": package.encode("utf-8")}


def provenance(custom: bytes | None) -> dict[str, str]:
    """The tcdocs properties of a custom properties part (``docProps/custom.xml``), by name; empty if none."""
    if not custom:
        return {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(custom, parser)
    except etree.XMLSyntaxError:
        return {}
    found: dict[str, str] = {}
    for element in root.iter(f"{{{_CUSTOM}}}property"):
        name = element.get("name", "")
        if name.startswith("tcdocs."):
            found[name] = "".join(element.itertext()).strip()
    return found

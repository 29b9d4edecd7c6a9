"""Proof that a PDF is what its data renders to: read its provenance, render again, compare bytes."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ._version import __version__
from .content import PROVENANCE_FILE
from .data import read_data, read_file
from .errors import TcdocsError, UsageError, shown
from .loader import check_data, load
from .messages import Message
from .models.base import Document
from .options import RenderOptions
from .rendering import canonical_data, render_formats

__all__ = ["Provenance", "Verification", "provenance", "verify"]

MAX_PDF_BYTES = 100 * 1024 * 1024
"""The largest PDF that :func:`verify` reads."""


@dataclass(frozen=True)
class Provenance:
    """What a tcdocs PDF says about how it was made."""

    version: str
    variant: str
    data_sha256: str
    data: bytes | None
    """The embedded input data (PDF/A-3b only), or None."""


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`: whether the bytes match, and a sentence saying so."""

    matches: bool
    message: str
    provenance: Provenance


def provenance(pdf: bytes, name: str = "<pdf>") -> Provenance:
    """Read the provenance tcdocs writes into every PDF. Raises :class:`UsageError` if there is none."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        info: dict[str, object] = dict(reader.metadata or {})
        attachments = reader.attachments
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise UsageError(Message("{name}: not a readable PDF ({error})", name=name, error=exc)) from None
    version, variant, digest = (str(info.get(f"/tcdocs{key}", "")) for key in ("version", "variant", "datasha256"))
    if not version or not digest:
        raise UsageError(Message("{name}: this PDF carries no tcdocs provenance, so it cannot be verified", name=name))
    embedded = attachments.get(PROVENANCE_FILE)
    return Provenance(version, variant, digest, embedded[0] if embedded else None)


def verify(pdf_path: str | Path, data_path: str | Path | None = None, templates: Path | None = None) -> Verification:
    """Render the data behind *pdf_path* again and report whether the PDF's bytes are the same.

    The data is the copy a PDF/A-3b embeds, or the YAML file *data_path*. Raises
    :class:`UsageError` when the PDF has no provenance or no data is available, and
    :class:`~tcdocs.errors.LoadError` when a file cannot be read (a folder, a pipe, a device,
    a PDF over :data:`MAX_PDF_BYTES`) or the data no longer validates.
    """
    pdf_path = Path(pdf_path)
    pdf = read_file(pdf_path, MAX_PDF_BYTES)
    name = shown(pdf_path)
    found = provenance(pdf, name)
    doc = _document(found, pdf_path, data_path)
    data = canonical_data(doc)
    digest = hashlib.sha256(data).hexdigest()
    if digest != found.data_sha256:
        return Verification(
            False,
            Message(
                "{file}: the data's SHA-256 is {digest}, but the PDF was made from {made}", file=name, digest=digest, made=found.data_sha256
            ),
            found,
        )
    if found.version != __version__:
        return Verification(
            False,
            Message(
                "{file}: made by tcdocs {made}; this is tcdocs {this}, so its bytes cannot be compared; verify with that version",
                file=name,
                made=found.version,
                this=__version__,
            ),
            found,
        )
    variant = None if found.variant in ("", "pdf") else found.variant
    try:
        again = render_formats(doc, ("pdf",), RenderOptions(pdf_variant=variant, templates=templates))["pdf"]
    except TcdocsError as exc:
        return Verification(False, Message("{file}: the data could not be rendered again: {error}", file=name, error=exc), found)
    if again == pdf:
        return Verification(
            True, Message("{file}: verified; it is exactly what its data renders to (SHA-256 {digest})", file=name, digest=digest), found
        )
    return Verification(
        False, Message("{file}: NOT verified; its data renders to different bytes, so the PDF has been changed", file=name), found
    )


def _document(found: Provenance, pdf_path: Path, data_path: str | Path | None) -> Document:
    if data_path is not None:
        return load(data_path)
    if found.data is None:
        raise UsageError(
            Message("{file}: no data is embedded (only PDF/A-3b embeds it); give the YAML file with --data", file=shown(pdf_path))
        )
    name = f"{shown(pdf_path)}#{PROVENANCE_FILE}"
    try:
        text = found.data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(Message("{name}: the embedded data is not UTF-8 text", name=name)) from None
    data, positions = read_data(text, name, syntax="JSON")
    return check_data(data, name, positions).doc

"""Proof that a PDF is what its data renders to: read its provenance, render again, compare bytes."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .content import PROVENANCE_FILE
from .data import read_data, read_file
from .errors import TcdocsError, UsageError, shown
from .loader import check_data, load
from .messages import Message, say
from .models.base import Document
from .options import RenderOptions
from .rendering import canonical_data, render_formats

if TYPE_CHECKING:
    from .signatures import Signatures

__all__ = ["Provenance", "Verification", "provenance", "verify", "verify_upload"]

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
    edition: str = ""
    """``publish`` for the copy for the web; empty for the document itself."""


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`: whether the bytes match, and a sentence saying so.

    For a signed PDF, *matches* says that the signed document is exactly the one its data renders
    to, every signature's bytes are intact and nothing but signatures came after it; *signatures*
    has each signature as checked, and *details* a line for each, and for each field still to sign.
    """

    matches: bool
    message: str
    provenance: Provenance
    signatures: Signatures | None = None
    details: tuple[Message, ...] = ()

    def as_json(self, language: str) -> dict[str, Any]:
        """The outcome for other programs (the service's ``POST /v1/verify``), its sentences in *language*."""
        signed = self.signatures
        found = self.provenance
        return {
            "verified": self.matches,
            "message": say(self.message, language),
            "details": [say(line, language) for line in self.details],
            "provenance": {
                "version": found.version,
                "variant": found.variant,
                "data_sha256": found.data_sha256,
                "edition": found.edition or None,
            },
            "signed": signed is not None,
            "signatures": [check.as_json() for check in signed.checks] if signed else [],
            "unsigned": list(signed.unsigned) if signed else [],
            "added_after_document": signed.since_document.as_json() if signed else None,
        }


def provenance(pdf: bytes, name: str = "<pdf>") -> Provenance:
    """Read the provenance tcdocs writes into every PDF. Raises :class:`UsageError` if there is none."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        info: dict[str, object] = dict(reader.metadata or {})
        attachments = reader.attachments
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise UsageError(Message("{name}: not a readable PDF ({error})", name=name, error=exc)) from None
    version, variant, digest, edition = (str(info.get(f"/tcdocs{key}", "")) for key in ("version", "variant", "datasha256", "edition"))
    if not version or not digest:
        raise UsageError(Message("{name}: this PDF carries no tcdocs provenance, so it cannot be verified", name=name))
    embedded = attachments.get(PROVENANCE_FILE)
    return Provenance(version, variant, digest, embedded[0] if embedded else None, edition)


def verify(
    pdf_path: str | Path, data_path: str | Path | None = None, templates: Path | None = None, trust: Sequence[str | Path] = ()
) -> Verification:
    """Render the data behind *pdf_path* again and report whether the PDF's bytes are the same.

    The data is the copy a PDF/A-3b embeds, or the YAML file *data_path*. A signed PDF must begin
    with exactly those bytes, and each signature is checked (:mod:`tcdocs.signatures`); its
    certificate is trusted only if it leads to one of the roots in the PEM or DER files *trust*.
    Raises :class:`UsageError` when the PDF has no provenance, no data is available or a root
    cannot be read, and :class:`~tcdocs.errors.LoadError` when a file cannot be read (a folder,
    a pipe, a device, a PDF over :data:`MAX_PDF_BYTES`) or the data no longer validates.
    """
    roots = _trusted_roots(trust)
    pdf_path = Path(pdf_path)
    pdf = read_file(pdf_path, MAX_PDF_BYTES)
    name = shown(pdf_path)
    found = provenance(pdf, name)
    doc = _document(found, pdf_path, data_path)
    return _compare(pdf, name, doc, found, templates, roots)


def verify_upload(
    pdf: bytes, name: str, doc: Document | None = None, templates: Path | None = None, trust: Sequence[bytes] = ()
) -> Verification:
    """As :func:`verify`, for a PDF sent to the service as *pdf*, shown as *name*: its data is *doc*,
    or else the copy a PDF/A-3b embeds; *trust* holds the trusted roots' PEM or DER bytes."""
    from .signatures import read_roots

    roots = [root for number, data in enumerate(trust, start=1) for root in read_roots(data, f"trust {number}")]
    found = provenance(pdf, name)
    return _compare(pdf, name, doc if doc is not None else _embedded(found, name), found, templates, roots)


def _compare(pdf: bytes, name: str, doc: Document, found: Provenance, templates: Path | None, roots: list[Any]) -> Verification:
    """Render *doc* again as *found* says it was made, and compare with *pdf*."""
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
    options = RenderOptions(pdf_variant=variant, templates=templates, publish=found.edition == "publish")
    try:
        again = render_formats(doc, ("pdf",), options)["pdf"]
    except TcdocsError as exc:
        return Verification(False, Message("{file}: the data could not be rendered again: {error}", file=name, error=exc), found)
    if again == pdf:
        return Verification(
            True, Message("{file}: verified; it is exactly what its data renders to (SHA-256 {digest})", file=name, digest=digest), found
        )
    if _signed(pdf):
        return _verify_signed(pdf, again, name, digest, found, roots)
    return Verification(
        False, Message("{file}: NOT verified; its data renders to different bytes, so the PDF has been changed", file=name), found
    )


def _document(found: Provenance, pdf_path: Path, data_path: str | Path | None) -> Document:
    if data_path is not None:
        return load(data_path)
    return _embedded(found, shown(pdf_path))


def _embedded(found: Provenance, file: str) -> Document:
    if found.data is None:
        raise UsageError(Message("{file}: no data is embedded (only PDF/A-3b embeds it); give the YAML file with --data", file=file))
    name = f"{file}#{PROVENANCE_FILE}"
    try:
        text = found.data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(Message("{name}: the embedded data is not UTF-8 text", name=name)) from None
    data, positions = read_data(text, name, syntax="JSON")
    return check_data(data, name, positions).doc


def _signed(pdf: bytes) -> bool:
    from .signatures import is_signed

    return is_signed(pdf)


def _trusted_roots(paths: Sequence[str | Path]) -> list[Any]:
    """The certificates of the trusted roots' files, read before any work is done."""
    if not paths:
        return []
    from .signatures import read_roots

    roots: list[Any] = []
    for path in map(Path, paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(Message("{file}: cannot read the file: {reason}", file=shown(path), reason=exc.strerror or str(exc))) from None
        roots += read_roots(data, shown(path))
    return roots


def _verify_signed(pdf: bytes, again: bytes, name: str, digest: str, found: Provenance, roots: list[Any]) -> Verification:
    """A signed PDF: the rendered document first, byte for byte, then only signatures, each intact."""
    from .signatures import check_signatures, revisions

    checked = check_signatures(pdf, revisions(again), roots)
    details = tuple(check.message() for check in checked.checks)
    details += tuple(Message("{field}: not signed yet", field=field) for field in checked.unsigned)
    if not pdf.startswith(again):
        message = Message("{file}: NOT verified; the document that was signed is not what its data renders to", file=name)
    elif not all(check.intact and check.covers_document for check in checked.checks):
        message = Message("{file}: NOT verified; the bytes of a signature are not intact: the signed document was changed", file=name)
    elif not checked.since_document.allowed:
        message = Message(
            "{file}: NOT verified; after the document was rendered, more than signatures was added to it: {what}",
            file=name,
            what=checked.since_document.message(),
        )
    else:
        message = Message(
            "{file}: verified; the signed document is exactly what its data renders to (SHA-256 {digest}); intact signatures: {count}",
            file=name,
            digest=digest,
            count=len(checked.checks),
        )
    return Verification(checked.ok and pdf.startswith(again), message, found, checked, details)

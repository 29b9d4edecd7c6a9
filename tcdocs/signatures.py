"""What the signatures of a signed PDF say, read with pyHanko: who signed each field and when, whether
the bytes it signs are intact, what was added after it, and whether its certificate leads to a root
the reader trusts.

Trust is what the reader gives: a certificate chain is trusted only when it leads to one of the
roots passed in (``tcdocs verify --trust ROOT.pem``); without them it is unknown, never "valid".
Nothing is fetched from the network (no revocation lists, no OCSP), so a trusted chain says that
the certificate was issued under that root, not that it was not revoked since.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

with warnings.catch_warnings():
    # cryptography deprecates DSA, which pyHanko's signers still name; tcdocs neither signs nor checks with DSA.
    warnings.filterwarnings("ignore", "DSA is deprecated", Warning)
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import (
        CatalogModificationRule,
        DiffResult,
        DocInfoRule,
        DSSCompareRule,
        FormUpdatingRule,
        GenericFieldModificationRule,
        MetadataUpdateRule,
        ModificationLevel,
        ObjectStreamRule,
        SigFieldCreationRule,
        SigFieldModificationRule,
        StandardDiffPolicy,
        SuspiciousModification,
        XrefStreamRule,
    )
    from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

from .errors import UsageError
from .messages import Message

__all__ = ["After", "Changes", "SignatureCheck", "Signatures", "check_signatures", "is_signed", "read_roots", "revisions"]

After = Literal["nothing", "validation", "signatures", "annotations", "other"]
"""What was added to a PDF after a point: nothing; validation data only (a document timestamp,
certificates and revocation data kept for later); signatures in its fields; comments or other
annotations; or anything else (a page, changed text)."""

_LEVELS: dict[ModificationLevel, After] = {
    ModificationLevel.NONE: "nothing",
    ModificationLevel.LTA_UPDATES: "validation",
    ModificationLevel.FORM_FILLING: "signatures",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}

_SINCE_RENDERED = StandardDiffPolicy(
    global_rules=[
        CatalogModificationRule(),
        DocInfoRule().as_qualified(ModificationLevel.LTA_UPDATES),
        XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
        MetadataUpdateRule().as_qualified(ModificationLevel.LTA_UPDATES),
    ],
    form_rule=FormUpdatingRule(
        field_rules=[SigFieldCreationRule(), SigFieldModificationRule(), GenericFieldModificationRule()],
        ignored_acroform_keys=ACROFORM_EXEMPT_STRICT_COMPARISON | {"/SigFlags"},
    ),
)
"""pyHanko's default rules for what may follow a signed revision, applied from the rendered document on.
The first signature sets the form's /SigFlags (signatures exist, save by appending), which only a
revision that is itself signed may do in the default rules; it changes nothing a reader sees."""

ALLOWED_AFTER: frozenset[After] = frozenset({"nothing", "validation", "signatures"})
"""What may follow a signed document that is still the same document: more signatures, and the
data that keeps them verifiable."""


@dataclass(frozen=True)
class Changes:
    """What was added after a point of a signed PDF (the rendered document, or a signature)."""

    level: After
    fields: tuple[str, ...] = ()
    """The signature fields signed after it."""
    detail: str = ""
    """What pyHanko found, for other changes."""

    @property
    def allowed(self) -> bool:
        """Whether the document is still the same: nothing but signatures and validation data came after."""
        return self.level in ALLOWED_AFTER

    def message(self) -> Message:
        """What was added, as a reader is told it."""
        if self.level == "nothing":
            return Message("nothing")
        if self.level == "validation":
            return Message("validation data only")
        if self.level == "signatures":
            return Message("the signatures in {fields}", fields=", ".join(self.fields) or "–")
        if self.level == "annotations":
            return Message("comments or other annotations")
        if self.detail:
            return Message("other changes to the document ({detail})", detail=self.detail)
        return Message("other changes to the document")

    def as_json(self) -> dict[str, Any]:
        return {"level": self.level, "fields": list(self.fields), "detail": self.detail}


Trust = Literal["trusted", "untrusted", "unknown"]


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a signed PDF, as checked."""

    field: str
    signer: str
    """The name in the signer's certificate (its common name, or else the whole subject)."""
    signed_at: dt.datetime | None
    timestamped: bool
    """Whether *signed_at* comes from a timestamp authority's token; otherwise the signer's own clock says it."""
    intact: bool
    """Whether the bytes the signature signs are exactly those it was made over, and its value checks with the certificate."""
    covers_document: bool
    """Whether it signs the whole rendered document (all of it, not only a part)."""
    after: Changes
    trust: Trust
    trusted_by: str = ""
    problem: str = ""
    """Why the signature could not be read or checked at all, if it could not."""

    @property
    def ok(self) -> bool:
        """Intact, over the whole rendered document, and followed by nothing but signatures."""
        return self.intact and self.covers_document and self.after.allowed

    def message(self) -> Message:
        """One line for a reader: field, signer, time, bytes, what came after, trust."""
        if self.problem:
            return Message("{field}: the signature cannot be checked: {problem}", field=self.field, problem=self.problem)
        if self.signed_at is None:
            when = Message("unknown time")
        else:
            time = self.signed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            if self.timestamped:
                when = Message("{time} (by a timestamp)", time=time)
            else:
                when = Message("{time} (by the signer's own clock)", time=time)
        if not self.intact:
            state = Message("its signed bytes have been CHANGED")
        elif not self.covers_document:
            state = Message("it does NOT sign the whole document")
        else:
            state = Message("its signed bytes are intact")
        return Message(
            "{field}: signed by {signer}, {when}; {state}; added after it: {after}; trust: {trust}",
            field=self.field,
            signer=self.signer,
            when=when,
            state=state,
            after=self.after.message(),
            trust=self.trust_message(),
        )

    def trust_message(self) -> Message:
        if self.trust == "trusted":
            return Message("its certificate leads to the trusted root {root}", root=self.trusted_by)
        if self.trust == "untrusted":
            return Message("its certificate does NOT lead to a given trusted root")
        return Message("unknown (no trusted root given)")

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "signer": self.signer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamped": self.timestamped,
            "intact": self.intact,
            "covers_document": self.covers_document,
            "added_after": self.after.as_json(),
            "trust": self.trust,
            "trusted_by": self.trusted_by or None,
            "problem": self.problem or None,
        }


@dataclass(frozen=True)
class Signatures:
    """Every signature of a signed PDF, the fields still to sign, and what came after the rendered document."""

    checks: tuple[SignatureCheck, ...]
    unsigned: tuple[str, ...]
    since_document: Changes
    """Everything added after the rendered document, all signatures' revisions together."""
    roots: tuple[str, ...] = field(default=())
    """The names of the trusted roots given, if any."""

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks) and self.since_document.allowed


def is_signed(pdf: bytes) -> bool:
    """Whether *pdf* holds at least one signature (a signed field, not only empty ones)."""
    try:
        return bool(_reader(pdf).embedded_signatures)
    except Exception:  # a damaged file: not read as signed here; the byte comparison speaks for it
        return False


def revisions(pdf: bytes) -> int:
    """How many revisions *pdf* has: one for the layout, one more for each incremental update."""
    return int(_reader(pdf).xrefs.total_revisions)


def read_roots(data: bytes, name: str) -> list[Any]:
    """The certificates in a PEM or DER file's *data*; a :class:`UsageError` naming *name* if it holds none."""
    try:
        roots = list(load_certs_from_pemder_data(data))
    except Exception:  # asn1crypto raises many kinds for data that is no certificate
        roots = []
    if not roots:
        raise UsageError(Message("{file}: not a certificate in PEM or DER form", file=name))
    return roots


def check_signatures(pdf: bytes, document_revisions: int, roots: Sequence[Any] = ()) -> Signatures:
    """Check every signature of *pdf*, whose first *document_revisions* revisions are the rendered document.

    *roots* are the certificates the reader trusts; without them, trust is unknown.
    """
    reader = _reader(pdf)
    since = _changes(lambda: _SINCE_RENDERED.review_file(reader, document_revisions - 1))
    checks = tuple(_check(embedded, len(pdf), document_revisions, roots) for embedded in reader.embedded_signatures)
    unsigned = tuple(str(name) for name, _, _ in enumerate_sig_fields(reader, filled_status=False))
    names = tuple(_name(root.subject) for root in roots)
    return Signatures(checks, unsigned, since, names)


def _reader(pdf: bytes) -> PdfFileReader:
    return PdfFileReader(io.BytesIO(pdf), strict=False)


def _changes(review: Any) -> Changes:
    try:
        result = review()
    except SuspiciousModification as exc:
        return Changes("other", detail=str(exc))
    if isinstance(result, SuspiciousModification):
        return Changes("other", detail=str(result))
    assert isinstance(result, DiffResult)
    return Changes(_LEVELS[result.modification_level], tuple(sorted(str(name) for name in result.changed_form_fields)))


def _name(name: Any) -> str:
    native = name.native
    common = native.get("common_name") if isinstance(native, dict) else None
    return str(common) if common else str(name.human_friendly)


def _check(embedded: Any, size: int, document_revisions: int, roots: Sequence[Any]) -> SignatureCheck:
    field_name = str(embedded.field_name)
    context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
    try:
        with _quiet_path_building():
            status = validate_pdf_signature(embedded, context)
    except Exception as exc:  # a damaged signature or file: pyHanko raises many kinds
        problem = str(exc) or type(exc).__name__
        return SignatureCheck(field_name, "", None, False, False, False, Changes("other"), "unknown", problem=problem)
    timestamp = status.timestamp_validity
    timestamped = timestamp is not None and timestamp.intact and timestamp.valid
    signed_at = timestamp.timestamp if timestamped and timestamp is not None else status.signer_reported_dt
    diff = status.diff_result
    if diff is None:
        after = Changes("nothing") if status.coverage == SignatureCoverageLevel.ENTIRE_FILE else Changes("other")
    else:
        after = _changes(lambda: diff)
    covers = embedded.signed_revision >= document_revisions - 1 and status.coverage in (
        SignatureCoverageLevel.ENTIRE_FILE,
        SignatureCoverageLevel.ENTIRE_REVISION,
    )
    if not roots:
        trust: Trust = "unknown"
        by = ""
    elif status.trusted and status.validation_path is not None:
        trust, by = "trusted", _name(status.validation_path.trust_anchor.authority.name)
    else:
        trust, by = "untrusted", ""
    return SignatureCheck(
        field=field_name,
        signer=_name(status.signing_cert.subject),
        signed_at=signed_at,
        timestamped=timestamped,
        intact=bool(status.intact and status.valid),
        covers_document=covers,
        after=after,
        trust=trust,
        trusted_by=by,
    )


# While tcdocs checks a signature, pyHanko's warning (with a trace) that a certificate's chain leads
# to no given root is left out: the check reports the trust itself. A filter added once, when this
# module is imported; a check only sets a context variable, so no call changes the logging set-up.
_CHECKING: ContextVar[bool] = ContextVar("tcdocs_checking_signatures", default=False)


class _PathBuildingNotes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (_CHECKING.get() and record.getMessage().startswith("Failed to build path"))


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_PathBuildingNotes())


@contextmanager
def _quiet_path_building() -> Iterator[None]:
    token = _CHECKING.set(True)
    try:
        yield
    finally:
        _CHECKING.reset(token)

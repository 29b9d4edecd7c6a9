"""Signed PDFs verified: signed in the tests with certificates of a test authority made here, one
signer and then all of them one after another, and changed after signing in the ways that matter."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

import tcdocs
from tcdocs.cli import main

from .conftest import EXAMPLES
from .test_pdf_fields import SIGNERS

# --- signing, as a signing service would ---------------------------------------------------------

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common), x509.NameAttribute(NameOID.COUNTRY_NAME, "SE")])


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca, content_commitment=not ca, key_encipherment=False, data_encipherment=False, key_agreement=False,
        key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )


class Authority:
    """A certificate authority of the tests, and the people it issues signing certificates to."""

    def __init__(self, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = (
            x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name)).public_key(self.key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.pem = self.cert.public_bytes(serialization.Encoding.PEM)

    def signer(self, name: str) -> signers.SimpleSigner:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder().subject_name(_name(name)).issuer_name(self.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=3650))
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        pem = serialization.Encoding.PEM
        private = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        return signers.SimpleSigner(
            signing_cert=next(load_certs_from_pemder_data(cert.public_bytes(pem))),
            signing_key=load_private_key_from_pemder_data(private, passphrase=None),
            cert_registry=SimpleCertificateStore.from_certs(list(load_certs_from_pemder_data(self.pem))),
        )

    def sign(self, pdf: bytes, name: str) -> bytes:
        """*pdf* signed by *name* in the empty field named after them, as an incremental update."""
        meta = signers.PdfSignatureMetadata(field_name=f"Underskrift {name}")
        out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=self.signer(name), existing_fields_only=True)
        return out.getvalue()


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority("Testcertifikat rot")


MINUTES = EXAMPLES / "styrgruppsprotokoll.yaml"


@pytest.fixture(scope="module")
def minutes() -> bytes:
    return tcdocs.render(tcdocs.load(MINUTES), "pdf")


def run_verify(tmp_path, capsys, pdf: bytes, *options: str, data=MINUTES) -> tuple[int, str, str]:
    path = tmp_path / "protokoll.pdf"
    path.write_bytes(pdf)
    code = main(["verify", str(path), *(["--data", str(data)] if data else []), *options])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_one_signer_signed_and_the_rest_still_to_sign(tmp_path, capsys, minutes, authority):
    signed = authority.sign(minutes, "Sofia Ek")
    assert signed.startswith(minutes)
    code, out, err = run_verify(tmp_path, capsys, signed)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("  Underskrift Sofia Ek: underskriven av Sofia Ek, 20")
    assert lines[0].endswith(
        "UTC (enligt undertecknarens egen klocka); de undertecknade byten är oförändrade; tillagt efter den: ingenting; "
        "förtroende: okänt (ingen betrodd rot angiven)"
    )
    assert lines[1:3] == ["  Underskrift Annika Dahl: inte underskriven ännu", "  Underskrift Ahmed Yousef: inte underskriven ännu"]
    assert "protokoll.pdf: bekräftad; det undertecknade dokumentet är precis vad dess uppgifter ger (SHA-256 " in lines[3]
    assert lines[3].endswith("; oförändrade underskrifter: 1")


def test_all_signers_one_after_another(tmp_path, capsys, minutes, authority):
    signed = minutes
    for name in SIGNERS["styrgruppsprotokoll"]:
        signed = authority.sign(signed, name)
    result = tcdocs.verify(_write(tmp_path, signed), MINUTES)
    assert result.matches
    checks = result.signatures.checks
    assert [(c.field, c.signer, c.intact, c.covers_document, c.trust) for c in checks] == [
        ("Underskrift Sofia Ek", "Sofia Ek", True, True, "unknown"),
        ("Underskrift Annika Dahl", "Annika Dahl", True, True, "unknown"),
        ("Underskrift Ahmed Yousef", "Ahmed Yousef", True, True, "unknown"),
    ]
    # What was added after each: the later signatures, and after the last nothing.
    assert [(c.after.level, c.after.fields) for c in checks] == [
        ("signatures", ("Underskrift Ahmed Yousef", "Underskrift Annika Dahl")),
        ("signatures", ("Underskrift Ahmed Yousef",)),
        ("nothing", ()),
    ]
    assert result.signatures.unsigned == ()
    assert all(c.signed_at is not None and not c.timestamped for c in checks)
    code, out, _ = run_verify(tmp_path, capsys, signed)
    assert code == 0
    assert "tillagt efter den: underskrifterna i Underskrift Ahmed Yousef, Underskrift Annika Dahl;" in out
    assert out.splitlines()[-1].endswith("; oförändrade underskrifter: 3")


def _write(tmp_path, pdf: bytes):
    path = tmp_path / "undertecknat.pdf"
    path.write_bytes(pdf)
    return path


def test_trust_is_what_the_given_roots_say_and_never_decides_the_exit_code(tmp_path, capsys, minutes, authority):
    signed = authority.sign(minutes, "Annika Dahl")
    ours, other = tmp_path / "rot.pem", tmp_path / "annan-rot.pem"
    ours.write_bytes(authority.pem)
    other.write_bytes(Authority("En annan rot").pem)
    code, out, _ = run_verify(tmp_path, capsys, signed, "--trust", str(ours))
    assert code == 0
    assert "förtroende: certifikatet leder till den betrodda roten Testcertifikat rot" in out
    code, out, _ = run_verify(tmp_path, capsys, signed, "--trust", str(other))
    assert code == 0
    assert "förtroende: certifikatet leder INTE till någon av de betrodda rötterna" in out
    not_a_root = tmp_path / "inte.pem"
    not_a_root.write_text("hej", encoding="utf-8")
    code, _, err = run_verify(tmp_path, capsys, signed, "--trust", str(not_a_root))
    assert code == 2 and "inte.pem: inget certifikat i PEM- eller DER-form" in err


def test_a_signed_pdf_a_3b_is_verified_from_its_own_data(tmp_path, capsys, authority):
    assert main(["render", str(EXAMPLES / "hangavtal.yaml"), "-f", "pdf", "--pdf-variant", "pdf/a-3b", "--out", str(tmp_path)]) == 0
    pdf = (tmp_path / "hangavtal.pdf").read_bytes()
    signed = authority.sign(authority.sign(pdf, "Eva Strand"), "Karin Lindqvist")
    code, out, err = run_verify(tmp_path, capsys, signed, data=None)
    assert code == 0, err
    assert "Underskrift Eva Strand: underskriven av Eva Strand" in out
    assert "Underskrift Karin Lindqvist: underskriven av Karin Lindqvist" in out


# --- changed after signing -------------------------------------------------------------------------

def test_a_byte_flipped_in_the_document_after_signing_is_found(tmp_path, capsys, minutes, authority):
    signed = bytearray(authority.sign(authority.sign(minutes, "Sofia Ek"), "Annika Dahl"))
    at = minutes.index(b"stream\n") + 100  # inside the first page's text, which both signatures sign
    signed[at] ^= 0x01
    code, out, err = run_verify(tmp_path, capsys, bytes(signed))
    assert code == 1
    assert "protokoll.pdf: INTE bekräftad; dokumentet som skrevs under är inte det som dess uppgifter ger" in err
    assert out.count("de undertecknade byten har ÄNDRATS") == 2


def test_a_byte_flipped_in_the_second_signers_revision_breaks_the_second_signature_only(tmp_path, capsys, minutes, authority):
    first = authority.sign(minutes, "Sofia Ek")
    signed = bytearray(authority.sign(first, "Annika Dahl"))
    # The document information the second signing wrote (its producer), which only the second signature signs.
    at = signed.index(b"WeasyPrint", len(first))
    signed[at] = ord("w")
    code, out, err = run_verify(tmp_path, capsys, bytes(signed))
    assert code == 1
    assert "protokoll.pdf: INTE bekräftad; en underskrifts byte är inte oförändrade: det undertecknade dokumentet har ändrats" in err
    sofia, annika = out.splitlines()[:2]
    assert "de undertecknade byten är oförändrade" in sofia and "de undertecknade byten har ÄNDRATS" in annika


def test_a_page_added_after_signing_is_found(tmp_path, capsys, minutes, authority):
    signed = authority.sign(minutes, "Sofia Ek")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)]),
            generic.NameObject("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)
    out_stream = io.BytesIO()
    writer.write(out_stream)
    changed = out_stream.getvalue()
    assert changed.startswith(signed)
    code, out, err = run_verify(tmp_path, capsys, changed)
    assert code == 1
    assert "protokoll.pdf: INTE bekräftad; efter att dokumentet skapades har mer än underskrifter lagts till: andra ändringar" in err
    assert "Underskrift Sofia Ek: underskriven av Sofia Ek" in out and "tillagt efter den: andra ändringar i dokumentet" in out


def test_a_different_document_signed_in_the_same_fields_is_not_the_one_its_data_renders_to(tmp_path, capsys, authority):
    folder = tmp_path / "exempel"
    shutil.copytree(EXAMPLES, folder)
    text = (folder / "styrgruppsprotokoll.yaml").read_text(encoding="utf-8")
    (folder / "andra.yaml").write_text(text.replace("lägga rapporterna till handlingarna.", "avslå rapporterna."), encoding="utf-8")
    other = tcdocs.render(tcdocs.load(folder / "andra.yaml"), "pdf")
    signed = authority.sign(other, "Sofia Ek")  # the same signers, so the same fields
    code, _, err = run_verify(tmp_path, capsys, signed)
    assert code == 1
    assert "protokoll.pdf: uppgifternas SHA-256 är" in err


def test_a_document_changed_before_it_was_signed_is_found_though_the_signature_is_intact(tmp_path, capsys, minutes, authority):
    changed = bytearray(minutes)
    changed[minutes.index(b"stream\n") + 100] ^= 0x01  # the first page's text, before anyone signed
    signed = authority.sign(bytes(changed), "Sofia Ek")
    code, out, err = run_verify(tmp_path, capsys, signed)
    assert code == 1
    assert "protokoll.pdf: INTE bekräftad; dokumentet som skrevs under är inte det som dess uppgifter ger" in err
    assert "de undertecknade byten är oförändrade" in out


def test_an_unsigned_pdf_is_verified_as_before(tmp_path, capsys, minutes):
    code, out, _ = run_verify(tmp_path, capsys, minutes)
    assert code == 0
    assert "protokoll.pdf: bekräftad; den är precis vad dess uppgifter ger (SHA-256 " in out


def test_the_copy_for_the_web_is_verified_as_what_its_data_renders_to(tmp_path, capsys):
    assert main(["render", str(MINUTES), "-f", "pdf", "--publish", "--out", str(tmp_path), "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "styrgruppsprotokoll-webb.pdf"), "--data", str(MINUTES)]) == 0
    assert "styrgruppsprotokoll-webb.pdf: bekräftad; " in capsys.readouterr().out

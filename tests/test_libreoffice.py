"""LibreOffice, an independent reader, opens every example DOCX as tcdocs' PDF lays it out.

Each DOCX is converted to PDF by LibreOffice, one process per file, with a font set
that has no Carlito (it is hidden if the machine has it): the DOCX must bring its own
metrics. The converted document has the PDF's number of pages and no word broken.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pypdf
import pytest

from .conftest import EXAMPLE_NAMES
from .reading import docx_body, pdf_fonts, words

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (Debian: libreoffice-writer-nogui; bash tests/run.sh installs it as root)",
)

# The system's fontconfig set-up, less any Carlito: what a reader without Carlito has.
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>*/[Cc]arlito*</glob><glob>*crosextra*</glob></rejectfont></selectfont>
</fontconfig>
"""
_DASH_BREAK = re.compile(r"(?<=[^\s–]–)\n+")


def libreoffice_pdf(folder: Path, name: str, docx: bytes) -> bytes:
    """*docx* as LibreOffice prints it to PDF, in *folder*, with fonts that have no Carlito."""
    (folder / "fonts.conf").write_text(FONTS_CONF, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "TMPDIR": str(folder), "FONTCONFIG_FILE": str(folder / "fonts.conf"),
           "LANG": "C.UTF-8"}
    source = folder / f"{name}.docx"
    source.write_bytes(docx)
    profile = (folder / f"profile-{name}").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
    subprocess.run(command, env=env, capture_output=True, timeout=180, check=True)
    return (folder / f"{name}.pdf").read_bytes()


@pytest.fixture(scope="module")
def converted(examples, tmp_path_factory) -> dict[str, bytes]:
    """Each example's DOCX as LibreOffice prints it to PDF."""
    folder = tmp_path_factory.mktemp("libreoffice")
    return {name: libreoffice_pdf(folder, name, examples[name]["docx"]) for name in EXAMPLE_NAMES}


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_libreoffice_lays_the_docx_out_on_the_pdfs_pages(name, examples, converted):
    assert len(pages(converted[name])) == len(pages(examples[name]["pdf"]))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_libreoffice_uses_the_embedded_carlito(name, converted):
    assert set(pdf_fonts(converted[name])) <= {"Carlito", "Carlito-Bold", "Carlito-Italic", "Carlito-BoldItalic"}


def rejoin(tokens: list[str], known: set[str]) -> list[str]:
    """*tokens* with a word that a line break split after its hyphen ("Barn-" "och") made whole again,
    where the whole word is one the DOCX has. Word and LibreOffice may break after a hyphen, but not
    before a digit: an organisation number, a phone number or a date ("(559999-" "1014)") is written
    with Word's non-breaking hyphen, so such a split stays split and the word counts as broken."""
    out: list[str] = []
    for token in tokens:
        if out and out[-1].endswith("-") and not token[:1].isdigit() and out[-1] + token in known:
            out[-1] += token
        else:
            out.append(token)
    return out


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_libreoffice_breaks_no_word(name, examples, converted):
    # A word broken inside ("Teknikprogra" / "mmet") would be missing whole from LibreOffice's text.
    wanted = Counter(words(docx_body(examples[name]["docx"])))
    seen = Counter(rejoin(words(_DASH_BREAK.sub("", "\n".join(pages(converted[name])))), set(wanted)))
    assert {word: count for word, count in wanted.items() if seen[word] < count} == {}


def test_libreoffice_keeps_a_phone_number_whole_beside_a_long_address_and_breaks_the_address_at_its_dots(tmp_path):
    from .test_layout import LONG_EMAIL, long_address_application

    text = " ".join(pages(libreoffice_pdf(tmp_path, "ansokan", long_address_application()["docx"])))
    lines = [line.strip() for line in text.splitlines()]
    assert "0611-55 20 10" in lines
    first = next(index for index, line in enumerate(lines) if line.startswith("annika.dahl"))
    pieces = list(itertools.takewhile(lambda line: bool(line) and line in LONG_EMAIL, lines[first:]))
    assert "".join(pieces) == LONG_EMAIL and len(pieces) > 1
    assert all(piece[-1] in "@.-" for piece in pieces[:-1])

"""A Word file that comes back is read within bounds: anything that is not a tcdocs Word file of the data's kind
gets a clear Swedish message, and nothing is written."""

from __future__ import annotations

import io
import shutil
import zipfile

import docx
import pytest

import tcdocs
from tcdocs.cli import main
from tcdocs.wordfile import read_word_file

from .conftest import EXAMPLES
from .word_edits import retype


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def another_tools_file() -> bytes:
    document = docx.Document()
    document.add_heading("Protokoll från föreningsstämma", 1)
    document.add_paragraph("Stämman öppnades av ordföranden, som hälsade alla välkomna.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_a_dtd(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    body = entries["word/document.xml"].decode()
    entries["word/document.xml"] = body.replace("?>", '?><!DOCTYPE w:document [<!ENTITY x "x">]>', 1).encode()
    return zipped(entries)


BAD = {
    "not-a-docx": (lambda examples: "Detta är ingen Word-fil.".encode(), "det här är ingen Word-fil (.docx)"),
    "another-kind": (lambda examples: examples["beslut"]["docx"], "Word-filen är ett dokument av slaget Beslut"),
    "another-tool": (lambda examples: another_tools_file(), "Word-filen är inte gjord av tcdocs från"),
    "zip-bomb": (
        lambda examples: zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<" + b" " * 30_000_000}),
        "zip-bomb",
    ),
    "no-document": (lambda examples: zipped({"mimetype": b"application/vnd.oasis.opendocument.text"}), "inget Word-dokument"),
    "a-dtd": (lambda examples: with_a_dtd(examples["samverkansavtal"]["docx"]), "en DTD"),
    "50-mb": (lambda examples: b"PK\x03\x04" + bytes(50_000_000), "större än 20 MB"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_word_file_is_a_clear_swedish_message_and_nothing_is_written(case, examples, tmp_path, capsys):
    make, message = BAD[case]
    word = tmp_path / "ändrad.docx"
    word.write_bytes(make(examples))
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", tmp_path / "avtal.yaml")
    out = tmp_path / "ny.yaml"
    code = main(["read", str(word), "--against", str(tmp_path / "avtal.yaml"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert message in captured.err and "ändrad.docx" in captured.err and "Traceback" not in captured.err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["avtal.yaml", "ändrad.docx"]


def test_a_folder_given_as_the_word_file_is_refused(tmp_path, capsys):
    code = main(["read", str(tmp_path), "--against", str(EXAMPLES / "samverkansavtal.yaml")])
    assert code in (1, 2) and "Traceback" not in capsys.readouterr().err


def test_the_data_with_its_problems_is_a_located_error_before_the_word_file_is_compared(examples, tmp_path, capsys):
    broken = tmp_path / "avtal.yaml"
    broken.write_text(
        (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8").replace("212999-0012", "212999-0013"), encoding="utf-8"
    )
    word = tmp_path / "avtal.docx"
    word.write_bytes(examples["samverkansavtal"]["docx"])
    assert main(["read", str(word), "--against", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "avtal.yaml:17:5: Parter › 1 › Organisationsnummer: 212999-0013 har fel kontrollsiffra" in err


def test_the_reader_keeps_each_paragraph_and_cell_in_order(examples):
    read = read_word_file(examples["samverkansavtal"]["docx"], "avtal.docx")
    texts = [block.text for block in read.blocks]
    assert texts[:3] == [
        "Samverkansavtal för Teknikcollege Nordvik",
        "avseende certifieringsperioden 2028–2031, version 1.0",
        "§\u00a01 Parter",
    ]
    cell = next(block for block in read.blocks if block.text == "Kommunstyrelsen")
    assert (cell.table, cell.row, cell.column) == (0, 1, 3)
    assert [piece.field for piece in cell.pieces] == ["parties.0.represented_by"]
    assert read.properties["tcdocs.kind"] == "samverkansavtal"


# --- the command line --------------------------------------------------------------------------------------


def test_read_says_the_changed_field_in_swedish_and_writes_the_new_data_with_its_comments(examples, tmp_path, capsys):
    data = tmp_path / "avtal.yaml"
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", data)
    word = tmp_path / "avtal-remiss.docx"
    word.write_bytes(retype(examples["samverkansavtal"]["docx"], "parties.2.represented_by", "Barn- och utbildningsnämnden"))
    out = tmp_path / "avtal-ny.yaml"
    code = main(["read", str(word), "--against", str(data), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Parter › 3 › Företrädd av: kommunstyrelsen → barn- och utbildningsnämnden" in captured.out
    assert "§ 1 Parter, tabell 1, rad 4, kolumn 4" in captured.out.replace("\u00a0", " ")
    assert "avtal-ny.yaml: skrev uppgifterna med de ändrade fälten" in captured.out
    before = data.read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("    represented_by: kommunstyrelsen", "    represented_by: barn- och utbildningsnämnden")
    ]
    assert tcdocs.load(out).parties[2].represented_by == "barn- och utbildningsnämnden"


def test_read_never_writes_over_its_data(examples, tmp_path, capsys):
    data = tmp_path / "avtal.yaml"
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", data)
    word = tmp_path / "avtal.docx"
    word.write_bytes(retype(examples["samverkansavtal"]["docx"], "parties.2.represented_by", "Nämnden"))
    assert main(["read", str(word), "--against", str(data), "--out", str(data)]) == 2
    assert "skriv de nya uppgifterna till en egen fil" in capsys.readouterr().err
    assert data.read_bytes() == (EXAMPLES / "samverkansavtal.yaml").read_bytes()


def test_read_writes_new_data_with_problems_and_says_where_they_are(examples, tmp_path, capsys):
    data = tmp_path / "avtal.yaml"
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", data)
    word = tmp_path / "avtal.docx"
    word.write_bytes(retype(examples["samverkansavtal"]["docx"], "parties.0.org_number", "212999-0013"))
    out = tmp_path / "ny.yaml"
    assert main(["read", str(word), "--against", str(data), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "Parter › 1 › Organisationsnummer: 212999-0012 → 212999-0013" in captured.out
    assert "ny.yaml:17:5: Parter › 1 › Organisationsnummer: 212999-0013 har fel kontrollsiffra" in captured.err
    assert "212999-0013" in out.read_text(encoding="utf-8")


def test_read_as_json_names_each_field_by_path_and_label(examples, tmp_path, capsys):
    word = tmp_path / "avtal.docx"
    word.write_bytes(retype(examples["samverkansavtal"]["docx"], "parties.2.represented_by", "Nämnden"))
    assert main(["read", str(word), "--against", str(EXAMPLES / "samverkansavtal.yaml"), "--format", "json"]) == 0
    import json

    answer = json.loads(capsys.readouterr().out)
    [field] = answer["fields"]
    assert (field["path"], field["label"], field["old"], field["new"]) == (
        "parties[2].represented_by",
        "Parter › 3 › Företrädd av",
        "kommunstyrelsen",
        "nämnden",
    )
    assert answer["valid"] is True and "    represented_by: nämnden\n" in answer["yaml"]

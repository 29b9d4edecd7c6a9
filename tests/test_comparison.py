"""Two versions of a document as one Word file with tracked changes, for every kind: accepting them all gives
the new version's words, rejecting them all the old one's, as the test applies them and as LibreOffice does."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

import tcdocs
from tcdocs.cli import main
from tcdocs.data import read_data

from .conftest import EXAMPLE_NAMES, EXAMPLES
from .reading import docx_body, words
from .word_edits import NO_SOFFICE, SOFFICE, q, text_fields, value_at

AUTHOR = "Sofia Ek"


def changed(name: str) -> tuple[tcdocs.Document, tcdocs.Document]:
    """The example, and a new version of it: the last word of a text field reworded, and one item of a list left
    out where the data has a list that can do without its last item."""
    old = tcdocs.load(EXAMPLES / f"{name}.yaml")
    docx = tcdocs.render(old, "docx")
    written, _ = read_data((EXAMPLES / f"{name}.yaml").read_bytes())
    model = type(old)
    for _, path in text_fields(old, docx, written):
        values = old.model_dump()
        parent = value_at(values, path[:-1])
        assert isinstance(parent, dict | list)
        kept = str(value_at(values, path)).split()[:-1]
        parent[path[-1]] = " ".join([*kept, "i", "ny", "lydelse"])  # type: ignore[index]
        try:
            new = model.model_validate(values)
            break
        except ValueError:
            continue  # a name another field must repeat: take the next
    else:
        raise AssertionError("no text field can be reworded alone")
    for candidate in _lists(values):
        dropped = candidate.pop()
        try:
            shorter = model.model_validate(values)
        except ValueError:
            candidate.append(dropped)
            continue
        if words(docx_body(tcdocs.render(shorter, "docx"))) != words(docx_body(tcdocs.render(new, "docx"))):
            return old, shorter
        candidate.append(dropped)
    return old, new


def _lists(data: Any) -> list[list[Any]]:
    """Every list of two or more items in *data*, in the order of the file."""
    found: list[list[Any]] = []
    if isinstance(data, dict):
        for value in data.values():
            found.extend(_lists(value))
    elif isinstance(data, list):
        if len(data) >= 2:
            found.append(data)
        for item in data:
            found.extend(_lists(item))
    return found


def reviewed(docx: bytes, accept: bool) -> list[str]:
    """The words of *docx* with every tracked change accepted (or rejected), as Word does it."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for row in list(root.iter(q("tr"))):
        if row.find(f"{q('trPr')}/{q(drop)}") is not None:
            row.getparent().remove(row)
    for change in list(root.iter(q(drop), q(keep))):
        parent = change.getparent()
        if parent.tag in (q("rPr"), q("trPr")):
            parent.remove(change)  # a paragraph mark or row: its text goes, or stays, with its runs
        elif change.tag == q(drop):
            parent.remove(change)
        else:
            index = parent.index(change)
            for child in list(change):
                parent.insert(index, child)
                index += 1
            parent.remove(change)
    for text in root.iter(q("delText")):
        text.tag = q("t")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, etree.tostring(root) if info.filename == "word/document.xml" else source.read(info))
    return words(docx_body(out.getvalue()))


@pytest.fixture(scope="module")
def versions() -> dict[str, tuple[tcdocs.Document, tcdocs.Document, bytes]]:
    out = {}
    for name in EXAMPLE_NAMES:
        old, new = changed(name)
        out[name] = (old, new, tcdocs.compare(old, new, author=AUTHOR))
    return out


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_accepting_every_change_gives_the_new_words_and_rejecting_them_the_old(name, versions):
    old, new, docx = versions[name]
    assert reviewed(docx, accept=True) == words(docx_body(tcdocs.render(new, "docx")))
    assert reviewed(docx, accept=False) == words(docx_body(tcdocs.render(old, "docx")))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_changes_are_tracked_with_an_author_and_the_new_versions_date(name, versions):
    _, new, docx = versions[name]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    changes = list(root.iter(q("ins"), q("del")))
    assert {etree.QName(c).localname for c in changes} == {"ins", "del"}
    assert {(c.get(q("author")), c.get(q("date"))) for c in changes} == {(AUTHOR, f"{new.date.isoformat()}T00:00:00Z")}
    ids = [c.get(q("id")) for c in changes]
    assert len(ids) == len(set(ids))
    inserted = " ".join("".join(t.text for t in c.iter(q("t"))) for c in root.iter(q("ins")))
    assert "i ny lydelse" in " ".join(inserted.split())


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_comparison_is_valid_office_open_xml(name, versions, tmp_path):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(versions[name][2])
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0).validate(path)
    assert [str(e) for e in result.errors] == []
    assert result.warning_count == 0


def test_a_version_compared_with_itself_has_no_changes(examples):
    doc = tcdocs.load(EXAMPLES / "samverkansavtal.yaml")
    docx = tcdocs.compare(doc, doc)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    assert list(root.iter(q("ins"), q("del"))) == []
    assert words(docx_body(docx)) == words(docx_body(examples["samverkansavtal"]["docx"]))


def test_compare_on_the_command_line_writes_the_word_file(tmp_path, capsys):
    new = tmp_path / "slutversion.yaml"
    text = (EXAMPLES / "samverkansavtal.yaml").read_text(encoding="utf-8")
    new.write_text(text.replace("represented_by: kommunstyrelsen", "represented_by: kommunfullmäktige", 1), encoding="utf-8")
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", tmp_path / "remiss.yaml")
    out = tmp_path / "ändringar.docx"
    assert main(["compare", str(tmp_path / "remiss.yaml"), str(new), "--out", str(out), "--author", AUTHOR]) == 0
    assert "ändringar.docx" in capsys.readouterr().out
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    assert [("".join(c.itertext())) for c in root.iter(q("del"))] == ["Kommunstyrelsen"]
    assert [("".join(c.itertext())) for c in root.iter(q("ins"))] == ["Kommunfullmäktige"]


def test_two_kinds_cannot_be_compared(capsys, tmp_path):
    out = tmp_path / "x.docx"
    code = main(["compare", str(EXAMPLES / "samverkansavtal.yaml"), str(EXAMPLES / "beslut.yaml"), "--out", str(out)])
    assert code == 2 and "jämför två versioner av samma dokument" in capsys.readouterr().err
    assert not out.exists()


# --- LibreOffice's view ----------------------------------------------------------------------------------

# A macro that opens a Word file, accepts (or rejects) every tracked change as the Edit › Track Changes menu
# does, and saves the text: LibreOffice's own reading of the changes.
MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Review(source As String, target As String, command As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden"
  load(0).Value = True
  document = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, load())
  dispatcher = createUnoService("com.sun.star.frame.DispatchHelper")
  dispatcher.executeDispatch(document.getCurrentController().getFrame(), command, "", 0, Array())
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = "FilterName"
  store(0).Value = "Text (encoded)"
  document.storeToURL(ConvertToURL(target), store())
  document.close(True)
End Sub
</script:module>
"""


@pytest.fixture(scope="module")
def macro_profile(tmp_path_factory) -> Path:
    """A LibreOffice profile that holds the macro, to be copied for each process."""
    folder = tmp_path_factory.mktemp("libreoffice-macro")
    profile = folder / "profile"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8"}
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--terminate_after_init"],
        env=env,
        capture_output=True,
        timeout=180,
        check=True,
    )
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(MACRO, encoding="utf-8")
    return profile


def libreoffice_reviewed(docx: bytes, accept: bool, profile: Path, folder: Path) -> list[str]:
    own = folder / f"profile-{accept}"
    shutil.copytree(profile, own)
    source, target = folder / "changes.docx", folder / f"reviewed-{accept}.txt"
    source.write_bytes(docx)
    command = ".uno:AcceptAllTrackedChanges" if accept else ".uno:RejectAllTrackedChanges"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8"}
    call = f'macro:///Standard.Module1.Review("{source}","{target}","{command}")'
    command_line = [SOFFICE, f"-env:UserInstallation={own.as_uri()}", "--headless", call]
    subprocess.run(command_line, env=env, capture_output=True, timeout=180, check=True)
    # LibreOffice writes Word's non-breaking hyphen as U+2011; a reader sees a hyphen.
    return words(target.read_text(encoding="utf-8-sig").replace("\u2011", "-"))


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_libreoffice_accepts_and_rejects_the_changes_to_the_same_words(name, versions, macro_profile, tmp_path):
    old, new, docx = versions[name]
    assert libreoffice_reviewed(docx, True, macro_profile, tmp_path) == words(docx_body(tcdocs.render(new, "docx")))
    assert libreoffice_reviewed(docx, False, macro_profile, tmp_path) == words(docx_body(tcdocs.render(old, "docx")))

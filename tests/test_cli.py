"""The command line, run in-process through main(argv)."""

from __future__ import annotations

import json
import shutil

import pytest

import tcdocs
import tcdocs.models
from tcdocs.cli import main

from .conftest import EXAMPLES
from .reading import docx_body, docx_header, flat, pdf_pages

EXAMPLE = EXAMPLES / "samverkansavtal.yaml"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_render_writes_both_formats_named_after_the_input(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "samverkansavtal.yaml")
    code, out, err = run(capsys, "render", "samverkansavtal.yaml")
    assert (code, err) == (0, "")
    assert "samverkansavtal.docx" in out and "samverkansavtal.pdf" in out
    assert "Karin Lindqvist" in docx_body((tmp_path / "out" / "samverkansavtal.docx").read_bytes())
    assert "Karin Lindqvist" in " ".join(pdf_pages((tmp_path / "out" / "samverkansavtal.pdf").read_bytes()))


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_render_one_format_into_a_folder(tmp_path, capsys, fmt):
    code, _, _ = run(capsys, "render", EXAMPLE, "--out", tmp_path / "dokument", "--format", fmt)
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "dokument").iterdir()) == [f"samverkansavtal.{fmt}"]


def test_render_several_files_and_one_bad_fails_alone(tmp_path, capsys):
    good = tmp_path / "nordvik.yaml"
    shutil.copy(EXAMPLE, good)
    bad = tmp_path / "trasig.yaml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("212999-0038", "212999-0039"), encoding="utf-8")
    code, out, err = run(capsys, "render", bad, good, "-o", tmp_path / "out")
    assert code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["nordvik.docx", "nordvik.pdf"]
    assert "trasig.yaml:53:5: Parter › 3 › Organisationsnummer: 212999-0039 har fel kontrollsiffra" in err
    assert "1 av 2 filer misslyckades" in err
    assert "Traceback" not in err


def test_failed_render_leaves_earlier_output_untouched(tmp_path, capsys):
    source = tmp_path / "avtal.yaml"
    shutil.copy(EXAMPLE, source)
    assert run(capsys, "render", source, "-o", tmp_path)[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.glob("avtal.*") if p.suffix != ".yaml"}
    source.write_text(EXAMPLE.read_text(encoding="utf-8").replace("dnr: KS 2026/0412\n", ""), encoding="utf-8")
    code, _, err = run(capsys, "render", source, "-o", tmp_path)
    assert code == 1 and "Diarienummer: fältet måste fyllas i" in err
    after = {p.name: p.read_bytes() for p in tmp_path.glob("avtal.*") if p.suffix != ".yaml"}
    assert after == before
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("region: Nordvik", "region: [Nordvik"), "YAML-fel: en lista inom hakparentes [ ] är inte avslutad"),
        (lambda t: t.replace("region: Nordvik", "region: Nordvik\nregion: Nordvik"),
         "region: fältet 'region' står två gånger; det finns redan på rad 7"),
        (lambda t: t.replace("dnr: KS 2026/0412\n", ""), "Diarienummer: fältet måste fyllas i"),
        (lambda t: t.replace("212999-0012", "212999-0011"), "Parter › 1 › Organisationsnummer: 212999-0011 har fel kontrollsiffra"),
        (lambda t: t.replace("  - name: Åsby kommun\n", "  - name: Åsby kommun\n    type: region\n")
         .replace("  - name: Ekeskogs kommun\n", "  - name: Ekeskogs kommun\n    type: region\n"),
         "Parter: en Teknikcollege-region behöver minst 3 kommuner"),
        (lambda t: t.replace("name: Erik Holm", 'name: "Erik\\u0007 Holm"'), "U+0007"),
    ],
    ids=["syntax", "duplicate-key", "missing-field", "org-number", "two-municipalities", "control-character"],
)
def test_bad_input_is_a_located_error_and_writes_nothing(tmp_path, capsys, change, message):
    source = tmp_path / "avtal.yaml"
    source.write_text(change(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = run(capsys, "render", source, "-o", tmp_path / "out")
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith(f"{source}:")
    assert first.split(":")[1].isdigit() and first.split(":")[2].isdigit()
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_validate_reports_ok_and_problems(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: samverkansavtal\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", EXAMPLE, bad)
    assert code == 1
    assert f"{EXAMPLE}: ok" in out
    assert f"{bad}:1:1: Diarienummer: fältet måste fyllas i" in err


@pytest.mark.parametrize("kind", list(tcdocs.kinds()))
def test_new_prints_a_starter_that_renders(kind, tmp_path, capsys):
    code, out, _ = run(capsys, "new", kind)
    assert code == 0 and out.startswith("# ") and f"\nkind: {kind}\n" in out
    # The starter says what to do on the page and on the command line.
    assert "På sidan (tcdocs serve)" in out and "`tcdocs validate FIL`" in out and f"`tcdocs schema {kind}`" in out
    starter = tmp_path / "ny.yaml"
    starter.write_text(out, encoding="utf-8")
    assert run(capsys, "render", starter, "-o", tmp_path)[0] == 0
    dnr = next(line.split(":", 1)[1].split("#")[0].strip() for line in out.splitlines() if line.startswith("dnr:"))
    docx = (tmp_path / "ny.docx").read_bytes()
    assert f"Dnr {dnr}" in flat(docx_header(docx))
    assert len(docx_body(docx).split()) > 60


@pytest.mark.parametrize("kind", list(tcdocs.kinds()))
def test_schema_is_json_with_swedish_titles(kind, capsys):
    code, out, _ = run(capsys, "schema", kind)
    schema = json.loads(out)
    assert code == 0
    assert schema["title"] == tcdocs.kinds()[kind]
    assert schema["properties"]["dnr"]["title"] == "Diarienummer"
    assert "kind" in schema["required"]


def test_kinds_lists_swedish_names(capsys):
    code, out, _ = run(capsys, "kinds")
    lines = out.splitlines()
    assert code == 0 and lines[:3] == ["samverkansavtal       Samverkansavtal", "intresseanmalan       Intresseanmälan",
                                       "aterkoppling          Återkoppling"]
    # Every registered kind, the road's documents in the handbook's order and then the others.
    assert [line.split()[0] for line in lines] == list(tcdocs.kinds())
    steps = [tcdocs.models.KINDS[line.split()[0]].step for line in lines]
    road = [step for step in steps if step is not None]
    assert road == sorted(road) and steps[: len(road)] == road


@pytest.mark.parametrize("argv", [["new", "avtal"], ["render"], ["render", "x.yaml", "--format", "odt"], ["nope"]],
                         ids=["unknown-kind", "no-files", "bad-format", "unknown-command"])
def test_usage_errors_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "Användning: tcdocs" in err and "Fel: " in err


def test_every_command_has_help(capsys):
    for command in ("render", "validate", "new", "schema", "kinds"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and "Användning: tcdocs" in out


def test_two_inputs_with_the_same_name_do_not_overwrite_each_other(tmp_path, capsys):
    for folder, name in (("a", "Avtal.yaml"), ("b", "avtal.yaml")):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLE, tmp_path / folder / name)
    code, _, err = run(capsys, "render", tmp_path / "a" / "Avtal.yaml", tmp_path / "b" / "avtal.yaml", "-o", tmp_path / "out")
    assert code == 1
    assert "skriver redan en fil med det namnet i den här körningen" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["Avtal.docx", "Avtal.pdf"]


# --- options and outputs: a clear answer, never a traceback, nothing half written ------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0.000001", "99999999", "abc"])
def test_a_time_limit_that_is_no_time_limit_is_a_usage_error(tmp_path, capsys, value):
    code, out, err = run(capsys, "render", EXAMPLE, "--out", tmp_path, "--timeout", value)
    assert code == 2 and "--timeout" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_extract_of_a_document_that_is_no_minutes_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, "render", EXAMPLE, "--paragraph", "3", "--out", tmp_path)
    assert code == 2 and "--paragraph gör ett utdrag ur ett styrgruppsprotokoll" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_broken_user_template_is_the_same_clear_error_with_any_number_of_jobs(tmp_path, capsys, jobs):
    folder = tmp_path / "mallar" / "agreements"
    folder.mkdir(parents=True)
    (folder / "samverkansavtal.html.j2").write_text("<article>{% if %}</article>", encoding="utf-8")
    second = tmp_path / "andra.yaml"
    shutil.copy(EXAMPLE, second)
    code, _, err = run(capsys, "render", EXAMPLE, second, "--templates", tmp_path / "mallar", "--jobs", jobs, "--out", tmp_path / "ut")
    assert code == 1 and "Traceback" not in err
    assert err.count("agreements/samverkansavtal.html.j2:1: fel i mallen:") == 2


def test_a_report_in_a_folder_that_does_not_exist_is_refused_before_anything_is_done(tmp_path, capsys):
    code, _, err = run(capsys, "render", EXAMPLE, "--out", tmp_path / "ut", "--report", tmp_path / "saknas" / "r.json")
    assert code == 2 and "saknas finns inte, så rapporten kan inte skrivas där" in err
    assert not (tmp_path / "saknas").exists() and not (tmp_path / "ut").exists()


def test_an_output_folder_is_made_but_not_its_missing_parents(tmp_path, capsys):
    code, _, err = run(capsys, "render", EXAMPLE, "--out", tmp_path / "saknas" / "ut")
    assert code == 2 and "saknas finns inte, så dokumenten kan inte skrivas där" in err and not (tmp_path / "saknas").exists()
    assert run(capsys, "render", EXAMPLE, "--out", tmp_path / "ut")[0] == 0
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == ["samverkansavtal.docx", "samverkansavtal.pdf"]


def test_a_documents_outputs_are_written_all_or_none(tmp_path, capsys):
    out = tmp_path / "ut"
    out.mkdir()
    (out / "samverkansavtal.docx").write_bytes(b"earlier")
    (out / "samverkansavtal.pdf").mkdir()  # in the way of the PDF
    code, _, err = run(capsys, "render", EXAMPLE, "--out", out)
    assert code == 1 and "samverkansavtal.pdf: kan inte skrivas: en mapp med samma namn står i vägen" in err
    assert (out / "samverkansavtal.docx").read_bytes() == b"earlier"
    assert sorted(p.name for p in out.iterdir()) == ["samverkansavtal.docx", "samverkansavtal.pdf"]


def test_a_failed_rename_puts_the_earlier_file_back(tmp_path, monkeypatch):
    import os

    from tcdocs.errors import OutputError
    from tcdocs.output import write_all_atomic

    first, second = tmp_path / "a.docx", tmp_path / "a.pdf"
    first.write_bytes(b"old docx")
    second.write_bytes(b"old pdf")
    replace = os.replace

    def failing(src, dst):
        if str(dst) == str(second):
            raise OSError(28, "No space left on device")
        return replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OutputError, match="the disk is full"):
        write_all_atomic({first: b"new docx", second: b"new pdf"})
    assert (first.read_bytes(), second.read_bytes()) == (b"old docx", b"old pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.pdf"]

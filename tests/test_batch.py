"""Batches: worker processes, the JSON report, one bad file failing alone, and lazy imports."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tcdocs
from tcdocs.cli import main

from .conftest import EXAMPLES


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    files = []
    for name in ("samverkansavtal", "hangavtal", "styrgruppsprotokoll", "intresseanmalan"):
        files.append(Path(shutil.copy(EXAMPLES / f"{name}.yaml", folder)))
    bad = folder / "trasig.yaml"
    bad.write_text((EXAMPLES / "intresseanmalan.yaml").read_text(encoding="utf-8").replace("212999-0020", "212999-0021"))
    return [*files, bad]


def test_two_workers_write_the_same_bytes_as_one_and_a_bad_file_fails_alone(inputs, tmp_path, capsys):
    one, two = tmp_path / "ett", tmp_path / "tva"
    assert main(["render", *map(str, inputs), "--jobs", "1", "--out", str(one)]) == 1
    capsys.readouterr()
    assert main(["render", *map(str, inputs), "--jobs", "2", "--out", str(two), "--report", str(tmp_path / "r.json")]) == 1
    out, err = capsys.readouterr()
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir()) == sorted(
        f"{stem}.{ext}" for stem in ("samverkansavtal", "hangavtal", "styrgruppsprotokoll", "intresseanmalan") for ext in ("docx", "pdf")
    )
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    # The worker's error comes back whole: file, line, field and message.
    assert f"{inputs[-1]}:26:5: Huvudmän › 2 › Organisationsnummer: 212999-0021 har fel kontrollsiffra" in err
    assert "tcdocs: 1 av 5 filer misslyckades" in err
    assert out.count(": skrev ") == 4


def test_report_lists_status_outputs_with_sha256_and_the_error(inputs, tmp_path, capsys):
    report = tmp_path / "rapport.json"
    main(["render", *map(str, inputs), "--jobs", "2", "--out", str(tmp_path / "ut"), "--report", str(report)])
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["tcdocs"], data["files"], data["ok"], data["failed"]) == (tcdocs.__version__, 5, 4, 1)
    by_source = {Path(entry["source"]).name: entry for entry in data["results"]}
    assert [Path(entry["source"]).name for entry in data["results"]] == [p.name for p in inputs]
    ok = by_source["hangavtal.yaml"]
    assert ok["status"] == "ok" and "error" not in ok
    for output in ok["outputs"]:
        assert hashlib.sha256(Path(output["path"]).read_bytes()).hexdigest() == output["sha256"]
    failed = by_source["trasig.yaml"]
    assert failed["status"] == "failed" and failed["outputs"] == []
    assert "har fel kontrollsiffra" in failed["error"]


def test_inputs_with_the_same_name_are_refused_in_parallel_too(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = Path(shutil.copy(EXAMPLES / "beslut.yaml", tmp_path / "a" / "Avtal.yaml"))
    for named in ("granskningsprotokoll", "svar", "ansokan", "samverkansavtal"):  # what the beslut names, and what they name
        shutil.copy(EXAMPLES / f"{named}.yaml", tmp_path / "a" / f"{named}.yaml")
    second = Path(shutil.copy(EXAMPLES / "samverkansavtal.yaml", tmp_path / "b" / "avtal.yaml"))
    assert main(["render", str(first), str(second), "--jobs", "2", "--out", str(tmp_path / "ut")]) == 1
    assert f"{first} skriver redan en fil med det namnet i den här körningen; byt namn på en av filerna" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "ut").iterdir()) == ["Avtal.docx", "Avtal.pdf"]


def test_no_progress_bar_in_a_pipe(inputs, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tcdocs", "render", str(inputs[1]), "-f", "docx", "--out", str(tmp_path / "ut")],
        capture_output=True, text=True, check=True,
    )
    assert result.stderr == ""
    assert result.stdout.startswith(f"{inputs[1]}: skrev ")


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["render", "--help"], ["render", str(EXAMPLES / "samverkansavtal.yaml"), "-f", "docx", "--out", "{out}"],
     ["validate", str(EXAMPLES / "beslut.yaml")]],
    ids=["help", "render-help", "render-docx", "validate"],
)
def test_commands_that_make_no_pdf_never_import_weasyprint(argv, tmp_path):
    argv = [arg.replace("{out}", str(tmp_path)) for arg in argv]
    code = (
        "import sys\nfrom tcdocs.cli import main\ncode = main(sys.argv[1:])\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint was imported'\nsys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "error",
    [
        tcdocs.LoadError([tcdocs.Problem("bad", "dnr", "a.yaml", 3, 1)]),
        tcdocs.TemplateError("broken", "x.html.j2", 7),
        tcdocs.OutputError("/tmp/x.pdf", "read-only"),
        tcdocs.RenderError("timed out"),
    ],
    ids=["load", "template", "output", "render"],
)
def test_errors_cross_process_boundaries_whole(error):
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert again.format() == error.format()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_name_that_is_not_utf8_renders_and_is_reported(tmp_path, capsys, jobs):
    import os

    source = tmp_path / os.fsdecode(b"intresse-\xff.yaml")
    shutil.copy(EXAMPLES / "intresseanmalan.yaml", source)
    shutil.copy(EXAMPLES / "samverkansavtal.yaml", tmp_path)
    report = tmp_path / "r.json"
    code = main(["render", str(source), str(tmp_path / "samverkansavtal.yaml"), "--jobs", jobs, "-f", "docx",
                 "--out", str(tmp_path / "ut"), "--report", str(report)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert f"intresse-\ufffd.yaml: skrev {tmp_path / 'ut' / 'intresse-_.docx'}" in out
    results = json.loads(report.read_text(encoding="utf-8"))["results"]
    assert [(r["source"], r["status"]) for r in results] == [(str(tmp_path / "intresse-\ufffd.yaml"), "ok"),
                                                             (str(tmp_path / "samverkansavtal.yaml"), "ok")]

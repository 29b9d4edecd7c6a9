"""The front door: a complete, sorted __all__, and an import that stays light."""

import subprocess
import sys
import types

import pytest

import tcdocs


def test_all_is_sorted_and_complete():
    # isort style, as ruff keeps it: CONSTANTS, then Classes, then functions.
    assert tcdocs.__all__ == sorted(tcdocs.__all__, key=lambda name: (not name.isupper(), not name[:1].isupper(), name))
    public = {name for name, value in vars(tcdocs).items() if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert public == set(tcdocs.__all__) - {"__version__"}


def test_import_does_not_load_weasyprint_or_docxtpl():
    code = (
        "import sys, tcdocs; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'docxtpl', 'docx', 'docxcompose')]; "
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_render_writes_atomically_to_output(tmp_path, agreement):
    target = tmp_path / "avtal.pdf"
    data = tcdocs.render(agreement, "docx", output=tmp_path / "avtal.docx")
    assert (tmp_path / "avtal.docx").read_bytes() == data
    assert not target.exists()


def test_unknown_format_is_a_usage_error(agreement):
    with pytest.raises(tcdocs.UsageError, match="unknown format 'odt'"):
        tcdocs.render(agreement, "odt")


def test_kinds_and_starter():
    # The documents of the handbook's road in its order, then the others.
    assert tcdocs.kinds() == {
        "samverkansavtal": "Samverkansavtal",
        "intresseanmalan": "Intresseanmälan",
        "aterkoppling": "Återkoppling",
        "ansokan": "Ansökan",
        "granskningsprotokoll": "Granskningsprotokoll",
        "svar": "Svar på protokoll",
        "beslut": "Beslut",
        "arendeoversikt": "Ärendeöversikt",
        "hangavtal": "Hängavtal",
        "styrgruppsprotokoll": "Styrgruppsprotokoll",
    }
    for kind in tcdocs.kinds():
        assert f"kind: {kind}" in tcdocs.starter(kind)

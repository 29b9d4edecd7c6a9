"""The front door: a complete, sorted __all__, and an import that stays light."""

import errno
import os
import subprocess
import sys
import types

import pytest

import tcdocs
from tcdocs.models import KINDS


def test_all_is_sorted_and_complete():
    # isort style, as ruff keeps it: CONSTANTS, then Classes, then functions.
    assert tcdocs.__all__ == sorted(tcdocs.__all__, key=lambda name: (not name.isupper(), not name[:1].isupper(), name))
    public = {name for name, value in vars(tcdocs).items() if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    assert public == set(tcdocs.__all__) - {"__version__"}


def test_import_does_not_load_weasyprint_docxtpl_or_pyhanko():
    code = (
        "import sys, tcdocs; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'docxtpl', 'docx', 'docxcompose', 'pyhanko')]; "
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_render_writes_its_output_whole(tmp_path, agreement):
    data = tcdocs.render(agreement, "docx", output=tmp_path / "avtal.docx")
    assert (tmp_path / "avtal.docx").read_bytes() == data
    assert [path.name for path in tmp_path.iterdir()] == ["avtal.docx"]


def test_a_write_that_fails_halfway_leaves_the_earlier_file_as_it_was(tmp_path, agreement, monkeypatch):
    target = tmp_path / "avtal.docx"
    target.write_bytes(b"the earlier version")

    def disk_full(handle: int) -> None:  # the new bytes were written, but cannot be made durable
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(tcdocs.OutputError, match="the disk is full"):
        tcdocs.render(agreement, "docx", output=target)
    assert target.read_bytes() == b"the earlier version"
    assert [path.name for path in tmp_path.iterdir()] == ["avtal.docx"]  # and no temporary file is left


def test_unknown_format_is_a_usage_error(agreement):
    with pytest.raises(tcdocs.UsageError, match="unknown format 'odt'"):
        tcdocs.render(agreement, "odt")


def test_the_kinds_come_in_the_order_of_the_road_then_the_others_by_name():
    models = list(KINDS.values())
    on_road = [model for model in models if model.step is not None]
    others = [model for model in models if model.step is None]
    assert models == on_road + others
    assert [model.step for model in on_road] == sorted(model.step for model in on_road)
    assert [model.kind_name() for model in others] == sorted(model.kind_name() for model in others)
    assert list(tcdocs.kinds()) == list(KINDS)
    assert all(title[:1].isupper() for title in tcdocs.kinds().values())

"""The settings of tcdocs' own processes: they change no byte, and the library never makes them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from .conftest import EXAMPLES, ROOT

TOOL = ROOT / "tools" / "without_levers.py"


def python(code: str) -> str:
    """What a fresh interpreter running *code* prints."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_example_has_the_same_bytes_with_and_without_the_levers():
    found = {}
    for switch in ("on", "off"):
        done = subprocess.run([sys.executable, str(TOOL), "digests", switch], capture_output=True, text=True, check=True)
        found[switch] = json.loads(done.stdout)
    expected = sorted(f"{path.stem}.{fmt}" for path in EXAMPLES.glob("*.yaml") for fmt in ("docx", "pdf"))
    assert sorted(found["on"]) == expected
    assert found["on"] == found["off"]


def test_importing_and_rendering_change_no_process_setting():
    assert python(
        """
        import ctypes.util, gc
        before = (gc.get_threshold(), gc.get_freeze_count(), ctypes.util.find_library)
        import tcdocs
        imported = (gc.get_threshold(), gc.get_freeze_count(), ctypes.util.find_library)
        doc = tcdocs.load("examples/beslut.yaml")
        tcdocs.render(doc, "pdf")
        tcdocs.render(doc, "docx")
        rendered = (gc.get_threshold(), gc.get_freeze_count(), ctypes.util.find_library)
        print(before == imported == rendered)
        """
    ).split() == ["True"]


def test_the_command_in_process_changes_no_process_setting():
    assert python(
        """
        import ctypes.util, gc
        before = (gc.get_threshold(), ctypes.util.find_library)
        from tcdocs.cli import main
        main(["validate", "examples/beslut.yaml"])
        print(before == (gc.get_threshold(), ctypes.util.find_library))
        """
    ).split()[-1] == "True"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the lookup is answered from ldconfig on Linux only")
def test_a_process_of_tcdocs_finds_the_libraries_ctypes_finds_and_collects_less_often():
    shown = python(
        """
        import ctypes.util, gc
        original = ctypes.util.find_library
        from tcdocs.process import GC_THRESHOLD, settle, start
        start()
        names = ["libgobject-2.0-0", "gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "c", "no-such-lib"]
        print(ctypes.util.find_library is not original)
        print([ctypes.util.find_library(name) for name in names] == [original(name) for name in names])
        print(gc.get_threshold() == GC_THRESHOLD)
        import weasyprint
        settle()
        print(gc.get_freeze_count() > 0)
        """
    )
    assert shown.split() == ["True"] * 4


def test_a_render_worker_does_not_import_the_web_framework():
    assert python(
        """
        import sys
        import tcdocs.jobs
        print(sorted(name for name in ("fastapi", "starlette", "uvicorn") if name in sys.modules))
        """
    ).strip() == "[]"


def test_python_m_tcdocs_runs_the_command():
    done = subprocess.run([sys.executable, "-m", "tcdocs", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout.strip()

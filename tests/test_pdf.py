"""The PDF backend with and without HarfBuzz's subsetter, as a user's terminal sees a render."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import EXAMPLES, ROOT
from .reading import flat, pdf_pages

# A render in a fresh process in which WeasyPrint cannot load libharfbuzz-subset, as on a
# machine without Debian's libharfbuzz-subset0; the process then says which subsetter ran.
WITHOUT_SUBSETTER = """
import sys
sys.path.insert(0, {tools!r})
from without_subsetter import _refuse_subsetter
_refuse_subsetter()
from tcdocs.cli import main
code = main(sys.argv[1:])
from tcdocs.backends import pdf
sys.exit(code or (0 if pdf.SUBSETTER == "fonttools" else 9))
"""


def render_in_process(command: list[str], tmp_path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, "render", str(EXAMPLES / "beslut.yaml"), str(EXAMPLES / "intresseanmalan.yaml"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([sys.executable, "-m", "tcdocs"], id="as-installed"),
        pytest.param([sys.executable, "-c", WITHOUT_SUBSETTER.format(tools=str(ROOT / "tools"))], id="without-harfbuzz-subset"),
    ],
)
def test_a_render_prints_its_result_lines_and_nothing_else(command, tmp_path):
    done = render_in_process(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        f"{EXAMPLES / 'beslut.yaml'}: skrev {tmp_path / 'beslut.docx'}, {tmp_path / 'beslut.pdf'}",
        f"{EXAMPLES / 'intresseanmalan.yaml'}: skrev {tmp_path / 'intresseanmalan.docx'}, {tmp_path / 'intresseanmalan.pdf'}",
    ]
    text = flat(" ".join(pdf_pages((tmp_path / "beslut.pdf").read_bytes())))
    assert "Beslut om certifiering av Teknikcollege Nordvik" in text
    assert "från och med den 1 maj 2028 till och med den 30 april 2031" in text


def test_without_harfbuzz_subset_the_same_data_gives_the_same_bytes(tmp_path):
    command = [sys.executable, "-c", WITHOUT_SUBSETTER.format(tools=str(ROOT / "tools"))]
    first, second = tmp_path / "first", tmp_path / "second"
    assert render_in_process(command, first).returncode == 0
    assert render_in_process(command, second).returncode == 0
    assert (first / "beslut.pdf").read_bytes() == (second / "beslut.pdf").read_bytes()


# A render in a process of its own, which says what its temporary folder holds while the house style
# is loaded, and once more after the library let the house style go.
RENDER_AND_LIST = """
import os, sys
import tcdocs
from tcdocs.backends import pdf
tcdocs.render(tcdocs.load(sys.argv[1]), "pdf")
print(sorted(os.listdir(sys.argv[2])))
pdf.release_fonts()
print(sorted(os.listdir(sys.argv[2])))
tcdocs.render(tcdocs.load(sys.argv[1]), "pdf")
print(sorted(os.listdir(sys.argv[2])))
"""


def test_a_process_that_renders_leaves_no_temporary_file(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", RENDER_AND_LIST, str(EXAMPLES / "beslut.yaml"), str(scratch)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert done.returncode == 0, done.stderr
    while_loaded, released, loaded_again = done.stdout.splitlines()
    assert while_loaded.startswith("['weasyprint-") and released == "[]" and loaded_again.startswith("['weasyprint-")
    assert list(scratch.iterdir()) == []  # removed as the process ended

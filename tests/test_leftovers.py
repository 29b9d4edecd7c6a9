"""The check that a run of the tests leaves nothing behind, run on small suites of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .leftovers import PROC

CLEAN = '''
import tempfile

def test_makes_and_removes_a_temporary_file():
    with tempfile.NamedTemporaryFile() as scratch:
        scratch.write(b"x")
'''

CARELESS = '''
import subprocess, sys, tempfile

kept = []

def test_forgets_a_temporary_file():
    tempfile.mkstemp(prefix="forgotten-")

def test_forgets_a_temporary_folder():
    folder = tempfile.mkdtemp(prefix="forgotten-folder-")
    open(folder + "/inside.txt", "w").close()

def test_forgets_a_process():
    kept.append(subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()  # forgotten-process"],
                                 stdin=subprocess.PIPE))

def test_starts_a_program_that_leaves_its_own_child():
    subprocess.run(["sh", "-c", "sleep 55 & echo started"], check=True, stdout=subprocess.DEVNULL)
'''


def run_suite(folder: Path, text: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_suite.py").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-p", "tests.leftovers", "-p", "no:cacheprovider", "-q",
               "--basetemp", str(folder / "basetemp"), "test_suite.py"]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def test_a_suite_that_leaves_nothing_passes(tmp_path):
    done = run_suite(tmp_path, CLEAN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "left behind" not in done.stdout


@pytest.mark.skipif(not PROC, reason="reads the process tree from /proc")
def test_what_a_suite_leaves_is_named_and_fails_it(tmp_path):
    done = run_suite(tmp_path, CARELESS)
    assert done.returncode == 1, done.stdout + done.stderr
    report = done.stdout[done.stdout.index("the tests left behind what they made:"):]
    files = report[:report.index("processes still running (ended now):")]
    assert "temporary files and folders:" in files
    assert "  forgotten-" in files
    assert "forgotten-folder-" in files and "/inside.txt" in files
    processes = report[report.index("processes still running"):]
    assert "forgotten-process" in processes  # its command line
    assert "sleep 55" in processes  # a grandchild, left when its parent ended
    assert "4 passed, 1 error" in done.stdout

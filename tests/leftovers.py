"""A run of the test suite leaves nothing behind: no temporary file or folder, no process.

The tests, and every program they start, make their temporary files in a folder of the run's
own (``TMPDIR``); when the session ends, that folder must be empty and no process the tests
started may still run. The tests' process adopts what its children leave when they end
(``PR_SET_CHILD_SUBREAPER``), so a server's helper that outlives the server is found too.
Anything found fails the run, each named; a process found is ended then, so that a failed run
leaves nothing either.

A plugin of its own (``-p tests.leftovers``), so that its tests can run it on a suite of theirs.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_PR_SET_CHILD_SUBREAPER = 36
PROC = Path(f"/proc/{os.getpid()}/task").exists()


def children(pid: int) -> set[int]:
    """The running processes started by *pid*, and theirs, read from /proc (zombies have ended)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            listed = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, listed):
            if _running(child):
                found |= {child} | children(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def command(pid: int) -> str:
    """The command line of *pid*, as far as it can be read."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip() or "?"
    except OSError:
        return "?"


def _python_helper(pid: int) -> bool:
    # multiprocessing's resource tracker serves this process until it exits, and then exits too.
    return "multiprocessing.resource_tracker" in command(pid)


def _subreaper(on: bool) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, int(on))


def _as_at_the_end() -> None:
    """Let go what this process keeps until it ends, and lets go then (the house styles' font
    folders, removed at exit), so that what is still there now would be there after the end too."""
    pdf = sys.modules.get("tcdocs.backends.pdf")
    if pdf is not None:
        pdf.release_fonts()


def _listing(folder: Path) -> list[str]:
    """What *folder* holds, each file and folder by its path inside it, at most three levels down."""
    found: list[str] = []
    for path in sorted(folder.iterdir()):
        found.append(path.name + ("/" if path.is_dir() and not path.is_symlink() else ""))
        if path.is_dir() and not path.is_symlink():
            inner = sorted(str(p.relative_to(folder)) for p in path.rglob("*") if len(p.relative_to(folder).parts) <= 3)
            found.extend(f"  {name}" for name in inner[:5])
            if len(inner) > 5:
                found.append(f"  … and {len(inner) - 5} more")
    return found


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Run the session with a TMPDIR of its own; fail it, naming each, if a temporary file or a process is left."""
    tmp_path_factory.getbasetemp()  # pytest's own folder (tmp_path) stays where pytest keeps it
    folder = Path(tempfile.mkdtemp(prefix="tcdocs-tests-"))
    saved = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = tempfile.tempdir = str(folder)
    before = children(os.getpid()) if PROC else set()
    _subreaper(True)
    try:
        yield
    finally:
        if saved[0] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[0]
        tempfile.tempdir = saved[1]
        _as_at_the_end()
        left = _listing(folder)
        shutil.rmtree(folder, ignore_errors=True)
        running = {pid: command(pid) for pid in sorted(children(os.getpid()) - before) if not _python_helper(pid)} if PROC else {}
        for pid in running:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _subreaper(False)
    found = []
    if left:
        found.append(f"in TMPDIR ({folder}, now removed), temporary files and folders:")
        found.extend(f"  {name}" for name in left)
    if running:
        found.append("processes still running (ended now):")
        found.extend(f"  {pid}: {line}" for pid, line in running.items())
    if found:
        pytest.fail("the tests left behind what they made:\n" + "\n".join(found), pytrace=False)

"""What the service's render workers run: their start and their jobs.

These live outside :mod:`tcdocs.server` so that a worker, which the service starts fresh
(spawn) and which imports the module of what it runs, does not import the web framework.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing.context
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from .backends import FORMATS
from .batch import warm_up
from .errors import RenderError
from .messages import Message
from .models.base import Document
from .options import RenderOptions
from .process import settle, start
from .rendering import render_formats
from .timelimit import alarm
from .verify import verify_upload

if TYPE_CHECKING:
    from .edits import Reading

__all__ = ["Board", "compare_job", "read_job", "render_job", "tracked", "verify_job", "warm_job", "worker_start"]


class Board:
    """What the service and its workers share to stop one render: for each render under way, the
    worker that runs it, and whether it is to stop. Render *n* has row *n* modulo the rows, which
    are as many as the renders that may be under way at once, so no two of those share one."""

    def __init__(self, context: multiprocessing.context.SpawnContext, rows: int) -> None:
        # Plain shared memory, no locks: each cell has one writer, and a stale read only misses a stop.
        self.jobs = context.RawArray("q", rows)
        self.pids = context.RawArray("q", rows)
        self.stops = context.RawArray("q", rows)

    def begin(self, job: int) -> None:
        """In the worker: *job* runs here."""
        row = job % len(self.jobs)
        self.pids[row] = os.getpid()
        self.jobs[row] = job

    def stop(self, job: int) -> None:
        """In the service: stop *job*: marked, so that a worker about to run it does not, and if it is
        running, its worker signalled (SIGUSR1; the worker checks it is still that job)."""
        row = job % len(self.jobs)
        self.stops[row] = job
        if self.jobs[row] == job:
            with contextlib.suppress(OSError):
                os.kill(self.pids[row], signal.SIGUSR1)

    def stopping(self, job: int) -> bool:
        """In the worker: whether *job* is to stop."""
        return bool(self.stops[job % len(self.stops)] == job)


class _Stopped(BaseException):
    # A BaseException, so that no ``except Exception`` inside a backend swallows it.
    pass


_board: Board | None = None
_running = 0  # the job this worker runs now, 0 if none


def worker_start(board: Board, scratch: str | None = None) -> None:
    """Set up a render worker: one of tcdocs' own processes (:mod:`tcdocs.process`), which dies with the
    service, leaves Ctrl-C to it, stops a job on request (*board*), keeps its temporary files in *scratch*
    (the pool's own folder), cleans up when it is stopped, and starts warm."""
    global _board
    if scratch is not None:
        os.environ["TMPDIR"] = tempfile.tempdir = scratch
    start()
    if sys.platform.startswith("linux"):
        # PR_SET_PDEATHSIG: if the service is killed outright, the kernel stops its workers too.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _board = board
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, _stop_requested)
    # SIGTERM comes when the service stops a busy worker or dies (PR_SET_PDEATHSIG): the worker
    # removes what it made (the house style's folder of font files) before it ends, as a worker
    # that the pool lets end does on its way out. The process is the service's, so the handler is too.
    signal.signal(signal.SIGTERM, _end)
    warm_up(FORMATS)
    settle()


def _end(signum: int, frame: FrameType | None) -> None:
    # At once, even in the middle of a render: the pool would take SystemExit for the render's error and go on.
    # Nothing is imported here (the signal may come in the middle of an import): a worker that has not
    # loaded the PDF backend has no fonts to remove.
    pdf = sys.modules.get("tcdocs.backends.pdf")
    if pdf is not None:
        pdf.release_fonts()
    os._exit(128 + signum)


def _stop_requested(signum: int, frame: FrameType | None) -> None:
    if _board is not None and _running and _board.stopping(_running):
        raise _Stopped


def warm_job(kind: str) -> int:
    """Render *kind*'s starter in every format and throw it away: what a first render does once per
    process (layout, fonts, the Word file) is then done. Returns the worker's process id."""
    from .catalogue import starter
    from .loader import load_text

    render_formats(load_text(starter(kind), f"{kind}.yaml"), FORMATS)
    return os.getpid()


def tracked(number: int, job: Callable[..., Any], *args: Any) -> Any:
    """*job* run for *args* in a worker as job *number*, which the service may stop (:class:`Board`)."""
    global _running
    try:
        _running = number
        if _board is not None:
            _board.begin(number)
            if _board.stopping(number):  # stopped before it began
                raise _Stopped
        return job(*args)
    except _Stopped:
        _running = 0
        raise RenderError(Message("the client went away; the render was stopped")) from None
    finally:
        _running = 0


def read_job(word: bytes, word_name: str, data: bytes, data_name: str, files: dict[str, bytes], timeout: float) -> Reading:
    """The Word file *word* read against its *data* (:func:`~tcdocs.edits.read_edits`), the documents it names among *files*."""
    from .edits import read_edits
    from .loader import Uploads

    with alarm(timeout):
        return read_edits(word, data, word_name=word_name, data_name=data_name, sources=Uploads(files))


def compare_job(old: Document, new: Document, author: str, timeout: float) -> bytes:
    """*new*'s Word file with what differs from *old* as tracked changes (:func:`~tcdocs.comparison.compare`)."""
    from .comparison import compare

    with alarm(timeout):
        return compare(old, new, author)


def render_job(doc: Document, fmt: str, timeout: float, publish: bool = False) -> bytes:
    """*doc* rendered as *fmt* (with *publish*, the copy for the web), stopped after *timeout* seconds."""
    # Runs in the main thread of a worker process, which is the service's own: the alarm is its to arm.
    with alarm(timeout):
        return render_formats(doc, (fmt,), RenderOptions(publish=publish))[fmt]


def verify_job(pdf: bytes, name: str, doc: Document | None, trust: list[bytes], language: str, timeout: float) -> dict[str, Any]:
    """The PDF checked against its data (:func:`~tcdocs.verify.verify_upload`), as JSON in *language*."""
    # The answer as JSON, made here: the main process need not import what checks signatures.
    with alarm(timeout):
        return verify_upload(pdf, name, doc, trust=trust).as_json(language)

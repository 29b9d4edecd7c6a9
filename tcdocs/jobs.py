"""What the service's render workers run: their start and their jobs.

These live outside :mod:`tcdocs.server` so that a worker, which the service starts fresh
(spawn) and which imports the module of what it runs, does not import the web framework.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from typing import Any

from .backends import FORMATS
from .batch import warm_up
from .models.base import Document
from .options import RenderOptions
from .process import settle, start
from .rendering import render_formats
from .timelimit import alarm
from .verify import verify_upload

__all__ = ["render_job", "verify_job", "warm_job", "worker_start"]


def worker_start() -> None:
    """Set up a render worker: one of tcdocs' own processes (:mod:`tcdocs.process`), which dies with
    the service, leaves Ctrl-C to it, and starts warm."""
    start()
    if sys.platform.startswith("linux"):
        # PR_SET_PDEATHSIG: if the service is killed outright, the kernel stops its workers too.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(FORMATS)
    settle()


def warm_job(kind: str) -> int:
    """Render *kind*'s starter in every format and throw it away: what a first render does once per
    process (layout, fonts, the Word file) is then done. Returns the worker's process id."""
    from .catalogue import starter
    from .loader import load_text

    render_formats(load_text(starter(kind), f"{kind}.yaml"), FORMATS)
    return os.getpid()


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

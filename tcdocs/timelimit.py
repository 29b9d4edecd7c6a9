"""Time limits on rendering, kept by the processes tcdocs owns: the range a limit may take, and the alarm.

:func:`tcdocs.render` sets no alarm: a signal's handler belongs to the program, and a
library shares its process with its caller. The command line and the render workers of a
batch and of the service are tcdocs' own processes: each arms :func:`alarm` around a
document, so a runaway template is stopped there and the process goes on with the next.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NamedTuple

from .errors import RenderTimeout, UsageError
from .messages import Message

__all__ = ["BODY_LIMITS", "DEFAULT_TIMEOUT", "RENDER_LIMITS", "Limits", "alarm"]


class Limits(NamedTuple):
    """The time limits, in seconds, that one setting may take."""

    least: float
    most: float

    def check(self, seconds: float) -> float:
        """*seconds*, if it is a finite time limit within these limits; else :class:`UsageError`."""
        if not (math.isfinite(seconds) and self.least <= seconds <= self.most):
            raise UsageError(
                Message("the time limit must be a number of seconds from {least:g} to {most:g}", least=self.least, most=self.most)
            )
        return seconds


RENDER_LIMITS = Limits(0.01, 86400.0)
"""What one document's render may be given: a hundredth of a second to a day."""

BODY_LIMITS = Limits(0.1, 3600.0)
"""How long the service may wait for a request body that stopped arriving."""

DEFAULT_TIMEOUT = 120.0
"""The command line's time limit on one document, in seconds."""


class _Timeout(BaseException):
    # A BaseException, so that no ``except Exception`` inside a backend swallows it.
    pass


@contextmanager
def alarm(seconds: float | None) -> Iterator[None]:
    """Stop the block with :class:`RenderTimeout` after *seconds* (None: never).

    It arms SIGALRM, so it is for the main thread of a process that tcdocs owns; elsewhere
    it sets no limit. The previous handler is put back when the block ends.
    """
    usable = seconds is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    assert seconds is not None
    armed = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
        if armed[0]:
            raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            # Disarmed first: an alarm that fires while the block ends must not escape.
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except _Timeout:
        raise RenderTimeout(
            Message("the render took longer than {seconds:g} s and was stopped; check the templates for a runaway loop", seconds=seconds)
        ) from None

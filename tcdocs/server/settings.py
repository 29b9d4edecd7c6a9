"""How the service runs: its limits, its workers and its token, checked once when they are given."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..batch import default_jobs
from ..errors import UsageError
from ..loader import DEFAULT_LIMITS
from ..messages import Message
from ..rendering import MAX_TIMEOUT, MIN_TIMEOUT

__all__ = ["ServiceSettings"]


@dataclass(frozen=True)
class ServiceSettings:
    """How the service runs.

    ``max_body``: the largest request body, in bytes (413 above it). ``timeout``: seconds
    one render may take (503 after). ``workers`` and ``queue``: render processes, and how
    many requests may wait for one (503 "busy" beyond). ``body_timeout``: seconds a request
    body may stop arriving before it is dropped (408). ``token``: the bearer token every
    request needs, or None on loopback.
    """

    max_body: int = DEFAULT_LIMITS.max_bytes
    timeout: float = 30.0
    workers: int = field(default_factory=default_jobs)
    queue: int = 64
    body_timeout: float = 15.0
    token: str | None = None

    def __post_init__(self) -> None:
        if not (MIN_TIMEOUT <= self.timeout <= MAX_TIMEOUT):  # also refuses NaN
            raise UsageError(
                Message("the time limit must be a number of seconds from {least:g} to {most:g}", least=MIN_TIMEOUT, most=MAX_TIMEOUT)
            )
        if not (0.1 <= self.body_timeout <= 3600):
            raise UsageError(Message("the body time limit must be a number of seconds from 0.1 to 3600"))
        if self.token is not None and len(self.token) < 16:
            raise UsageError(Message("the token must be at least 16 characters long"))

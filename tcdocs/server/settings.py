"""How the service runs: its limits, its workers and its token, checked once when they are given."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..batch import default_jobs
from ..data import DEFAULT_LIMITS
from ..errors import UsageError
from ..messages import Message
from ..timelimit import BODY_LIMITS, RENDER_LIMITS

__all__ = ["ServiceSettings"]


@dataclass(frozen=True)
class ServiceSettings:
    """How the service runs.

    ``max_body``: the largest request body, in bytes (413 above it). ``timeout``: seconds
    one render may take (503 after). ``workers`` and ``queue``: render processes, and how
    many requests may wait for one (503 "busy" beyond). ``body_timeout``: seconds a request
    body may stop arriving before it is dropped (408). ``token``: the service's own bearer
    token, for programs (it reaches the documents, never a case). ``database``: the URL of the
    case store (None: the SQLite file in the data folder). ``private``: every request but the
    page's needs a token, the service's or a user's (so it is beyond loopback, or has a token).
    """

    max_body: int = DEFAULT_LIMITS.max_bytes
    timeout: float = 30.0
    workers: int = field(default_factory=default_jobs)
    queue: int = 64
    body_timeout: float = 15.0
    token: str | None = None
    database: str | None = None
    private: bool = False

    def __post_init__(self) -> None:
        RENDER_LIMITS.check(self.timeout)
        BODY_LIMITS.check(self.body_timeout)
        if self.token is not None and len(self.token) < 16:
            raise UsageError(Message("the token must be at least 16 characters long"))

"""Whether a request's client is still there: the work done for a client that went away is stopped."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import Request

__all__ = ["while_connected"]


async def while_connected(request: Request, work: asyncio.Future[Any], gone: Callable[[], None]) -> None:
    """Wait until *work* is done; if the client goes away first, call *gone* (which stops the work) once.

    The request's body must have been read: the next message the server gives is then the
    client's going away.
    """
    watching = asyncio.ensure_future(_client_gone(request))
    try:
        done, _ = await asyncio.wait({work, watching}, return_when=asyncio.FIRST_COMPLETED)
        if watching in done and work not in done:
            gone()
    finally:
        watching.cancel()
    await asyncio.wait({work})


async def _client_gone(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass

"""What one running service holds (its settings, metrics, render workers, the gate on parsing) and how a route finds it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from ..store import Store
from .metrics import Metrics
from .settings import ServiceSettings
from .workers import Renderer

__all__ = ["Running", "Service", "running"]


@dataclass
class Service:
    """One application's parts; kept on ``app.state``, so two applications in one process stay apart."""

    settings: ServiceSettings
    metrics: Metrics
    renderer: Renderer
    parsing: asyncio.Semaphore
    """How many requests are parsed and validated at once, off the event loop."""
    store: Store
    """The stored cases; its calls block, so routes make them in a thread."""

    @classmethod
    def for_settings(cls, settings: ServiceSettings, store: Store) -> Service:
        """A service's parts for *settings* and *store*; its workers start with the application."""
        metrics = Metrics()
        return cls(settings, metrics, Renderer(settings, metrics), asyncio.Semaphore(max(2, settings.workers * 2)), store)


def running(request: Request) -> Service:
    """The service answering *request*."""
    found: Service = request.app.state.service
    return found


Running = Annotated[Service, Depends(running)]
"""A route's parameter for the service answering it."""

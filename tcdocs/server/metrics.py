"""What an operator of the service watches, for Prometheus: requests, render time, the queue, worker restarts."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["Metrics"]


class Metrics:
    """One service's metrics, in a registry of its own (two services in one process count apart)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("tcdocs_requests", "HTTP requests answered", ["route", "status"], registry=self.registry)
        self.render_seconds = Histogram(
            "tcdocs_render_seconds",
            "Seconds a document took to render, queue included",
            ["format"],
            buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
            registry=self.registry,
        )
        self.queue = Gauge("tcdocs_queue_depth", "Renders running or waiting for a worker", registry=self.registry)
        self.restarts = Counter("tcdocs_worker_restarts", "Times the pool of render workers was restarted", registry=self.registry)

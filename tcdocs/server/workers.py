"""The service's render workers: a bounded pool of processes that every render goes through."""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from fastapi import Request
from starlette.requests import ClientDisconnect

from ..errors import LoadError, RenderError, RenderTimeout, TemplateError, UsageError
from ..jobs import Board, render_job, tracked, verify_job, warm_job, worker_start
from ..messages import Message
from ..models.base import Document
from .answers import Refusal
from .clients import while_connected
from .metrics import Metrics
from .settings import ServiceSettings

__all__ = ["Renderer"]

log = logging.getLogger("tcdocs.server")


class Renderer:
    """The bounded pool of worker processes that every render goes through."""

    def __init__(self, settings: ServiceSettings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.pool: ProcessPoolExecutor | None = None
        self.board: Board | None = None
        self.scratch: str | None = None
        self.jobs = itertools.count(1)
        self.waiting = 0
        self.lock = threading.Lock()

    def start(self) -> None:
        # spawn: the service's own threads never reach a worker through fork.
        context = multiprocessing.get_context("spawn")
        self.board = Board(context, self.settings.workers + self.settings.queue)
        # The workers' temporary files go into a folder of the pool's own, which stop() removes: whatever a
        # worker leaves (one killed outright leaves its fonts' folder) goes with it.
        self.scratch = tempfile.mkdtemp(prefix="tcdocs-workers-")
        self.pool = ProcessPoolExecutor(
            max_workers=self.settings.workers, mp_context=context, initializer=worker_start, initargs=(self.board, self.scratch)
        )

    async def warm(self, kind: str) -> None:
        """Start every worker and have each render *kind*'s starter once, so that the first request a
        person sends finds them ready (the service says it is ready when this is done).

        Jobs go out a round at a time, one per worker, until every worker has rendered one: a
        worker that is done early may take a second job of a round, leaving another for the next.
        """
        if self.pool is None:
            self.start()
        assert self.pool is not None
        loop = asyncio.get_running_loop()
        warm: set[int] = set()
        started = time.monotonic()
        try:
            for _ in range(4):
                jobs = [loop.run_in_executor(self.pool, warm_job, kind) for _ in range(self.settings.workers)]
                warm |= set(await asyncio.wait_for(asyncio.gather(*jobs), self.settings.timeout * 2 + 30))
                if len(warm) >= self.settings.workers:
                    break
        except Exception as exc:  # the service still serves; its first renders are only slower
            log.warning("the render workers could not be warmed up: %s", exc)
            return
        log.info("%d render workers ready in %.1f s", len(warm), time.monotonic() - started)

    def stop(self) -> None:
        """Stop the workers now, running renders included, and wait until they are gone."""
        with self.lock:
            pool, self.pool = self.pool, None
            scratch, self.scratch = self.scratch, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())  # the executor has no public way to stop a busy worker
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        pool.shutdown(wait=True)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    async def render(self, doc: Document, fmt: str, publish: bool = False, request: Request | None = None) -> bytes:
        """*doc* rendered as *fmt* by a worker (with *publish*, the copy for the web); a :class:`Refusal`
        when the service is busy or the render fails. If the client of *request* goes away, the render is
        taken from the queue, or stopped in its worker."""
        data: bytes = await self.run(fmt, render_job, doc, fmt, self.settings.timeout, publish, request=request)
        return data

    async def verify(
        self, pdf: bytes, name: str, doc: Document | None, trust: list[bytes], language: str, request: Request | None = None
    ) -> dict[str, Any]:
        """The PDF checked against its data by a worker (:func:`~tcdocs.verify.verify_upload`), as JSON in *language*;
        a :class:`Refusal` when the service is busy, the PDF cannot be checked or the render fails."""
        try:
            answer: dict[str, Any] = await self.run(
                "verify", verify_job, pdf, name, doc, trust, language, self.settings.timeout, request=request
            )
        except LoadError as exc:
            raise Refusal(422, Message("the data is not a valid document"), exc.problems) from None
        except UsageError as exc:
            raise Refusal(422, exc.args[0] if exc.args else str(exc)) from None
        return answer

    async def run(self, label: str, job: Callable[..., Any], *args: Any, request: Request | None = None) -> Any:
        """What *job* (a module-level function that keeps its own time limit) returns for *args*, run by a worker
        and timed under *label*; a :class:`Refusal` when the service is busy or the job fails. If the client of
        *request* goes away, the job is taken from the queue, or stopped in its worker (:class:`ClientDisconnect`)."""
        if self.waiting >= self.settings.workers + self.settings.queue:
            raise Refusal(503, Message("the service is busy; try again shortly"))
        if self.pool is None:
            self.start()
        assert self.pool is not None
        self.waiting += 1
        self.metrics.queue.set(self.waiting)
        started = time.monotonic()
        try:
            number, board = next(self.jobs), self.board
            submitted = self.pool.submit(tracked, number, job, *args)
            running = asyncio.wrap_future(submitted)
            gone: list[bool] = []

            def stop() -> None:
                gone.append(True)
                if not submitted.cancel() and board is not None:  # not waiting in the queue: running
                    board.stop(number)

            # The worker stops itself at the time limit; the outer wait also covers the queue.
            limit = self.settings.timeout * 4 + 30
            if request is not None:
                await asyncio.wait_for(while_connected(request, running, stop), limit)
            if gone:
                if running.cancelled():
                    how = "taken from the queue"
                else:
                    stopped = running.exception()
                    how = str(stopped) if stopped is not None else "it was done before it could be stopped"
                log.info("%s job %d for a client that went away: %s", label, number, how)
                raise ClientDisconnect
            result = await asyncio.wait_for(running, limit)
        except RenderTimeout as exc:
            raise Refusal(503, Message("{error}; the document was not made", error=exc)) from None
        except TimeoutError:
            raise Refusal(503, Message("the render did not finish in time; the document was not made")) from None
        except RenderError as exc:
            raise Refusal(422, Message("the document could not be made: {error}", error=exc)) from None
        except LoadError as exc:  # what a job reads itself: a Word file and its data
            raise Refusal(422, Message("what was sent cannot be read; see the problems"), exc.problems) from None
        except TemplateError as exc:
            log.error("a built-in template failed: %s", exc.format())
            raise Refusal(500, Message("the document could not be made: a template of the service failed")) from None
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start a fresh pool for the next requests.
            self.metrics.restarts.inc()
            self.stop()
            self.start()
            raise Refusal(503, Message("the worker rendering the document stopped; try again")) from None
        finally:
            self.waiting -= 1
            self.metrics.queue.set(self.waiting)
        self.metrics.render_seconds.labels(label).observe(time.monotonic() - started)
        return result

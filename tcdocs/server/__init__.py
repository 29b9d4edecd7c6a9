"""tcdocs as an HTTP service: the library's validation and documents over HTTP, with a page.

Start it with ``tcdocs serve`` (it needs the ``server`` extra: ``pip install "tcdocs[server]"``).
Every request is validated exactly as the command line validates a file. A document that
refers to another gets it inline, or uploaded with it in the same request (multipart),
never as a path, so no request can make the service read a file of its choosing. Bodies
are read with a size limit and a stall limit, parsed off the event loop, and rendered in
a bounded pool of worker processes, each stopped at a time limit: a burst queues, a
runaway document gets 503, and the service keeps serving. Listening on anything but
loopback needs a token. ``/metrics`` speaks Prometheus; every request is one log line.

The modules, from the outside in: :mod:`.run` listens, :mod:`.app` builds the application
(every request's log line, token check and headers), :mod:`.routes` answers each address,
:mod:`.reading` reads a request into a document, :mod:`.workers` renders it, :mod:`.page`
is the page's HTML shell, :mod:`.answers` the shape of every answer.
"""

from __future__ import annotations

from .answers import MEDIA_TYPES, content_disposition
from .app import create_app
from .run import is_loopback, serve
from .settings import ServiceSettings

__all__ = ["MEDIA_TYPES", "ServiceSettings", "content_disposition", "create_app", "is_loopback", "serve"]

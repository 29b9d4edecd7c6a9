"""Running the service: the listening socket, uvicorn and its log set-up, for ``tcdocs serve``."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import socket
from typing import Any

from ..errors import TcdocsError, UsageError, os_reason
from ..messages import Message
from .app import create_app
from .settings import ServiceSettings

log = logging.getLogger("tcdocs.server")

__all__ = ["LOG_CONFIG", "is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """Whether *host* is this machine only (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "tcdocs": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
"""The service's log: one line a request on stderr, from tcdocs and uvicorn; uvicorn's own access log off."""


def serve(host: str = "127.0.0.1", port: int = 8000, settings: ServiceSettings | None = None) -> None:
    """Run the service with uvicorn until it is stopped (SIGTERM or Ctrl-C), then stop its workers.

    Raises :class:`UsageError` when *host* is not loopback and nobody could be let in (no user in the
    store, no token), and :class:`TcdocsError` when the address is taken or the store cannot be opened.
    """
    import uvicorn

    from ..store import open_store

    settings = settings or ServiceSettings()
    store = open_store(settings.database)
    try:
        if not is_loopback(host):
            if settings.token is None and not store.has_users():
                raise UsageError(
                    Message(
                        "listening on {host} lets other machines in: add the people who may use it with tcdocs users add "
                        "(with the same --db), or give a token with --token-file",
                        host=host,
                    )
                )
            settings = dataclasses.replace(settings, private=True)
        sock = _listen(host, port)
    except BaseException:
        store.close()
        raise
    config = uvicorn.Config(create_app(settings, store), log_config=LOG_CONFIG, access_log=False, timeout_graceful_shutdown=10)
    log.info("the cases are kept in %s", store.url)  # after the Config, which sets up the log
    uvicorn.Server(config).run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Answers go out at once, not after the client's delayed acknowledgement (40 ms a request).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise TcdocsError(
            Message(
                "cannot listen on {host}:{port}: {reason}; is another service using the port?",
                host=host,
                port=port,
                reason=os_reason(exc),
            )
        ) from None
    return sock

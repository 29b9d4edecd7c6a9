"""Running the service: the listening socket, uvicorn and its log set-up, for ``tcdocs serve``."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from ..errors import TcdocsError, UsageError, os_reason
from ..messages import Message
from .app import create_app
from .settings import ServiceSettings

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

    Raises :class:`UsageError` when *host* is not loopback and there is no token, and
    :class:`TcdocsError` when the address is taken.
    """
    import uvicorn

    settings = settings or ServiceSettings()
    if not is_loopback(host) and settings.token is None:
        raise UsageError(Message("listening on {host} lets other machines in: give a token with --token-file", host=host))
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
    config = uvicorn.Config(create_app(settings), log_config=LOG_CONFIG, access_log=False, timeout_graceful_shutdown=10)
    uvicorn.Server(config).run(sockets=[sock])

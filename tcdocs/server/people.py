"""Who is asking: the bearer token of a request, as the service's own token or a user's of the case store.

Two kinds of token open the service. The service's token (``--token-file``) is for programs:
it reaches the documents (check, render, status of uploaded files) but names nobody, so it
opens no case. A user's token (``tcdocs users add``) names a person with a role: it reaches
the documents too, and the cases that person's role allows, every change recorded under
their name. The store keeps only the tokens' hashes.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated

from fastapi import Depends, Request

from ..messages import Message
from ..store import User
from .answers import Refusal
from .state import Running, Service

__all__ = ["Person", "authorised", "bearer", "person", "user_of"]


def bearer(request: Request) -> str | None:
    """The token the request brings as ``Authorization: Bearer TOKEN``, if any."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


async def user_of(request: Request, service: Service) -> User | None:
    """The user whose token the request brings, or None; asked of the store once per request."""
    if "user" not in request.state._state:
        token = bearer(request)
        request.state.user = await asyncio.to_thread(service.store.authenticate, token) if token else None
    found: User | None = request.state.user
    return found


async def authorised(request: Request, service: Service) -> bool:
    """Whether the request brings the service's token or a user's."""
    token, given = service.settings.token, bearer(request)
    if given is None:
        return False
    # compare_digest takes as long whatever the token, so its characters cannot be guessed one by one.
    if token is not None and hmac.compare_digest(given.encode("utf-8", "surrogateescape"), token.encode()):
        return True
    return await user_of(request, service) is not None


async def person(request: Request, service: Running) -> User:
    """The user asking; a 401 refusal when the request names none (the service's token names nobody)."""
    user = await user_of(request, service)
    if user is None:
        raise Refusal(401, Message("the cases need your own key, the one you were given as a user of the service"))
    return user


Person = Annotated[User, Depends(person)]
"""A route's parameter for the user asking, who has been let in."""

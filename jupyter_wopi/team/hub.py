"""Who is calling the team service: JupyterHub says, from the caller's API token (a user's
server sends its own, $JUPYTERHUB_API_TOKEN, which acts for that user)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .access import HubUser

Identify = Callable[[str], Awaitable["HubUser | None"]]
CACHE_SECONDS = 60  # a user removed from a group loses access within a minute


def hub_identifier() -> Identify:
    """Identify tokens with jupyterhub.services.auth (the service's own token and the hub's
    API URL come from JupyterHub, which starts the service)."""
    from jupyterhub.services.auth import HubAuth

    auth = HubAuth(cache_max_age=CACHE_SECONDS)

    async def identify(token: str) -> HubUser | None:
        model: Any = await auth.user_for_token(token, sync=False)  # type: ignore[no-untyped-call]
        if not isinstance(model, dict) or model.get("kind", "user") != "user":
            return None  # unknown, expired, or a service's token: not a person
        return HubUser(str(model["name"]), frozenset(map(str, model.get("groups") or ())))

    return identify

"""Who is calling the team service: JupyterHub says, from the caller's API token. A user's
server sends its own ($JUPYTERHUB_API_TOKEN), which acts for that user.

Only a token meant for the service is acted on: one that carries the service's access scope,
`access:services!service=<name>`, as for any JupyterHub service that authenticates with
`HubAuthenticated`. Any other token of a user (one that only identifies them, or the OAuth
token their browser got for somebody else's shared server, which that server receives in a
cookie and could pass on) is refused: without this, any server a user visits could open
that user's team files."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import quote

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from ..errors import Refused, StartupError
from .access import HubUser, UserLookup

Identify = Callable[[str], Awaitable["HubUser | None"]]
# What JupyterHub gives a server's $JUPYTERHUB_API_TOKEN unless Spawner.server_token_scopes
# says otherwise: the scopes of its `server` role.
SERVER_ROLE_SCOPES = ("users:activity!user", "access:servers!server")


def access_scope(service_name: str) -> str:
    """JupyterHub's scope for reaching the service named `service_name`."""
    return f"access:services!service={service_name}"


def required_scopes() -> frozenset[str]:
    """The scopes of which a caller's token must carry one, as JupyterHub's HubAuth reads
    them for `HubAuthenticated` services: $JUPYTERHUB_OAUTH_ACCESS_SCOPES, which the hub sets
    for the services it runs ("access:services" and "access:services!service=<name>"), else
    the access scope of $JUPYTERHUB_SERVICE_NAME. With neither, the service cannot tell which
    tokens are meant for it, so it does not start."""
    from jupyterhub.services.auth import HubAuth

    scopes = frozenset(map(str, HubAuth().access_scopes))
    if not scopes:
        raise StartupError(
            "The team service does not know its JupyterHub service name, so it cannot tell "
            "which tokens are meant for it: run it from c.JupyterHub.services (the hub then "
            "sets $JUPYTERHUB_SERVICE_NAME), or set JUPYTERHUB_SERVICE_NAME to its name there."
        )
    return scopes


def named_scope(scopes: Iterable[str]) -> str:
    """The one scope to name to an administrator: this service's own, filtered one."""
    ordered = sorted(scopes)
    return next((scope for scope in ordered if "!service=" in scope), ordered[0])


def missing_scope(owner: str, scope: str) -> Refused:
    """The refusal of a token of `owner` that lacks `scope`, for the user and their admin."""
    defaults = ", ".join(f'"{s}"' for s in SERVER_ROLE_SCOPES)
    return Refused(
        403,
        "The team service acts only on JupyterHub tokens meant for it, and this token of "
        f"{owner} does not carry its scope {scope}. A user's server calls it with its own "
        "token ($JUPYTERHUB_API_TOKEN), which gets that scope only when the JupyterHub "
        "administrator adds it to c.Spawner.server_token_scopes (keeping the defaults: "
        f'[{defaults}, "{scope}"]) and grants it to the users with a role in '
        f'c.JupyterHub.load_roles (e.g. {{"name": "user", "scopes": ["self", "{scope}"]}}); '
        "a server gets the new token when it next starts.",
    )


def token_owner(model: Any, scopes: frozenset[str]) -> HubUser | None:
    """The user a token acts for, from JupyterHub's model of it (GET /hub/api/user with the
    token); None for an unknown token or a service's; Refused for a user's token that does
    not carry one of `scopes`."""
    from jupyterhub.services.auth import check_scopes

    if not isinstance(model, dict) or model.get("kind", "user") != "user":
        return None  # unknown, expired, or a service's token: not a person
    name = str(model["name"])
    held = set(map(str, model.get("scopes") or ()))
    if not check_scopes(set(scopes), held):  # type: ignore[no-untyped-call]
        raise missing_scope(name, named_scope(scopes))
    return HubUser(name, frozenset(map(str, model.get("groups") or ())))


def hub_identifier(cache_seconds: float) -> Identify:
    """Identify tokens with jupyterhub.services.auth (the hub's API URL comes from
    JupyterHub, which starts the service), remembering each answer `cache_seconds`;
    StartupError when the service's name is unknown."""
    from jupyterhub.services.auth import HubAuth

    scopes = required_scopes()
    auth = HubAuth(cache_max_age=cache_seconds)

    async def identify(token: str) -> HubUser | None:
        model: Any = await auth.user_for_token(token, sync=False)  # type: ignore[no-untyped-call]
        return token_owner(model, scopes)

    return identify


# What the service's own token needs to look users up by name: their name and groups.
USER_SCOPES = ("read:users:name", "read:users:groups")


def hub_users(cache_seconds: float) -> UserLookup:
    """A user as JupyterHub knows them now (None: no such user any more), asked with the
    service's own token and kept `cache_seconds`: what the folder rules are checked against
    on every WOPI request, so that a user removed from a group loses the group's folders
    within that time, also in documents they have open."""
    from jupyterhub.services.auth import HubAuth

    auth = HubAuth()
    known: dict[str, tuple[float, HubUser | None]] = {}

    async def lookup(name: str) -> HubUser | None:
        now = time.monotonic()
        cached = known.get(name)
        if cached is not None and now - cached[0] < cache_seconds:
            return cached[1]
        user = await _ask_hub(auth.api_url, auth.api_token, name)
        if len(known) > 10_000:  # users come and go: forget those not seen lately
            known.clear()
        known[name] = (now, user)
        return user

    return lookup


async def _ask_hub(api_url: str, service_token: str, name: str) -> HubUser | None:
    try:
        response = await AsyncHTTPClient().fetch(
            f"{api_url.rstrip('/')}/users/{quote(name, safe='')}",
            headers={"Authorization": f"token {service_token}"},
            request_timeout=10,
        )
    except HTTPClientError as err:
        if err.code == 404:
            return None
        if err.code == 403:
            raise Refused(
                503,
                "The team service may not look up JupyterHub users, so it cannot check the "
                "folder rules: give the service a role with the scopes "
                f"{', '.join(USER_SCOPES)} in c.JupyterHub.load_roles "
                '(e.g. {"name": "wopi-service", "services": ["<service name>"], "scopes": '
                f"{json.dumps(list(USER_SCOPES))}}}).",
            ) from err
        raise Refused(502, f"JupyterHub could not be asked who {name} is: {err}.") from err
    except OSError as err:
        raise Refused(502, f"JupyterHub could not be asked who {name} is: {err}.") from err
    model = json.loads(response.body)
    return HubUser(str(model["name"]), frozenset(map(str, model.get("groups") or ())))

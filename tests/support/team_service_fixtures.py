"""The team service in-process, for tests/api/test_team_*.py (registered in tests/conftest.py):
a TeamService on a shared folder in the server's root, with JupyterHub's answers about tokens
and users stood in for by USERS (tests change USERS to change who is in which group)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from tornado.httpserver import HTTPServer
from traitlets.config import Config

from jupyter_wopi.team.access import HubUser
from jupyter_wopi.team.service import TeamService

from .server_process import free_port

PREFIX = "/services/wopi/"
USERS = {
    "alice-token": HubUser("alice", frozenset({"analysts"})),
    "bob-token": HubUser("bob", frozenset({"staff"})),
    "dan-token": HubUser("dan", frozenset()),
    "carol-token": HubUser("carol", frozenset()),
}
FOLDERS = {
    "analytics": {"write": ["group:analysts"], "read": ["group:staff"]},
    "secret": {"write": ["carol"]},
}


async def identify(token: str) -> HubUser | None:
    return USERS.get(token)


async def lookup(name: str) -> HubUser | None:
    """Who a user is now, as JupyterHub would say (the tests change USERS to change it)."""
    return next((user for user in USERS.values() if user.name == name), None)


class Service:
    def __init__(self, app: TeamService, server: HTTPServer, url: str) -> None:
        self.app = app
        self.server = server
        self.url = url  # ending in the prefix

    async def call(
        self, method: str, path: str, token: str | None, body: Any = None
    ) -> HTTPResponse:
        headers = {"Authorization": f"token {token}"} if token else {}
        return await AsyncHTTPClient().fetch(
            self.url + path,
            method=method,
            headers=headers,
            body=None if body is None else json.dumps(body),
            raise_error=False,
            allow_nonstandard_methods=True,
        )


@pytest.fixture
def team_root(jp_root_dir: Path) -> Path:
    """The shared volume: the service serves it, alice's server shows it at shared/."""
    root = jp_root_dir / "shared"
    (root / "analytics").mkdir(parents=True)
    return root


@pytest.fixture
def service(jp_asyncio_loop: Any, team_root: Path, tmp_path: Path) -> Iterator[Service]:
    port = free_port()
    settings = {
        "root_dir": str(team_root),
        "folders": FOLDERS,
        "state_dir": str(tmp_path / "team-state"),
        "bind_url": f"http://127.0.0.1:{port}",
        "service_prefix": PREFIX,
    }
    app = TeamService(config=Config({"TeamService": settings}))
    server = app.build_app(identify=identify, lookup=lookup).listen(port, "127.0.0.1")
    yield Service(app, server, f"http://127.0.0.1:{port}{PREFIX}")
    server.stop()
    app.host.state.close()


@pytest.fixture
def hub_users() -> Iterator[dict[str, HubUser]]:
    """USERS, to change for one test (restored after it)."""
    saved = dict(USERS)
    yield USERS
    USERS.clear()
    USERS.update(saved)


@pytest.fixture
def alice_server_config(
    jp_server_config: dict[str, Any], service: Service, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Alice's server (she may write analytics): shared/analytics is a team folder. A test
    module uses it as its `jp_server_config`."""
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "alice-token")
    jp_server_config["JupyterWopi"]["team_service_url"] = service.url
    jp_server_config["JupyterWopi"]["team_folders"] = {"shared/analytics": "analytics"}
    return jp_server_config

"""The in-process server (pytest-jupyter) with the ONLYOFFICE double as its ONLYOFFICE Docs,
and the steps of a flow driven through the double: open a session's editor as the lab's
iframe does, take its session and user, send one signed WOPI call, read the calls' statuses.
The fixtures are imported by the test modules that want that server (`from support.editing
import jp_server_config, server_onlyoffice, wopi_settings`): a test module's own fixtures
override conftest's; a test parametrizes `server_onlyoffice` or `wopi_settings` to change
the server's settings."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

import pytest
from onlyoffice_double import Call, DocumentSession, EditorPage, EditorUser, OnlyOfficeDouble
from tornado.httpclient import AsyncHTTPClient

from .server_process import free_port

Session = dict[str, Any]  # the JSON of POST api/wopi/sessions
OpenSession = Callable[..., Coroutine[Any, Any, Session]]


@pytest.fixture
def server_onlyoffice() -> str:
    """What the server's JUPYTER_WOPI_ONLYOFFICE_URL names: "double" (the running double: the
    host fetches its discovery and checks its proofs), "unreachable" (a free port nothing
    listens on) or "none" (not set)."""
    return "double"


@pytest.fixture
def wopi_settings() -> dict[str, Any]:
    """Extra `JupyterWopi` settings; tests parametrize this to change them."""
    return {}


@pytest.fixture
def jp_server_config(
    jp_server_config: dict[str, Any],
    server_onlyoffice: str,
    wopi_settings: dict[str, Any],
    request: pytest.FixtureRequest,
) -> dict[str, Any]:
    wopi = jp_server_config["JupyterWopi"]
    if server_onlyoffice == "double":
        double: OnlyOfficeDouble = request.getfixturevalue("onlyoffice")
        wopi["onlyoffice_url"] = double.url + "/"
    elif server_onlyoffice == "unreachable":
        wopi["onlyoffice_url"] = f"http://127.0.0.1:{free_port()}/"
    else:
        assert server_onlyoffice == "none", server_onlyoffice
    wopi.update(wopi_settings)
    return jp_server_config


async def open_in_editor(double: OnlyOfficeDouble, session: Session) -> EditorPage:
    """POST the host-page form to the session's action_url, as the lab's iframe does; the
    double answers 200 whatever happened, and records what it did in an EditorPage."""
    before = len(double.pages)
    form = {
        "access_token": session["access_token"],
        "access_token_ttl": str(session["access_token_ttl"]),
    }
    response = await AsyncHTTPClient().fetch(
        session["action_url"], method="POST", body=urlencode(form), raise_error=False
    )
    assert response.code == 200, response.body
    assert len(double.pages) == before + 1
    return double.last_page


async def open_for_editing(double: OnlyOfficeDouble, session: Session) -> EditorPage:
    """open_in_editor, checked to have given an edit-mode editor."""
    page = await open_in_editor(double, session)
    assert page.ok, page.error
    assert page.user is not None and page.user.mode == "edit"
    return page


def editor(page: EditorPage) -> tuple[DocumentSession, EditorUser]:
    assert page.session is not None and page.user is not None, page.error
    return page.session, page.user


async def signed_call(
    double: OnlyOfficeDouble,
    operation: str,
    wopi_src: str,
    token: str,
    override: str | None = None,
) -> Call:
    """One WOPI request signed by the double with its current keys (the host checks proofs,
    so plain requests would be refused); GET unless `override` is given."""
    url, signed = double.client.prepare(
        wopi_src, token, session_id=None, before={"X-WOPI-Override": override}
    )
    method = "GET" if override is None else "POST"
    return await double.client.send(
        operation, method, url, signed, token=token, body=b"" if override else None, timeout=30
    )


def statuses(calls: list[Call]) -> list[tuple[str, int]]:
    return [(c.operation, c.status) for c in calls]


def all_ok(calls: list[Call]) -> list[tuple[str, int]]:
    """Every call with status 200 (for comparing with `statuses`)."""
    return [(c.operation, 200) for c in calls]

"""The team service acts only on JupyterHub tokens meant for it (issue 10, item 2): a token
must carry the service's access scope, `access:services!service=<name>`, as for any hub
service that authenticates with HubAuthenticated. A user's other tokens are refused with a
sentence naming the scope and the JupyterHub settings that give it to the users' servers:
the OAuth token a visitor's browser got for somebody else's shared server (which that
server receives in its cookie, so it could replay it), and a token that only identifies its
user. A server whose own token carries the scope opens team files as its user.

First hub.py on its own (JupyterHub's answers stood in for), then all of it under a real
JupyterHub: alice shares her server with carol; dan's role lacks the scope."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from jupyterhub.services.auth import HubAuth
from lab_harness import DoubleRunner
from support.documents import office_file
from support.editing import signed_call

from jupyter_wopi.errors import Refused, StartupError
from jupyter_wopi.team.access import HubUser
from jupyter_wopi.team.hub import access_scope, hub_identifier

from .conftest import log_in_all, skip_unless_hubs_can_run
from .hub_harness import TIMEOUT, Hub, HubBrowser, team_folder_hub
from .test_hub import open_lab

SERVICE = "wopi"
SCOPE = access_scope(SERVICE)  # access:services!service=wopi
USERS = ("alice", "bob", "carol", "dan")
HOLDERS = ("alice", "bob", "carol")  # the users a role gives the scope; dan's roles do not
SERVERS = ("alice", "dan")  # the servers these tests use (bob and carol only log in)
FOLDERS = {"analytics": {"write": ["alice", "bob", "dan"]}, "secret": {"write": ["carol"]}}
SETTINGS = ("c.Spawner.server_token_scopes", "c.JupyterHub.load_roles")


# -- hub.py on its own ---------------------------------------------------------------------


@pytest.fixture
def as_the_hub_runs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment JupyterHub gives the service it runs under the name "wopi"."""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_NAME", SERVICE)
    monkeypatch.setenv("JUPYTERHUB_OAUTH_ACCESS_SCOPES", json.dumps(["access:services", SCOPE]))


def identify_with(monkeypatch: pytest.MonkeyPatch, model: dict[str, Any] | None) -> Any:
    """hub_identifier's answer for a token of which JupyterHub says `model`."""

    async def user_for_token(self: HubAuth, token: str, **kwargs: Any) -> dict[str, Any] | None:
        return model

    monkeypatch.setattr(HubAuth, "user_for_token", user_for_token)
    identify = hub_identifier(60)
    return asyncio.run(identify("some-token"))


def user_model(*scopes: str) -> dict[str, Any]:
    """What GET /hub/api/user answers about a token of bob's carrying `scopes`."""
    identity = ["read:users:name!user=bob", "read:users:groups!user=bob"]
    return {"kind": "user", "name": "bob", "groups": ["staff"], "scopes": [*identity, *scopes]}


@pytest.mark.parametrize("scope", [SCOPE, "access:services"])
def test_a_token_carrying_the_services_access_scope_acts_for_its_owner(
    as_the_hub_runs_it: None, monkeypatch: pytest.MonkeyPatch, scope: str
) -> None:
    user = identify_with(monkeypatch, user_model(scope))
    assert user == HubUser("bob", frozenset({"staff"}))


@pytest.mark.parametrize(
    "scopes",
    [
        [],  # identifies bob, nothing more
        ["access:servers!server=alice/"],  # bob's OAuth token for alice's shared server
        ["access:services!service=another-service"],
        ["users:activity!user=bob", "access:servers!server=bob/"],  # JupyterHub's default
    ],
)
def test_a_users_token_without_the_scope_is_refused_with_the_setting(
    as_the_hub_runs_it: None, monkeypatch: pytest.MonkeyPatch, scopes: list[str]
) -> None:
    with pytest.raises(Refused) as refused:
        identify_with(monkeypatch, user_model(*scopes))
    assert refused.value.status == 403
    message = refused.value.message
    assert f"token of bob does not carry its scope {SCOPE}" in message
    assert all(setting in message for setting in SETTINGS), message
    assert '["users:activity!user", "access:servers!server", "access:services!service=wopi"]' in (
        message
    )


def test_unknown_tokens_and_services_tokens_are_nobody(
    as_the_hub_runs_it: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert identify_with(monkeypatch, None) is None
    service = {"kind": "service", "name": "cull-idle", "scopes": [SCOPE]}
    assert identify_with(monkeypatch, service) is None


def test_the_service_name_comes_from_the_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without it the service cannot tell its tokens, so it does not start; with only
    $JUPYTERHUB_SERVICE_NAME (an externally run service), its access scope is required."""
    monkeypatch.delenv("JUPYTERHUB_OAUTH_ACCESS_SCOPES", raising=False)
    monkeypatch.delenv("JUPYTERHUB_OAUTH_SCOPES", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_NAME", raising=False)
    with pytest.raises(StartupError, match=r"set JUPYTERHUB_SERVICE_NAME to its name"):
        hub_identifier(60)
    monkeypatch.setenv("JUPYTERHUB_SERVICE_NAME", "teams")
    assert identify_with(monkeypatch, user_model(access_scope("teams"))).name == "bob"
    with pytest.raises(Refused, match=r"access:services!service=teams"):
        identify_with(monkeypatch, user_model(SCOPE))


# -- under a real JupyterHub ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hub(double: DoubleRunner, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub running the team service "wopi" (SQLite state); alice's and dan's servers show
    its folder analytics at shared/analytics. Named `hub`, so that a failure's report ends
    with the hub's log."""
    skip_unless_hubs_can_run()
    hub = team_folder_hub(
        tmp_path_factory.mktemp("token-hub"),
        USERS,
        {"folders": FOLDERS},
        double.url + "/",
        showing=SERVERS,
        scope_holders=HOLDERS,
        service=SERVICE,
    )
    try:
        hub.start()
        hub.spawn(SERVERS)
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def browsers(hub: Hub) -> dict[str, HubBrowser]:
    return log_in_all(hub, USERS)


def ask_service(hub: Hub, token: str, path: str) -> requests.Response:
    """POST api/sessions to the team service, as a user's server does, with `token`."""
    return requests.post(
        f"{hub.services[0]['url']}/services/{SERVICE}/api/sessions",
        json={"path": path, "action": "edit", "may_write": True},
        headers={"Authorization": f"token {token}"},
        timeout=TIMEOUT,
    )


def hub_identity(hub: Hub, token: str) -> dict[str, Any]:
    """What JupyterHub says about the token (the service asks the same)."""
    answer = requests.get(
        hub.url + "hub/api/user", headers={"Authorization": f"token {token}"}, timeout=TIMEOUT
    )
    assert answer.status_code == 200, (answer.status_code, answer.text)
    return answer.json()  # type: ignore[no-any-return]


def assert_not_logged(hub: Hub, *tokens: str) -> None:
    """hub.log has the hub's, the proxy's, the team service's and the servers' output."""
    log = hub.log_path.read_text(errors="replace")
    assert not [token for token in tokens if token in log]


def assert_refused_for_the_scope(answer: requests.Response, owner: str) -> None:
    assert answer.status_code == 403, (answer.status_code, answer.text)
    message = answer.json()["message"]
    assert f"token of {owner} does not carry its scope {SCOPE}" in message, message
    assert all(setting in message for setting in SETTINGS), message


def test_a_visitors_token_relayed_by_a_shared_server_is_refused(
    hub: Hub, browsers: dict[str, HubBrowser]
) -> None:
    """Carol opens alice's shared server; the OAuth token her browser got for it reaches that
    server in a cookie on every request. Alice's server replays it to the team service to
    open carol's secret/budget.xlsx, which alice may not: refused."""
    (hub.workdir / "teams" / "secret" / "budget.xlsx").write_bytes(office_file("xlsx", "B"))
    alice, carol = browsers["alice"], browsers["carol"]
    shared = alice.call("POST", "hub/api/shares/alice/", {"user": "carol"})
    assert shared.status_code == 200, shared.text
    try:
        open_lab(carol, "alice")  # after the hub's consent form
        relayed = carol.server_oauth_token("alice")
        identity = hub_identity(hub, relayed)  # a valid token of carol's, for alice's server
        assert identity["name"] == "carol"
        assert "access:servers!server=alice/" in identity["scopes"]
        assert SCOPE not in identity["scopes"]
        assert_refused_for_the_scope(ask_service(hub, relayed, "secret/budget.xlsx"), "carol")
    finally:
        revoked = alice.call("PATCH", "hub/api/shares/alice/", {"user": "carol"})
        assert revoked.status_code == 200, revoked.text
    # Carol herself holds the scope: her own full token opens her file.
    own = carol.api_token()
    opened = ask_service(hub, own, "secret/budget.xlsx")
    assert opened.status_code == 200, opened.text
    assert opened.json()["mode"] == "edit"
    assert_not_logged(hub, relayed, own)


def test_a_token_that_only_identifies_its_user_is_refused(
    hub: Hub, browsers: dict[str, HubBrowser]
) -> None:
    (hub.workdir / "teams" / "analytics" / "plan.docx").write_bytes(office_file("docx", "P"))
    token = browsers["bob"].scoped_api_token(["read:users:name!user=bob"])
    assert hub_identity(hub, token)["name"] == "bob"  # bob may write analytics, too
    assert_refused_for_the_scope(ask_service(hub, token, "analytics/plan.docx"), "bob")
    assert_not_logged(hub, token)


def test_a_servers_own_token_opens_team_files_as_its_user(
    hub: Hub, double: DoubleRunner, browsers: dict[str, HubBrowser]
) -> None:
    """Alice's lab opens a team file; her server asks the service with its own token
    ($JUPYTERHUB_API_TOKEN, given the scope by c.Spawner.server_token_scopes)."""
    (hub.workdir / "teams" / "analytics" / "memo.docx").write_bytes(office_file("docx", "M"))
    server_token = hub.server_api_token("alice")
    assert SCOPE in hub_identity(hub, server_token)["scopes"]
    alice = browsers["alice"]
    open_lab(alice, "alice")
    answer = alice.call(
        "POST", "user/alice/api/wopi/sessions", {"path": "shared/analytics/memo.docx"}
    )
    assert answer.status_code == 200, answer.text
    session = answer.json()
    assert session["wopi_src"] == f"{hub.url}services/{SERVICE}/wopi/files/{session['file_id']}"
    info = double.run(
        signed_call(double.double, "CheckFileInfo", session["wopi_src"], session["access_token"])
    )
    assert info.status == 200
    assert (info.json()["UserId"], info.json()["UserCanWrite"]) == ("alice", True)
    assert_not_logged(hub, server_token, session["access_token"])


def test_a_server_whose_token_lacks_the_scope_says_what_to_set(
    hub: Hub, browsers: dict[str, HubBrowser]
) -> None:
    """Dan may write analytics, but no role gives him the scope, so JupyterHub leaves it out
    of his server's token: his lab shows the service's sentence."""
    (hub.workdir / "teams" / "analytics" / "notes.docx").write_bytes(office_file("docx", "N"))
    dan = browsers["dan"]
    open_lab(dan, "dan")
    answer = dan.call("POST", "user/dan/api/wopi/sessions", {"path": "shared/analytics/notes.docx"})
    assert SCOPE not in hub_identity(hub, hub.server_api_token("dan"))["scopes"]
    assert_refused_for_the_scope(answer, "dan")
    assert_not_logged(hub, hub.server_api_token("dan"))

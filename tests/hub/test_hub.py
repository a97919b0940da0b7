"""jupyter_wopi in single-user servers started by a real JupyterHub, everything reached through
the hub's proxy (http://127.0.0.1:<port>/user/<name>/) as a person's browser and ONLYOFFICE
reach it: the lab with the extension, the sessions API behind the hub login, ONLYOFFICE (the
double: no hub login, no cookies) editing through the proxy, tokens that open one server's
WOPI files and nothing else, and co-editing on a server shared with JupyterHub 5 sharing."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from lab_harness import EXTENSION_NAME, DoubleRunner
from onlyoffice_double import OnlyOfficeDouble
from support.documents import office_file
from support.editing import all_ok, editor, open_for_editing, signed_call, statuses

from .hub_harness import TIMEOUT, Hub, HubBrowser

Session = dict[str, Any]  # the JSON of POST api/wopi/sessions
NOT_LOGGED_IN = (302, 401, 403)  # what Jupyter answers a request without the user's login


def open_lab(browser: HubBrowser, owner: str) -> requests.Response:
    """Load `owner`'s JupyterLab in the browser (the hub's OAuth dance gives the cookies)."""
    page = browser.visit(f"user/{owner}/lab")
    assert page.status_code == 200, (page.status_code, page.url)
    assert urlsplit(page.url).path == f"/user/{owner}/lab", page.url
    return page


def new_session(
    hub: Hub, browser: HubBrowser, owner: str, path: str, content: bytes | None = None
) -> Session:
    """Open `path` on `owner`'s server for ONLYOFFICE, as the lab does (writing it first if
    content is given)."""
    if content is not None:
        target = hub.notebook_dir(owner) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    open_lab(browser, owner)
    response = browser.call("POST", f"user/{owner}/api/wopi/sessions", {"path": path})
    assert response.status_code == 200, (response.status_code, response.text)
    return response.json()  # type: ignore[no-any-return]


def test_log_in_and_the_lab_lists_the_extension(hub: Hub) -> None:
    alice = HubBrowser(hub, "alice")
    assert alice.log_in(password="wrong password").status_code == 403
    logged_in = alice.log_in()
    assert logged_in.status_code == 302, logged_in.text
    assert "jupyterhub-user-alice" not in {c.name for c in alice.http.cookies}
    page = open_lab(alice, "alice")
    assert "jupyterhub-user-alice" in {c.name for c in alice.http.cookies}  # OAuth done
    assert '"baseUrl": "/user/alice/"' in page.text  # the page config
    extensions = alice.visit("user/alice/lab/api/extensions").json()
    (ours,) = [e for e in extensions if e["name"] == EXTENSION_NAME]
    assert ours["enabled"] and ours["installed"] and ours["companion"] == "server"


def test_sessions_need_the_hub_user(
    hub: Hub, double: DoubleRunner, browsers: dict[str, HubBrowser]
) -> None:
    (hub.notebook_dir("alice") / "memo.docx").write_bytes(office_file("docx", "Memo"))
    alice, bob = browsers["alice"], browsers["bob"]

    def post_as(token: str | None) -> requests.Response:
        """POST api/wopi/sessions with a hub token (no XSRF needed), or with nothing."""
        headers = {"Authorization": f"token {token}"} if token else {}
        return requests.post(
            hub.user_url("alice", "api/wopi/sessions"),
            json={"path": "memo.docx"},
            headers=headers,
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    # Bob is a hub user too, but alice's server is not his.
    refused = bob.visit("user/alice/lab")
    assert refused.status_code in (403, 404), (refused.status_code, refused.url)
    answers = {
        who: post_as(token).status_code
        for who, token in (
            ("nobody", None),
            ("a made-up token", "0" * 32),
            ("bob", bob.api_token()),
        )
    }
    assert all(status in NOT_LOGGED_IN for status in answers.values()), answers
    with_token = post_as(alice.api_token())
    assert with_token.status_code == 200, with_token.text

    doc = new_session(hub, browsers["alice"], "alice", "memo.docx")
    assert (doc["mode"], doc["action"]) == ("edit", "edit")
    # ONLYOFFICE reaches the server through the hub's proxy ($JUPYTERHUB_PUBLIC_URL).
    assert doc["wopi_src"] == hub.user_url("alice", f"wopi/files/{doc['file_id']}")
    action = urlsplit(doc["action_url"])
    assert doc["action_url"].startswith(double.url + "/hosting/wopi/word/edit?")
    assert parse_qs(action.query)["wopisrc"] == [doc["wopi_src"]]
    assert doc["access_token"]


def test_onlyoffice_edits_through_the_proxy(
    hub: Hub, double: DoubleRunner, browsers: dict[str, HubBrowser]
) -> None:
    original, edited = office_file("docx", "Draft"), office_file("docx", "Final")
    doc = new_session(hub, browsers["alice"], "alice", "reports/Q3.docx", original)

    page = double.run(open_for_editing(double.double, doc))
    session, user = editor(page)
    info = user.file_info
    assert (info["UserId"], info["UserFriendlyName"]) == ("alice", "alice")
    # Links back into the lab point at the proxy, under alice's prefix.
    assert info["PostMessageOrigin"] == hub.url.rstrip("/")
    assert info["HostEditUrl"] == hub.user_url("alice", "lab/tree/reports/Q3.docx")
    assert double.run(session.load(user)) == original
    session.edit(user, edited)
    assert double.run(session.force_save(user)), session.errors
    double.run(session.close(user))

    calls = session.calls
    assert [c.operation for c in calls] == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "Unlock"]
    assert statuses(calls) == all_ok(calls)
    assert {c.url.removesuffix("/contents") for c in calls} == {doc["wopi_src"]}
    assert (hub.notebook_dir("alice") / "reports/Q3.docx").read_bytes() == edited
    assert session.errors == []


def test_a_token_opens_one_servers_wopi_files_only(
    hub: Hub, double: DoubleRunner, browsers: dict[str, HubBrowser]
) -> None:
    alices = new_session(hub, browsers["alice"], "alice", "a.docx", office_file("docx", "A"))
    bobs = new_session(hub, browsers["bob"], "bob", "b.docx", office_file("docx", "B"))
    alice_token = alices["access_token"]

    def check_file_info(owner: str, file_id: str, token: str) -> int:
        """Signed by the double, so that only the token can make the server refuse."""
        wopi_src = hub.user_url(owner, f"wopi/files/{file_id}")
        return double.run(signed_call(double.double, "CheckFileInfo", wopi_src, token)).status

    assert check_file_info("bob", bobs["file_id"], bobs["access_token"]) == 200
    assert check_file_info("alice", alices["file_id"], alice_token) == 200
    assert check_file_info("bob", alices["file_id"], alice_token) == 401
    assert check_file_info("bob", bobs["file_id"], alice_token) == 401
    # The right token without ONLYOFFICE's signature: proofs are checked (against the proxy
    # URL, which the signed calls above matched).
    unsigned = requests.get(
        alices["wopi_src"], params={"access_token": alice_token}, timeout=TIMEOUT
    )
    assert unsigned.status_code == 500, unsigned.text

    # A WOPI token is no Jupyter credential, wherever it is put.
    contents = hub.user_url("alice", "api/contents")
    attempts: dict[str, tuple[dict[str, str], dict[str, str]]] = {  # (query, headers)
        "?token=": ({"token": alice_token}, {}),
        "?access_token=": ({"access_token": alice_token}, {}),
        "Authorization: token": ({}, {"Authorization": f"token {alice_token}"}),
        "Authorization: Bearer": ({}, {"Authorization": f"Bearer {alice_token}"}),
    }
    answers = {
        how: requests.get(
            contents, params=query, headers=headers, allow_redirects=False, timeout=TIMEOUT
        ).status_code
        for how, (query, headers) in attempts.items()
    }
    assert all(status in NOT_LOGGED_IN for status in answers.values()), answers
    assert browsers["alice"].call("GET", "user/alice/api/contents").status_code == 200


async def put_user_info(double: OnlyOfficeDouble, wopi_src: str, token: str, info: str) -> int:
    """PUT_USER_INFO as a WOPI client sends it (the double's editor never does)."""
    url, headers = double.client.prepare(
        wopi_src, token, session_id=None, before={"X-WOPI-Override": "PUT_USER_INFO"}
    )
    call = await double.client.send(
        "PutUserInfo", "POST", url, headers, token=token, body=info.encode(), timeout=30
    )
    return call.status


def test_shared_server_co_editing(
    hub: Hub, double: DoubleRunner, browsers: dict[str, HubBrowser]
) -> None:
    alice, bob = browsers["alice"], browsers["bob"]
    shared = alice.call("POST", "hub/api/shares/alice/", {"user": "bob"})
    assert shared.status_code == 200, shared.text
    try:
        open_lab(bob, "alice")  # after the hub's consent form
        first = new_session(hub, alice, "alice", "plan.xlsx", office_file("xlsx", "Plan v1"))
        second = new_session(hub, bob, "alice", "plan.xlsx")
        assert first["file_id"] == second["file_id"]
        assert first["access_token"] != second["access_token"]
        assert first["wopi_src"] == second["wopi_src"]

        page_a = double.run(open_for_editing(double.double, first))
        page_b = double.run(open_for_editing(double.double, second))
        session, user_a = editor(page_a)
        assert page_b.session is session and page_b.user is not None
        user_b = page_b.user
        assert user_a.file_info["UserFriendlyName"] == "alice"
        assert user_b.file_info["UserFriendlyName"] == "bob"

        # Each user's UserInfo is their own, on the one server.
        wopi_src = second["wopi_src"]
        assert (
            double.run(put_user_info(double.double, wopi_src, second["access_token"], "b")) == 200
        )
        infos = []
        for doc in (first, second):
            call = double.run(
                signed_call(double.double, "CheckFileInfo", wopi_src, doc["access_token"])
            )
            infos.append((call.json()["UserFriendlyName"], call.json()["UserInfo"]))
        assert infos == [("alice", ""), ("bob", "b")]

        double.run(session.load(user_a))
        session.edit(user_a, office_file("xlsx", "Plan v2 by alice"))
        bobs_edit = office_file("xlsx", "Plan v3 by bob")
        session.edit(user_b, bobs_edit)
        assert double.run(session.refresh_lock())
        double.run(session.close(user_a))
        double.run(session.close(user_b))
    finally:
        revoked = alice.call("PATCH", "hub/api/shares/alice/", {"user": "bob"})
        assert revoked.status_code == 200, revoked.text

    calls = session.calls
    opened_twice = "CheckFileInfo Lock CheckFileInfo Lock GetFile RefreshLock PutFile Unlock"
    assert [c.operation for c in calls] == opened_twice.split()
    assert statuses(calls) == all_ok(calls)
    locks = {c.header("X-WOPI-Lock") for c in calls if c.operation == "Lock"}
    assert locks == {first["file_id"]}  # one lock, taken by both editors
    put = next(c for c in calls if c.operation == "PutFile")
    assert put.access_token == second["access_token"]  # bob's, the last author
    assert put.header("X-WOPI-Editors") == user_b.user_id
    assert (hub.notebook_dir("alice") / "plan.xlsx").read_bytes() == bobs_edit
    assert session.errors == []

"""The team service with a user's server (in-process, without a hub: JupyterHub's answer
about who a token belongs to is stood in for). The lab opens a team file through its own
server; the service mints the token, is the WOPISrc, checks the folder's rules, and answers
the lab's polls through the user's server. tests/hub runs it all under a real JupyterHub."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from support.team_service_fixtures import PREFIX, Service
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError


@pytest.fixture
def jp_server_config(alice_server_config: dict[str, Any]) -> dict[str, Any]:
    return alice_server_config


async def lab_session(jp_fetch: Any, path: str, **extra: str) -> dict[str, Any]:
    response = await jp_fetch(
        "api",
        "wopi",
        "sessions",
        method="POST",
        body=json.dumps({"path": path, **extra}),
        headers={"Origin": "http://lab.example"},
    )
    return json.loads(response.body)  # type: ignore[no-any-return]


async def test_a_team_file_opens_through_the_service_and_saves_land_in_it(
    jp_fetch: Any, jp_base_url: str, service: Service, team_root: Path
) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"v1")
    session = await lab_session(jp_fetch, "shared/analytics/q3.docx")
    assert session["path"] == "shared/analytics/q3.docx" and session["mode"] == "edit"
    assert session["wopi_src"] == f"{service.url}wopi/files/{session['file_id']}"
    onlyoffice = WopiClient(service.url)  # ONLYOFFICE calls the service, not alice's server
    fid, token = session["file_id"], session["access_token"]
    info = json.loads((await onlyoffice.check_file_info(fid, token)).body)
    assert (info["BaseFileName"], info["UserId"], info["UserCanWrite"]) == (
        "q3.docx",
        "alice",
        True,
    )
    lab_file = f"http://lab.example{jp_base_url}lab/tree/shared/analytics/q3.docx"
    assert info["HostEditUrl"] == lab_file  # alice's own lab, where she sees the file
    assert info["BreadcrumbFolderUrl"].rstrip("/") == lab_file.rsplit("/", 1)[0]
    assert (await onlyoffice.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    assert (await onlyoffice.put_file(fid, token, b"v2", lock=fid)).code == 200
    assert (team_root / "analytics" / "q3.docx").read_bytes() == b"v2"
    # The lab polls alice's server, which asks the service: paths as alice's lab shows them.
    status = json.loads((await jp_fetch("api", "wopi", "files", fid)).body)
    assert status["path"] == "shared/analytics/q3.docx"
    assert status["lock"]["holder_name"] and status["last_save"]["user_name"]
    locks = json.loads((await jp_fetch("api", "wopi", "locks")).body)["locks"]
    assert [(lock["path"], lock["file_id"]) for lock in locks] == [
        ("shared/analytics/q3.docx", fid)
    ]
    # A notebook asks by path (Document.wait_saved): alice's server asks the service.
    by_path = json.loads(
        (await jp_fetch("api", "wopi", "files", params={"path": "shared/analytics/q3.docx"})).body
    )
    assert (by_path["file_id"], by_path["path"]) == (fid, "shared/analytics/q3.docx")
    assert by_path["last_save"]["saved_at"] == status["last_save"]["saved_at"]
    with pytest.raises(HTTPClientError) as missing:
        await jp_fetch("api", "wopi", "files", params={"path": "shared/analytics/nope.docx"})
    assert missing.value.code == 404
    # A local file still opens on alice's own server.
    (team_root.parent / "notes.docx").write_bytes(b"mine")
    local = await lab_session(jp_fetch, "notes.docx")
    assert local["wopi_src"].startswith("http://localhost:") and PREFIX not in local["wopi_src"]


async def test_the_folder_rules_decide_on_every_request(service: Service, team_root: Path) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"v1")
    (team_root / "elsewhere").mkdir()
    (team_root / "elsewhere" / "x.docx").write_bytes(b"x")
    body = {"path": "analytics/q3.docx", "action": "edit", "may_write": True}
    writer = json.loads((await service.call("POST", "api/sessions", "alice-token", body)).body)
    reader = json.loads((await service.call("POST", "api/sessions", "bob-token", body)).body)
    assert (writer["mode"], reader["mode"]) == ("edit", "view")
    assert "you may read this team folder, not change it" in reader["notice"]
    assert writer["file_id"] == reader["file_id"]  # one file, one id, one ONLYOFFICE key
    refused = await service.call("POST", "api/sessions", "dan-token", body)
    assert refused.code == 403
    assert (
        "dan may not open files of the team folder analytics" in json.loads(refused.body)["message"]
    )
    outside = {**body, "path": "elsewhere/x.docx"}
    assert (await service.call("POST", "api/sessions", "alice-token", outside)).code == 403
    for token in (None, "forged-token"):
        assert (await service.call("POST", "api/sessions", token, body)).code == 403
    # A server that may only read (Jupyter's own authorizer said so) gets view for a writer.
    viewer = {**body, "may_write": False}
    assert (
        json.loads((await service.call("POST", "api/sessions", "alice-token", viewer)).body)["mode"]
        == "view"
    )
    fid = writer["file_id"]
    assert (await service.call("GET", f"api/files/{fid}", "bob-token")).code == 200
    assert (await service.call("GET", f"api/files/{fid}", "dan-token")).code == 404
    by_path = "api/files?path=analytics/q3.docx"
    assert json.loads((await service.call("GET", by_path, "bob-token")).body)["file_id"] == fid
    assert (await service.call("GET", by_path, "dan-token")).code == 404
    for hidden in ("elsewhere/x.docx", "analytics/missing.docx", "../outside.docx"):
        assert (await service.call("GET", f"api/files?path={hidden}", "bob-token")).code == 404
    onlyoffice = WopiClient(service.url)
    await onlyoffice.override(fid, writer["access_token"], "LOCK", X_WOPI_Lock=fid)
    assert len(json.loads((await service.call("GET", "api/locks", "bob-token")).body)["locks"]) == 1
    assert json.loads((await service.call("GET", "api/locks", "dan-token")).body)["locks"] == []
    assert (await service.call("DELETE", f"api/locks/{fid}", "bob-token")).code == 403
    assert (await service.call("DELETE", f"api/locks/{fid}", "alice-token")).code == 204


async def test_a_rename_in_the_lab_moves_the_id_on_the_service(
    jp_fetch: Any, service: Service, team_root: Path
) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"v1")
    session = await lab_session(jp_fetch, "shared/analytics/q3.docx")
    await jp_fetch(
        "api",
        "contents",
        "shared",
        "analytics",
        "q3.docx",
        method="PATCH",
        body=json.dumps({"path": "shared/analytics/Q3 final.docx"}),
    )
    # The service hears of it from alice's server (an event, a moment later): its index
    # moves without searching the disk.
    for _ in range(50):
        record = await service.app.host.state.read(
            lambda store: store.file_record(session["file_id"])
        )
        if record is not None and record.path == "analytics/Q3 final.docx":
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError(f"the service's index still has {record}")
    status = json.loads((await jp_fetch("api", "wopi", "files", session["file_id"])).body)
    assert status["path"] == "shared/analytics/Q3 final.docx"


async def test_an_unreachable_service_is_a_sentence_and_local_files_still_open(
    jp_fetch: Any, service: Service, team_root: Path
) -> None:
    (team_root / "analytics" / "q3.docx").write_bytes(b"v1")
    (team_root.parent / "notes.docx").write_bytes(b"mine")
    service.server.stop()  # the service is down (it is restarting, say)
    with pytest.raises(HTTPClientError) as refused:
        await lab_session(jp_fetch, "shared/analytics/q3.docx")
    assert refused.value.code == 502
    message = json.loads(refused.value.response.body)["message"]  # type: ignore[union-attr]
    assert "team-folder service" in message and "JUPYTER_WOPI_TEAM_SERVICE_URL" in message
    assert (await lab_session(jp_fetch, "notes.docx"))["mode"] == "edit"
    assert json.loads((await jp_fetch("api", "wopi", "locks")).body) == {"locks": []}


async def test_only_a_lab_pages_origin_goes_into_a_token(service: Service, team_root: Path) -> None:
    """What a user's server says about its lab ends up in CheckFileInfo (PostMessageOrigin,
    HostEditUrl): anything but an http(s) origin and a lab URL below it is dropped."""
    (team_root / "analytics" / "q3.docx").write_bytes(b"v1")
    body = {"path": "analytics/q3.docx", "action": "edit", "may_write": True}
    onlyoffice = WopiClient(service.url)
    for origin, lab_tree, expected in [
        (
            "https://hub.example",
            "https://hub.example/user/alice/lab/tree/shared/analytics/",
            "https://hub.example/user/alice/lab/tree/shared/analytics/q3.docx",
        ),
        ("javascript:alert(1)", "javascript:alert(1)/x/", ""),
        ("https://hub.example", "https://evil.example/", ""),
    ]:
        answer = await service.call(
            "POST",
            "api/sessions",
            "alice-token",
            {**body, "origin": origin, "lab_tree": lab_tree, "lab_tree_root": "analytics"},
        )
        session = json.loads(answer.body)
        info = json.loads(
            (await onlyoffice.check_file_info(session["file_id"], session["access_token"])).body
        )
        assert info["HostEditUrl"] == expected, origin
        assert info["PostMessageOrigin"] == (origin if expected else ""), origin


async def test_a_team_files_conflict_copy_is_announced_in_the_lab_of_each_reader(
    jp_fetch: Any, service: Service, team_root: Path
) -> None:
    """Made while co-editing, often after the tab was closed: alice's lab lists it with her
    paths, and dismissing it there leaves it for bob, who may read the folder too."""
    (team_root / "analytics" / "q3.docx").write_bytes(b"v1")
    session = await lab_session(jp_fetch, "shared/analytics/q3.docx")
    onlyoffice = WopiClient(service.url)
    fid, token = session["file_id"], session["access_token"]
    await onlyoffice.override(fid, token, "LOCK", X_WOPI_Lock=fid)
    stamp = json.loads((await onlyoffice.check_file_info(fid, token)).body)["LastModifiedTime"]
    (team_root / "analytics" / "q3.docx").write_bytes(b"a kernel's rewrite")
    saved = await onlyoffice.put_file(
        fid, token, b"v2", lock=fid, **{"X-LOOL-WOPI-Timestamp": stamp}
    )
    assert saved.code == 200

    async def listed() -> list[dict[str, Any]]:
        answer = json.loads((await jp_fetch("api", "wopi", "conflicts")).body)
        return answer["conflicts"]  # type: ignore[no-any-return]

    [event] = await listed()
    assert event["id"].startswith("team-") and event["path"] == "shared/analytics/q3.docx"
    assert event["conflict_path"].startswith("shared/analytics/q3 (")
    assert (team_root.parent / event["conflict_path"]).read_bytes() == b"v2"
    await jp_fetch("api", "wopi", "conflicts", event["id"], method="DELETE")
    assert await listed() == []
    with pytest.raises(HTTPClientError) as again:
        await jp_fetch("api", "wopi", "conflicts", event["id"], method="DELETE")
    assert again.value.code == 404
    for_bob = json.loads((await service.call("GET", "api/conflicts", "bob-token")).body)
    assert len(for_bob["conflicts"]) == 1

"""Version history of team-folder files: kept by the team service on the shared volume, seen
through each user's server by those who may read the file, restored by those who may write
it, and nothing at all for others (the same 404 as for a file that does not exist)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.team_service_fixtures import Service
from support.wopi_client import WopiClient
from tornado.httpclient import HTTPClientError


@pytest.fixture
def jp_server_config(alice_server_config: dict[str, Any]) -> dict[str, Any]:
    return alice_server_config


async def saved_twice(jp_fetch: Any, service: Service, team_root: Path) -> dict[str, Any]:
    """A team file opened from alice's lab and saved twice by ONLYOFFICE."""
    (team_root / "analytics" / "q3.docx").write_bytes(b"v1")
    response = await jp_fetch(
        "api",
        "wopi",
        "sessions",
        method="POST",
        body=json.dumps({"path": "shared/analytics/q3.docx"}),
        headers={"Origin": "http://lab.example"},
    )
    session = json.loads(response.body)
    onlyoffice = WopiClient(service.url)
    fid, token = session["file_id"], session["access_token"]
    info = json.loads((await onlyoffice.check_file_info(fid, token)).body)
    session["friendly_name"] = info["UserFriendlyName"]
    assert (await onlyoffice.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    for body in (b"v2", b"v3"):
        put = await onlyoffice.put_file(fid, token, body, lock=fid, **{"X-WOPI-Editors": "alice"})
        assert put.code == 200
    return session  # type: ignore[no-any-return]


async def test_a_team_files_versions_are_listed_read_and_restored_through_the_users_server(
    jp_fetch: Any, service: Service, team_root: Path
) -> None:
    session = await saved_twice(jp_fetch, service, team_root)
    fid = session["file_id"]
    listed = json.loads(
        (
            await jp_fetch("api", "wopi", "versions", params={"path": "shared/analytics/q3.docx"})
        ).body
    )
    assert listed["path"] == "shared/analytics/q3.docx" and listed["file_id"] == fid
    # X-WOPI-Editors names alice by her id; her name is the one her lab gave
    assert [v["author"] for v in listed["versions"]] == [session["friendly_name"], ""]
    assert listed["can_restore"] is True
    oldest = listed["versions"][-1]
    got = await jp_fetch("api", "wopi", "versions", fid, oldest["id"])
    assert got.body == b"v1"
    assert "q3%20%28" in got.headers["Content-Disposition"]
    restored = json.loads(
        (
            await jp_fetch(
                "api", "wopi", "versions", fid, oldest["id"], "restore", method="POST", body="{}"
            )
        ).body
    )
    assert restored["path"] == "shared/analytics/q3.docx" and restored["editors_told"] is True
    assert (team_root / "analytics" / "q3.docx").read_bytes() == b"v1"
    # The versions live on the shared volume, beside the team folders, private.
    blobs = list((team_root / ".jupyter_wopi-versions").iterdir())
    assert len(blobs) == 3 and all(b.stat().st_mode & 0o077 == 0 for b in blobs)


async def test_readers_see_versions_but_may_not_restore_and_others_get_404(
    jp_fetch: Any, service: Service, team_root: Path
) -> None:
    session = await saved_twice(jp_fetch, service, team_root)
    fid = session["file_id"]
    # bob may read analytics (group staff): he sees the versions, may not restore.
    listed = json.loads((await service.call("GET", f"api/versions/{fid}", "bob-token")).body)
    assert len(listed["versions"]) == 2 and listed["can_restore"] is False
    version = listed["versions"][-1]["id"]
    content = await service.call("GET", f"api/versions/{fid}/{version}", "bob-token")
    assert content.code == 200 and content.body == b"v1"
    refused = await service.call("POST", f"api/versions/{fid}/{version}/restore", "bob-token", {})
    assert refused.code == 403
    assert (team_root / "analytics" / "q3.docx").read_bytes() == b"v3"
    # dan has no rule: the same 404 whether the file exists or not.
    for where in (
        f"api/versions/{fid}",
        f"api/versions/{fid}/{version}",
        "api/versions?path=analytics/q3.docx",
        "api/versions?path=analytics/nope.docx",
    ):
        answer = await service.call("GET", where, "dan-token")
        assert answer.code == 404, where
        assert json.loads(answer.body)["message"] == (
            "There is no such file in the team folders you may read."
        )
    stolen = await service.call("POST", f"api/versions/{fid}/{version}/restore", "dan-token", {})
    assert stolen.code == 404
    assert (await service.call("GET", f"api/versions/{fid}", None)).code == 403


async def test_a_missing_team_version_is_a_404_in_the_lab(
    jp_fetch: Any, service: Service, team_root: Path
) -> None:
    session = await saved_twice(jp_fetch, service, team_root)
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "wopi", "versions", session["file_id"], "9999")
    assert err.value.code == 404

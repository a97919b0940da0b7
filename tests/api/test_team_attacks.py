"""What an attack on the team service tried (issue 19, items 1, 3, 4 and 14), each now refused
or kept safe: links in a team folder to a folder its maker may not open, a token used after
its file moved or its user lost the folder, a probe of which files exist, and the save of an
editor whose permission was withdrawn (kept as a conflict copy the remaining writers are
shown). The service runs in-process with a user's server, as in test_team_service.py."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from support.team_service_fixtures import Service
from support.wopi_client import WopiClient

from jupyter_wopi.team.access import HubUser

EDIT = {"action": "edit", "may_write": True}


@pytest.fixture
def folders(team_root: Path) -> Path:
    """analytics/q3.docx (alice writes, bob reads) and secret/budget.xlsx (carol's only)."""
    (team_root / "analytics" / "q3.docx").write_bytes(b"Q3 report")
    (team_root / "secret").mkdir()
    (team_root / "secret" / "budget.xlsx").write_bytes(b"carol's budget")
    return team_root


async def session(service: Service, token: str, path: str, **extra: Any) -> Any:
    return await service.call("POST", "api/sessions", token, {"path": path, **EDIT, **extra})


def message(response: Any) -> str:
    return str(json.loads(response.body)["message"])


async def test_a_link_in_a_team_folder_is_judged_by_the_folder_its_file_is_in(
    service: Service, folders: Path
) -> None:
    """alice may write analytics, not secret: a link she makes there opens nothing of secret,
    for her or for bob, who reads analytics; a link within analytics works."""
    analytics = folders / "analytics"
    (analytics / "budget-link.xlsx").symlink_to("../secret/budget.xlsx")
    (analytics / "secret-dir").symlink_to("../secret")
    (analytics / "q3-alias.docx").symlink_to("q3.docx")
    for token in ("alice-token", "bob-token"):
        refused = await session(service, token, "analytics/budget-link.xlsx")
        assert refused.code == 403
        assert message(refused).startswith(
            "analytics/budget-link.xlsx is a link to secret/budget.xlsx."
        )
        assert (await session(service, token, "analytics/secret-dir/budget.xlsx")).code == 403
        for path in ("analytics/budget-link.xlsx", "analytics/secret-dir/budget.xlsx"):
            status = await service.call("GET", f"api/files?path={path}", token)
            assert status.code == 404
    # carol may open secret, but not through a folder she has no rule for
    assert (await session(service, "carol-token", "analytics/budget-link.xlsx")).code == 403
    assert (await session(service, "carol-token", "secret/budget.xlsx")).code == 200
    alias = json.loads((await session(service, "alice-token", "analytics/q3-alias.docx")).body)
    assert alias["mode"] == "edit"


async def test_a_file_replaced_by_a_link_under_an_open_token_gives_nothing_away(
    service: Service, folders: Path
) -> None:
    """alice opens her own file, then puts a link to secret/budget.xlsx in its place: her
    token reads nothing of it, and her editor's save lands beside her link, not in secret
    (and carol's own id for the budget keeps working)."""
    carol = json.loads((await session(service, "carol-token", "secret/budget.xlsx")).body)
    (folders / "analytics" / "plan.xlsx").write_bytes(b"alice's plan")
    alice = json.loads((await session(service, "alice-token", "analytics/plan.xlsx")).body)
    onlyoffice = WopiClient(service.url)
    fid, token = alice["file_id"], alice["access_token"]
    assert (await onlyoffice.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    os.unlink(folders / "analytics" / "plan.xlsx")
    (folders / "analytics" / "plan.xlsx").symlink_to("../secret/budget.xlsx")
    assert (await onlyoffice.check_file_info(fid, token)).code == 404
    assert (await onlyoffice.get_file(fid, token)).code == 404
    assert (await onlyoffice.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 404
    assert (await onlyoffice.put_file(fid, token, b"alice's save", lock=fid)).code == 200
    assert (folders / "secret" / "budget.xlsx").read_bytes() == b"carol's budget"
    assert sorted(p.name for p in (folders / "secret").iterdir()) == ["budget.xlsx"]
    [copy] = [p for p in (folders / "analytics").iterdir() if p.name.startswith("plan (")]
    assert copy.read_bytes() == b"alice's save"
    info = await onlyoffice.check_file_info(carol["file_id"], carol["access_token"])
    assert info.code == 200 and json.loads(info.body)["BaseFileName"] == "budget.xlsx"


async def test_a_readers_token_stops_reading_a_file_moved_where_they_may_not_look(
    service: Service, folders: Path
) -> None:
    bob = json.loads((await session(service, "bob-token", "analytics/q3.docx")).body)
    onlyoffice = WopiClient(service.url)
    assert (await onlyoffice.get_file(bob["file_id"], bob["access_token"])).code == 200
    os.rename(folders / "analytics" / "q3.docx", folders / "secret" / "q3.docx")
    assert (await onlyoffice.check_file_info(bob["file_id"], bob["access_token"])).code == 404
    assert (await onlyoffice.get_file(bob["file_id"], bob["access_token"])).code == 404


async def test_a_writer_removed_from_the_folder_keeps_nothing_but_their_save_kept_safe(
    service: Service, folders: Path, hub_users: dict[str, HubUser]
) -> None:
    alice = json.loads((await session(service, "alice-token", "analytics/q3.docx")).body)
    onlyoffice = WopiClient(service.url)
    fid, token = alice["file_id"], alice["access_token"]
    assert (await onlyoffice.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200
    info = json.loads((await onlyoffice.check_file_info(fid, token)).body)
    # Downgraded: alice is now staff, who may read analytics.
    hub_users["alice-token"] = HubUser("alice", frozenset({"staff"}))
    downgraded = json.loads((await onlyoffice.check_file_info(fid, token)).body)
    assert (info["UserCanWrite"], downgraded["UserCanWrite"]) == (True, False)
    assert (await onlyoffice.get_file(fid, token)).code == 200
    assert (await onlyoffice.override(fid, token, "LOCK", X_WOPI_Lock="other")).code == 401
    stamp = info["LastModifiedTime"]
    saved = await onlyoffice.put_file(
        fid, token, b"v2", lock=fid, **{"X-LOOL-WOPI-Timestamp": stamp}
    )
    assert saved.code == 200 and (folders / "analytics" / "q3.docx").read_bytes() == b"Q3 report"
    assert (await onlyoffice.override(fid, token, "REFRESH_LOCK", X_WOPI_Lock=fid)).code == 200
    # Removed: alice is in no group the rules name.
    hub_users["alice-token"] = HubUser("alice", frozenset())
    assert (await onlyoffice.check_file_info(fid, token)).code == 404
    assert (await onlyoffice.get_file(fid, token)).code == 404
    saved = await onlyoffice.put_file(
        fid, token, b"v3", lock=fid, **{"X-LOOL-WOPI-Timestamp": stamp}
    )
    assert saved.code == 200 and (folders / "analytics" / "q3.docx").read_bytes() == b"Q3 report"
    assert (await onlyoffice.override(fid, token, "UNLOCK", X_WOPI_Lock=fid)).code == 200
    [copy] = [p for p in (folders / "analytics").iterdir() if p.name != "q3.docx"]
    assert copy.read_bytes() == b"v3"  # one copy per editing session, holding its last save
    # The remaining writers' readers are shown it: bob reads analytics.
    conflicts = json.loads((await service.call("GET", "api/conflicts", "bob-token")).body)
    [event] = conflicts["conflicts"]
    assert (event["path"], event["conflict_path"], event["reason"]) == (
        "analytics/q3.docx",
        f"analytics/{copy.name}",
        "revoked",
    )
    assert json.loads((await service.call("GET", "api/conflicts", "dan-token")).body) == {
        "conflicts": []
    }
    assert (await service.call("DELETE", f"api/conflicts/{event['id']}", "dan-token")).code == 404
    assert (await service.call("DELETE", f"api/conflicts/{event['id']}", "bob-token")).code == 204
    assert json.loads((await service.call("GET", "api/conflicts", "bob-token")).body) == {
        "conflicts": []
    }


async def test_file_status_tells_a_user_without_a_rule_nothing_and_indexes_nothing(
    service: Service, folders: Path
) -> None:
    answers = set()
    for path in ("analytics/q3.docx", "analytics/nope.docx", "secret/budget.xlsx", "x/y.docx"):
        response = await service.call("GET", f"api/files?path={path}", "dan-token")
        answers.add((response.code, response.body))
    assert len(answers) == 1 and next(iter(answers))[0] == 404
    for path in ("analytics/q3.docx", "secret/budget.xlsx"):
        record = await service.app.host.state.read(lambda store, p=path: store.file_at(p))
        assert record is None  # not given an id by dan's question

"""The lab API and the host page answer bad input with a clear 4xx and a sentence, never a
500 (issue 9 §6–§8, §13)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.wopi_client import WopiClient, locked_session, save
from tornado.httpclient import HTTPClientError

NOT_OBJECTS = [b'"str"', b"123", b"[]", b"null", b"\xff\xfe{}", b"{not json"]


async def refused(jp_fetch: Any, *path: str, **kwargs: Any) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(*path, **kwargs)
    assert err.value.response is not None
    return err.value.code, json.loads(err.value.response.body)["message"]


@pytest.mark.parametrize("body", NOT_OBJECTS)
@pytest.mark.parametrize("route", ["sessions", "convert"])
async def test_a_body_that_is_not_a_json_object_is_400(
    jp_fetch: Any, jp_root_dir: Path, route: str, body: bytes
) -> None:
    (jp_root_dir / "a.docx").write_bytes(b"x")
    code, message = await refused(jp_fetch, "api", "wopi", route, method="POST", body=body)
    assert code == 400
    assert message.startswith(("Send a JSON object", "The request body is not JSON"))
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["a.docx"]


async def test_dismissing_a_conflict_id_beyond_any_integer_is_404(jp_fetch: Any) -> None:
    code, message = await refused(jp_fetch, "api", "wopi", "conflicts", "9" * 26, method="DELETE")
    assert (code, message) == (404, f"There is no conflict event {'9' * 26}.")


async def test_host_page_with_an_unknown_action_is_a_400_page(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    (jp_root_dir / "a.docx").write_bytes(b"x")
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("wopi", "open", "a.docx", params={"action": "<img src=x>"})
    assert err.value.code == 400
    page = err.value.response.body.decode()  # type: ignore[union-attr]
    assert "Send {&quot;path&quot;" in page and "<img" not in page


async def test_conflict_events_of_copies_that_are_gone_are_not_listed(
    jp_fetch: Any, open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "gone.docx", b"v1")
    (jp_root_dir / "gone.docx").write_bytes(b"changed on disk")
    assert (await save(wopi, doc, b"editor's bytes", stamp)).code == 200
    listed = json.loads((await jp_fetch("api", "wopi", "conflicts")).body)["conflicts"]
    [event] = listed
    status = json.loads((await jp_fetch("api", "wopi", "files", doc["file_id"])).body)
    assert [e["conflict_path"] for e in status["conflicts"]] == [event["conflict_path"]]
    (jp_root_dir / event["conflict_path"]).unlink()  # the user deleted the copy
    assert json.loads((await jp_fetch("api", "wopi", "conflicts")).body)["conflicts"] == []
    status = json.loads((await jp_fetch("api", "wopi", "files", doc["file_id"])).body)
    assert status["conflicts"] == []

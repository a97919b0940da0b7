"""Lock, RefreshLock, Unlock, GetLock, UnlockAndRelock (spec §5.4): locks belong to the file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from support.wopi_client import WopiClient, headers_of

from jupyter_wopi.state.sqlite import SqliteDatabase
from jupyter_wopi.wopi import lock_rules


async def new_doc(open_session: Any) -> dict[str, Any]:
    return await open_session("locked.docx", b"content")  # type: ignore[no-any-return]


async def lock_of(wopi: WopiClient, doc: dict[str, Any]) -> str:
    response = await wopi.override(doc["file_id"], doc["access_token"], "GET_LOCK")
    assert response.code == 200
    return headers_of(response)["x-wopi-lock"]


async def test_lock_refresh_unlock_sequence(wopi: WopiClient, open_session: Any) -> None:
    doc = await new_doc(open_session)
    fid, token = doc["file_id"], doc["access_token"]
    assert await lock_of(wopi, doc) == ""
    response = await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)
    assert response.code == 200 and "x-wopi-lock" not in headers_of(response)
    assert headers_of(response)["x-wopi-itemversion"]
    assert await lock_of(wopi, doc) == fid
    assert (await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)).code == 200  # same id
    assert (await wopi.override(fid, token, "REFRESH_LOCK", X_WOPI_Lock=fid)).code == 200
    assert (await wopi.override(fid, token, "UNLOCK", X_WOPI_Lock=fid)).code == 200
    assert await lock_of(wopi, doc) == ""


async def test_lock_with_other_id_is_409_with_current_lock(
    wopi: WopiClient, open_session: Any
) -> None:
    doc = await new_doc(open_session)
    fid, token = doc["file_id"], doc["access_token"]
    await wopi.override(fid, token, "LOCK", X_WOPI_Lock="A")
    for op in ("LOCK", "REFRESH_LOCK", "UNLOCK"):
        response = await wopi.override(fid, token, op, X_WOPI_Lock="B")
        assert response.code == 409, op
        assert headers_of(response)["x-wopi-lock"] == "A"
    assert await lock_of(wopi, doc) == "A"


@pytest.mark.parametrize("op", ["REFRESH_LOCK", "UNLOCK"])
async def test_refresh_or_unlock_of_unlocked_file_is_409_with_empty_lock(
    wopi: WopiClient, open_session: Any, op: str
) -> None:
    doc = await new_doc(open_session)
    response = await wopi.override(doc["file_id"], doc["access_token"], op, X_WOPI_Lock="A")
    assert response.code == 409
    assert headers_of(response)["x-wopi-lock"] == ""


@pytest.mark.parametrize("op", ["LOCK", "REFRESH_LOCK", "UNLOCK"])
async def test_missing_lock_header_is_400(wopi: WopiClient, open_session: Any, op: str) -> None:
    doc = await new_doc(open_session)
    response = await wopi.override(doc["file_id"], doc["access_token"], op)
    assert response.code == 400
    assert await lock_of(wopi, doc) == ""


async def test_overlong_lock_id_is_400(wopi: WopiClient, open_session: Any) -> None:
    doc = await new_doc(open_session)
    ok = await wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock="x" * 1024)
    assert ok.code == 200
    await wopi.override(doc["file_id"], doc["access_token"], "UNLOCK", X_WOPI_Lock="x" * 1024)
    too_long = "y" * 1025
    response = await wopi.override(
        doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock=too_long
    )
    assert response.code == 400


async def test_unlock_and_relock(wopi: WopiClient, open_session: Any) -> None:
    doc = await new_doc(open_session)
    fid, token = doc["file_id"], doc["access_token"]
    await wopi.override(fid, token, "LOCK", X_WOPI_Lock="old")
    response = await wopi.override(fid, token, "LOCK", X_WOPI_Lock="new", X_WOPI_OldLock="old")
    assert response.code == 200
    assert await lock_of(wopi, doc) == "new"
    bad = await wopi.override(fid, token, "LOCK", X_WOPI_Lock="newer", X_WOPI_OldLock="old")
    assert bad.code == 409 and headers_of(bad)["x-wopi-lock"] == "new"


async def test_lock_belongs_to_the_file_not_the_user(wopi: WopiClient, open_session: Any) -> None:
    """ONLYOFFICE refreshes and releases with any co-editor's token (spec §5.4)."""
    doc = await new_doc(open_session)
    other = await open_session("locked.docx")  # a second session (another editor)
    fid = doc["file_id"]
    assert other["file_id"] == fid
    await wopi.override(fid, doc["access_token"], "LOCK", X_WOPI_Lock=fid)
    assert (
        await wopi.override(fid, other["access_token"], "REFRESH_LOCK", X_WOPI_Lock=fid)
    ).code == 200
    response = await wopi.put_file(fid, other["access_token"], b"saved by other", lock=fid)
    assert response.code == 200
    assert (await wopi.override(fid, other["access_token"], "UNLOCK", X_WOPI_Lock=fid)).code == 200


async def test_view_token_cannot_lock(wopi: WopiClient, open_session: Any) -> None:
    view = await open_session("viewed.docx", b"x", action="view")
    response = await wopi.override(view["file_id"], view["access_token"], "LOCK", X_WOPI_Lock="a")
    assert response.code == 401


async def test_a_lock_lives_thirty_minutes_after_the_last_lock_or_refresh(
    jp_serverapp: Any, wopi: WopiClient, open_session: Any, tmp_path: Path
) -> None:
    assert lock_rules.LOCK_TTL_SECONDS == 30 * 60
    doc = await new_doc(open_session)
    before = time.time()
    await wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock="a")
    host = jp_serverapp.web_app.settings["jupyter_wopi"]
    [info] = await host.state.read(lambda store: store.list_locks(doc["file_id"]))
    assert before + 1800 <= info.expires_at <= time.time() + 1800
    # Live until the very instant it expires, gone from then on.
    with SqliteDatabase(tmp_path / "state").transaction(write=True) as store:
        store.set_lock("f", lock_rules.Lock("a", 1000.0))
        assert store.get_lock("f", now=999.999) == lock_rules.Lock("a", 1000.0)
        assert store.get_lock("f", now=1000.0) is None


def test_put_rules() -> None:
    lock_rules.check_put(None, None, 0)
    with pytest.raises(lock_rules.LockConflict) as err:
        lock_rules.check_put(None, None, 1)
    assert err.value.current == ""
    assert str(err.value) == err.value.reason == "The file is not locked and is not empty."
    lock_rules.check_put(lock_rules.Lock("a", 1e20), "a", 5)
    with pytest.raises(lock_rules.LockConflict):
        lock_rules.check_put(lock_rules.Lock("a", 1e20), None, 0)


async def test_expired_lock_reads_as_unlocked(
    jp_serverapp: Any, wopi: WopiClient, open_session: Any
) -> None:
    doc = await new_doc(open_session)
    host = jp_serverapp.web_app.settings["jupyter_wopi"]
    stale = lock_rules.Lock("stale", time.time() - 1)
    await host.state.write(lambda store: store.set_lock(doc["file_id"], stale))
    assert await lock_of(wopi, doc) == ""
    assert (
        await wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock="fresh")
    ).code == 200

"""The double against the real Jupyter server (pytest-jupyter): one end-to-end edit, with and
without the host knowing the double's discovery, and several users in one session, each call
through the user whose WOPISrc and token it should carry (client-behavior §17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from onlyoffice_double import Call, DocumentSession, EditorUser, OnlyOfficeDouble
from support.editing import jp_server_config, wopi_settings  # noqa: F401 (fixtures)
from support.stub_host import fetch

pytest_plugins = ("onlyoffice_double.fixtures",)


@pytest.fixture
def host_knows_onlyoffice() -> bool:
    """Parametrized by the end-to-end test: configure JUPYTER_WOPI_ONLYOFFICE_URL or not."""
    return False


@pytest.fixture
def server_onlyoffice(host_knows_onlyoffice: bool) -> str:
    """The host knows the double: it fetches discovery and checks every proof."""
    return "double" if host_knows_onlyoffice else "none"


@pytest.mark.parametrize("host_knows_onlyoffice", [False, True], ids=["no-discovery", "signed"])
async def test_end_to_end_against_jupyter(
    onlyoffice: OnlyOfficeDouble,
    open_session: Any,
    jp_root_dir: Path,
    host_knows_onlyoffice: bool,
) -> None:
    doc = await open_session("e2e.docx", b"original bytes")
    action_url = (
        f"{onlyoffice.url}/hosting/wopi/word/edit?wopisrc={quote(doc['wopi_src'], safe='')}"
    )
    if host_knows_onlyoffice:  # the host built the action URL from the double's discovery
        assert onlyoffice.discovery_requests and doc["action"] == "edit"
        action_url = doc["action_url"]
    response = await fetch(
        action_url,
        method="POST",
        body=urlencode(
            {"access_token": doc["access_token"], "access_token_ttl": doc["access_token_ttl"]}
        ),
    )
    assert response.code == 200
    page = onlyoffice.last_page
    assert page.ok, page.error
    session, user = page.session, page.user
    assert session is not None and user is not None and user.mode == "edit"
    assert session.key == doc["file_id"] and session.lock_id == doc["file_id"]

    assert await session.load() == b"original bytes"
    session.edit(user, b"edited bytes")
    assert await session.force_save()
    await session.close(user)

    assert (jp_root_dir / "e2e.docx").read_bytes() == b"edited bytes"
    assert onlyoffice.operations() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "Unlock"]
    assert [c.status for c in onlyoffice.calls] == [200] * 5, onlyoffice.calls
    assert session.errors == []

    if host_knows_onlyoffice:  # the host really checks: a forged proof is refused (500)
        onlyoffice.tamper.forge_proof = onlyoffice.tamper.forge_proof_old = True
        forged = await onlyoffice.open(doc["wopi_src"], doc["access_token"], 1)
        assert not forged.ok and forged.upstream_status == 500


# The host fetches the double's discovery and checks every proof (see jp_server_config).
SIGNED = pytest.mark.parametrize("host_knows_onlyoffice", [True], ids=["signed"])


async def join(
    double: OnlyOfficeDouble, doc: dict[str, Any], wopi_src: str | None = None
) -> tuple[DocumentSession, EditorUser]:
    """One user's host-page form POST with the token the lab API minted for them."""
    page = await double.open(
        wopi_src or doc["wopi_src"], doc["access_token"], doc["access_token_ttl"]
    )
    assert page.ok, page.error
    assert page.session is not None and page.user is not None and page.user.mode == "edit"
    return page.session, page.user


def whose(calls: list[Call], **tokens: str) -> list[tuple[str, str]]:
    """(operation, name of the user whose token it carried) for each call."""
    names = {token: name for name, token in tokens.items()}
    return [(c.operation, names.get(c.access_token, "?")) for c in calls]


def all_200(calls: list[Call]) -> bool:
    return [c.status for c in calls] == [200] * len(calls)


async def test_users_on_two_wopisrc_hosts_share_one_session(
    onlyoffice: OnlyOfficeDouble, open_session: Any
) -> None:
    """client-behavior §17, items 1-3 and 9: one session per key whatever the WOPISrc host;
    each user's WOPISrc + token is kept as their callback, in joining order; the later
    opener's LOCK and every call go through the WOPISrc its token was minted for."""
    alice = await open_session("shared/plan.docx", b"plan v1")
    bob = await open_session("shared/plan.docx")
    assert alice["file_id"] == bob["file_id"] and alice["access_token"] != bob["access_token"]
    bob_src = alice["wopi_src"].replace("//localhost:", "//127.0.0.1:")
    assert bob_src != alice["wopi_src"]  # another host name for the same server

    session, user_a = await join(onlyoffice, alice)
    same, user_b = await join(onlyoffice, bob, bob_src)
    assert same is session and list(onlyoffice.sessions) == [alice["file_id"]]
    assert session.key == session.lock_id == alice["file_id"]
    assert session.callbacks == [user_a, user_b]
    assert [(u.wopi_src, u.access_token) for u in session.callbacks] == [
        (alice["wopi_src"], alice["access_token"]),
        (bob_src, bob["access_token"]),
    ]
    assert await session.load(user_a) == b"plan v1"

    tokens = {"alice": alice["access_token"], "bob": bob["access_token"]}
    assert whose(onlyoffice.calls, **tokens) == [
        ("CheckFileInfo", "alice"),
        ("Lock", "alice"),
        ("CheckFileInfo", "bob"),
        ("Lock", "bob"),
        ("GetFile", "alice"),
    ]
    bobs_lock = onlyoffice.calls[3]
    assert bobs_lock.url == bob_src and bobs_lock.header("X-WOPI-Lock") == alice["file_id"]
    source = {alice["access_token"]: alice["wopi_src"], bob["access_token"]: bob_src}
    assert all(c.url.removesuffix("/contents") == source[c.access_token] for c in onlyoffice.calls)
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_force_save_goes_through_the_user_who_pressed_save(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_root_dir: Path
) -> None:
    """client-behavior §17, item 4: the Save button's PutFile uses the presser's callback
    (X-WOPI-Editors still names the last changer); the auto-assembly timer's uses the
    last changer's."""
    alice = await open_session("minutes.docx", b"draft")
    bob = await open_session("minutes.docx")
    session, user_a = await join(onlyoffice, alice)
    _, user_b = await join(onlyoffice, bob)
    await session.load(user_a)

    session.edit(user_b, b"bob's wording")
    assert await session.force_save(user_a)  # alice presses Save after bob's change
    pressed = onlyoffice.calls[-1]
    assert (pressed.operation, pressed.access_token) == ("PutFile", alice["access_token"])
    assert pressed.header("X-WOPI-Editors") == user_b.user_id
    assert pressed.header("X-LOOL-WOPI-IsAutosave") is None
    assert (jp_root_dir / "minutes.docx").read_bytes() == b"bob's wording"

    session.edit(user_b, b"bob's second wording")
    assert await session.force_save(autosave=True)  # the timer: no user
    timer = onlyoffice.calls[-1]
    assert (timer.operation, timer.access_token) == ("PutFile", bob["access_token"])
    assert timer.header("X-LOOL-WOPI-IsAutosave") == "true"
    assert (jp_root_dir / "minutes.docx").read_bytes() == b"bob's second wording"
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_put_file_answer_moves_its_user_to_the_end_of_the_callbacks(
    onlyoffice: OnlyOfficeDouble, open_session: Any
) -> None:
    """client-behavior §17, items 5-6: REFRESH_LOCK uses the last callback (the last
    joiner), until a PutFile answered with LastModifiedTime moves its user there."""
    alice = await open_session("budget.docx", b"v1")
    bob = await open_session("budget.docx")
    session, user_a = await join(onlyoffice, alice)
    _, user_b = await join(onlyoffice, bob)
    await session.load(user_a)
    assert await session.refresh_lock()  # through bob, who joined last

    session.edit(user_a, b"v2")
    assert await session.force_save(user_a)
    put = onlyoffice.calls[-1]
    assert put.operation == "PutFile" and put.json()["LastModifiedTime"]
    assert session.callbacks == [user_b, user_a] and session.last_user is user_a
    assert await session.refresh_lock()  # now through alice

    refreshes = [c for c in onlyoffice.calls if c.operation == "RefreshLock"]
    tokens = {"alice": alice["access_token"], "bob": bob["access_token"]}
    assert whose(refreshes, **tokens) == [("RefreshLock", "bob"), ("RefreshLock", "alice")]
    assert [c.header("X-WOPI-SessionId") for c in refreshes] == [None, None]
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_unlock_goes_through_the_user_who_left_last(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_root_dir: Path
) -> None:
    """client-behavior §17, item 7: the exit save goes through the last changer, UNLOCK
    through the last leaver; without changes UNLOCK is the last leaver's too."""
    alice = await open_session("notes.docx", b"notes")
    bob = await open_session("notes.docx")
    tokens = {"alice": alice["access_token"], "bob": bob["access_token"]}
    session, user_a = await join(onlyoffice, alice)
    _, user_b = await join(onlyoffice, bob)
    await session.load(user_a)
    session.edit(user_a, b"alice's notes")
    await session.close(user_a)
    await session.close(user_b)  # bob leaves last
    assert whose(onlyoffice.calls[-2:], **tokens) == [("PutFile", "alice"), ("Unlock", "bob")]
    assert onlyoffice.calls[-2].header("X-LOOL-WOPI-IsExitSave") == "true"
    assert (jp_root_dir / "notes.docx").read_bytes() == b"alice's notes"

    session, user_a = await join(onlyoffice, alice)  # a new session: the cache was cleared
    _, user_b = await join(onlyoffice, bob)
    await session.close(user_b)
    await session.close(user_a)  # alice leaves last, bob is the last callback
    assert whose(onlyoffice.calls[-1:], **tokens) == [("Unlock", "alice")]
    assert all_200(onlyoffice.calls), onlyoffice.calls


@SIGNED
async def test_x_wopi_session_id_only_on_open_lock_and_blank_template(
    onlyoffice: OnlyOfficeDouble, open_session: Any, jp_root_dir: Path
) -> None:
    """client-behavior §17, item 8: X-WOPI-SessionId on the page-time CheckFileInfo, LOCK
    (open and restore) and the blank-template PutFile; absent on GetFile, save PutFiles,
    REFRESH_LOCK, RENAME_FILE, PUT_RELATIVE and UNLOCK."""
    doc = await open_session("Untitled.docx", b"")
    session, user = await join(onlyoffice, doc)
    await session.load(user)
    session.edit(user, b"first draft")
    assert await session.force_save(user)
    assert await session.refresh_lock()
    assert await session.rename(user, "Plan") == "Plan"
    assert await session.save_as(user, "Plan copy.docx") is not None
    assert await session.reconnect(user)
    session.edit(user, b"second draft")
    await session.close(user)

    usid = user.user_session_id
    assert [(c.operation, c.header("X-WOPI-SessionId")) for c in onlyoffice.calls] == [
        ("CheckFileInfo", usid),
        ("PutFile", usid),  # the blank template
        ("Lock", usid),
        ("GetFile", None),
        ("PutFile", None),  # force-save
        ("RefreshLock", None),
        ("RenameFile", None),
        ("PutRelativeFile", None),
        ("Lock", usid),  # restore
        ("PutFile", None),  # exit save
        ("Unlock", None),
    ]
    assert all_200(onlyoffice.calls), onlyoffice.calls
    assert (jp_root_dir / "Plan.docx").read_bytes() == b"second draft"
    assert (jp_root_dir / "Plan copy.docx").read_bytes() == b"first draft"

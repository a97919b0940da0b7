"""Names are people's names: a laptop with token login is one person (its operating-system
user), never "Anonymous Hegemone"; and the lab is told which locks are the viewer's own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_server.auth import User
from support.wopi_client import (
    WopiClient,
    conflict_copies,
    lock,
    locked_session,
    save,
)

from jupyter_wopi.host.people import editors_seen_by, is_made_up, mark_viewer, os_user, person


def test_a_token_login_user_is_the_operating_system_user() -> None:
    made_up = User("0f" * 16, "Anonymous Hegemone", "Anonymous Hegemone")
    assert is_made_up(made_up)
    assert person(made_up) == os_user()
    assert "Anonymous" not in person(made_up)[1]


def test_a_known_person_keeps_the_identity_providers_name() -> None:
    ada = User("ada", "ada", "Ada Lovelace")
    assert not is_made_up(ada)
    assert person(ada) == ("ada", "Ada Lovelace")
    # A real user who happens to be called "Anonymous …" is not made up: the id is theirs.
    assert not is_made_up(User("anon", "Anonymous Coward", "Anonymous Coward"))
    assert person(User("grace", "grace", "")) == ("grace", "grace")


def test_the_viewers_lock_says_you_and_names_the_others() -> None:
    lock = {"holder_name": "Ada, Grace", "locked_at": 1.0, "expires_at": 2.0}
    assert mark_viewer(lock, "Ada") == {**lock, "you": True, "others": "Grace"}
    assert mark_viewer(lock, "Linus") == {**lock, "you": False, "others": "Ada, Grace"}
    assert mark_viewer(None, "Ada") is None


async def test_two_browsers_with_the_token_are_one_person(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    # Each jp_fetch is a new token-authenticated request: Jupyter makes up a new anonymous
    # user for each, yet both sessions belong to the same person.
    first = await open_session("report.docx", b"v1")
    second = await open_session("report.docx")
    infos = [
        json.loads((await wopi.check_file_info(doc["file_id"], doc["access_token"])).body)
        for doc in (first, second)
    ]
    login, name = os_user()
    assert {(info["UserId"], info["UserFriendlyName"]) for info in infos} == {(login, name)}


async def test_the_lab_reads_its_own_lock_as_yours(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc = await open_session("report.docx", b"v1")
    assert await lock(wopi, doc) == 200
    status = json.loads((await jp_fetch("api", "wopi", "files", doc["file_id"])).body)
    assert status["lock"]["holder_name"] == os_user()[1]
    assert (status["lock"]["you"], status["lock"]["others"]) == (True, "")
    listed = json.loads((await jp_fetch("api", "wopi", "locks")).body)["locks"]
    assert [(item["you"], item["others"]) for item in listed] == [(True, "")]


async def test_conflict_copies_are_named_after_the_person(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "report.docx", b"v1")
    (jp_root_dir / "report.docx").write_bytes(b"changed outside")
    await save(wopi, doc, b"edited", stamp)
    copies = conflict_copies(jp_root_dir)
    assert len(copies) == 1 and os_user()[1] in copies[0].name, copies
    assert "Anonymous" not in copies[0].name


def test_who_is_editing_as_the_viewer_reads_it() -> None:
    assert editors_seen_by("Ada", "Ada") == "you"
    assert editors_seen_by("Ada, Grace", "Ada") == "you and Grace"
    assert editors_seen_by("Ada, Grace", "Lin") == "Ada, Grace"
    assert editors_seen_by("", "Ada") == ""

"""PutRelativeFile, RenameFile, DeleteFile, PutUserInfo (spec §5.5–§5.8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from support.wopi_client import WopiClient, headers_of, put_relative

from jupyter_wopi.wopi.names import candidates, encode_utf7


async def test_suggested_extension_keeps_base_name(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("dir/old.doc", b"legacy")
    response = await put_relative(
        wopi, doc, b"converted", X_WOPI_SuggestedTarget=".docx", X_WOPI_FileConversion="true"
    )
    assert response.code == 200
    result = json.loads(response.body)
    assert result["Name"] == "old.docx"
    assert (jp_root_dir / "dir" / "old.docx").read_bytes() == b"converted"
    assert result["HostEditUrl"].endswith("lab/tree/dir/old.docx")
    # The Url is a WOPISrc with a token that opens the new file.
    url = urlparse(result["Url"])
    new_id = url.path.rsplit("/", 1)[1]
    token = parse_qs(url.query)["access_token"][0]
    info = json.loads((await wopi.check_file_info(new_id, token)).body)
    assert info["BaseFileName"] == "old.docx"
    assert (await wopi.check_file_info(doc["file_id"], token)).code == 401


async def test_suggested_name_conflict_gets_a_new_name(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    (jp_root_dir / "copy.docx").write_bytes(b"existing")
    response = await put_relative(
        wopi, doc, b"mine", X_WOPI_SuggestedTarget=encode_utf7("copy.docx")
    )
    assert response.code == 200
    assert json.loads(response.body)["Name"] == "copy (2).docx"
    assert (jp_root_dir / "copy.docx").read_bytes() == b"existing"
    assert (jp_root_dir / "copy (2).docx").read_bytes() == b"mine"


async def test_suggested_name_with_illegal_characters_is_cleaned(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src2.docx", b"s")
    response = await put_relative(wopi, doc, b"x", X_WOPI_SuggestedTarget=encode_utf7("a/b:c.docx"))
    assert response.code == 200
    assert json.loads(response.body)["Name"] == "a_b_c.docx"


async def test_suggested_unicode_name_is_utf7_decoded(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src3.docx", b"s")
    response = await put_relative(
        wopi, doc, b"x", X_WOPI_SuggestedTarget=encode_utf7("Bericht ÄÖÜ+€.docx")
    )
    assert json.loads(response.body)["Name"] == "Bericht ÄÖÜ+€.docx"
    assert (jp_root_dir / "Bericht ÄÖÜ+€.docx").read_bytes() == b"x"


async def test_relative_target_conflict_without_overwrite_is_409(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src4.docx", b"s")
    (jp_root_dir / "taken.docx").write_bytes(b"existing")
    response = await put_relative(wopi, doc, b"x", X_WOPI_RelativeTarget="taken.docx")
    assert response.code == 409
    assert headers_of(response)["x-wopi-validrelativetarget"] == "taken (2).docx"
    assert (jp_root_dir / "taken.docx").read_bytes() == b"existing"
    ok = await put_relative(
        wopi, doc, b"x", X_WOPI_RelativeTarget="taken.docx", X_WOPI_OverwriteRelativeTarget="true"
    )
    assert ok.code == 200
    assert (jp_root_dir / "taken.docx").read_bytes() == b"x"


async def test_an_overwritten_targets_id_follows_it_when_it_is_moved_outside_jupyter(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    """Overwriting PutRelativeFile gives the target new bytes on a new inode: the target's id
    moves to that inode at once, so its editor still finds the file after an `mv`."""
    target = await open_session("report.docx", b"old report")
    doc = await open_session("draft.docx", b"d")
    response = await put_relative(
        wopi,
        doc,
        b"new report",
        X_WOPI_RelativeTarget="report.docx",
        X_WOPI_OverwriteRelativeTarget="true",
    )
    assert response.code == 200
    (jp_root_dir / "report.docx").rename(jp_root_dir / "final report.docx")  # `mv`
    info = await wopi.check_file_info(target["file_id"], target["access_token"])
    assert info.code == 200, info.body
    assert json.loads(info.body)["BaseFileName"] == "final report.docx"
    body = (await wopi.get_file(target["file_id"], target["access_token"])).body
    assert body == b"new report"


async def test_relative_target_overwrite_of_locked_file_is_409(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src5.docx", b"s")
    target = await open_session("target.docx", b"locked content")
    await wopi.override(target["file_id"], target["access_token"], "LOCK", X_WOPI_Lock="L")
    response = await put_relative(
        wopi, doc, b"x", X_WOPI_RelativeTarget="target.docx", X_WOPI_OverwriteRelativeTarget="true"
    )
    assert response.code == 409
    assert headers_of(response)["x-wopi-lock"] == "L"
    assert (jp_root_dir / "target.docx").read_bytes() == b"locked content"


async def test_relative_target_illegal_name_is_400(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src6.docx", b"s")
    before = sorted(p.name for p in jp_root_dir.iterdir())
    response = await put_relative(wopi, doc, b"x", X_WOPI_RelativeTarget="bad|name.docx")
    assert response.code == 400
    assert sorted(p.name for p in jp_root_dir.iterdir()) == before


async def test_both_or_no_target_headers_is_400(open_session: Any, wopi: WopiClient) -> None:
    doc = await open_session("src7.docx", b"s")
    both = await put_relative(
        wopi, doc, b"x", X_WOPI_RelativeTarget="a.docx", X_WOPI_SuggestedTarget=".docx"
    )
    assert both.code == 400
    assert (await put_relative(wopi, doc, b"x")).code == 400


async def test_view_token_cannot_put_relative(open_session: Any, wopi: WopiClient) -> None:
    doc = await open_session("src8.docx", b"s", action="view")
    response = await put_relative(wopi, doc, b"x", X_WOPI_SuggestedTarget=".pdf")
    assert response.code == 501


async def test_rename_keeps_extension_and_file_id(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("name.docx", b"content")
    fid, token = doc["file_id"], doc["access_token"]
    await wopi.override(fid, token, "LOCK", X_WOPI_Lock=fid)
    response = await wopi.override(
        fid, token, "RENAME_FILE", X_WOPI_Lock=fid, X_WOPI_RequestedName=encode_utf7("Neuer Name")
    )
    assert response.code == 200
    assert json.loads(response.body) == {"Name": "Neuer Name"}
    assert (jp_root_dir / "Neuer Name.docx").read_bytes() == b"content"
    assert not (jp_root_dir / "name.docx").exists()
    info = json.loads((await wopi.check_file_info(fid, token)).body)
    assert info["BaseFileName"] == "Neuer Name.docx"
    # the lock stayed with the file
    lock = await wopi.override(fid, token, "GET_LOCK")
    assert headers_of(lock)["x-wopi-lock"] == fid


async def test_rename_to_taken_name_picks_a_free_one(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("one.xlsx", b"1")
    (jp_root_dir / "two.xlsx").write_bytes(b"2")
    response = await wopi.override(
        doc["file_id"], doc["access_token"], "RENAME_FILE", X_WOPI_RequestedName="two"
    )
    assert json.loads(response.body) == {"Name": "two (2)"}
    assert (jp_root_dir / "two.xlsx").read_bytes() == b"2"


async def test_rename_with_invalid_name_is_400(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("stay.docx", b"x")
    for bad in ("a/b", "x" * 300, "CON", "", "+AG-"):
        response = await wopi.override(
            doc["file_id"], doc["access_token"], "RENAME_FILE", X_WOPI_RequestedName=bad
        )
        assert response.code == 400, bad
        assert headers_of(response)["x-wopi-invalidfilenameerror"]
    assert (jp_root_dir / "stay.docx").exists()


async def test_rename_locked_with_wrong_lock_is_409(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("locked-name.docx", b"x")
    await wopi.override(doc["file_id"], doc["access_token"], "LOCK", X_WOPI_Lock="A")
    response = await wopi.override(
        doc["file_id"],
        doc["access_token"],
        "RENAME_FILE",
        X_WOPI_Lock="B",
        X_WOPI_RequestedName="other",
    )
    assert response.code == 409 and headers_of(response)["x-wopi-lock"] == "A"
    assert (jp_root_dir / "locked-name.docx").exists()


async def test_delete_is_409_while_locked_then_works(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("gone.docx", b"x")
    fid, token = doc["file_id"], doc["access_token"]
    await wopi.override(fid, token, "LOCK", X_WOPI_Lock="A")
    assert (await wopi.override(fid, token, "DELETE")).code == 409
    assert (jp_root_dir / "gone.docx").exists()
    await wopi.override(fid, token, "UNLOCK", X_WOPI_Lock="A")
    assert (await wopi.override(fid, token, "DELETE")).code == 200
    assert not (jp_root_dir / "gone.docx").exists()
    assert (await wopi.check_file_info(fid, token)).code == 404


async def test_put_user_info_is_returned_by_check_file_info(
    open_session: Any, wopi: WopiClient
) -> None:
    doc = await open_session("ui.docx", b"x")
    fid, token = doc["file_id"], doc["access_token"]
    assert (await wopi.override(fid, token, "PUT_USER_INFO", b'{"theme":"dark"}')).code == 200
    info = json.loads((await wopi.check_file_info(fid, token)).body)
    assert info["UserInfo"] == '{"theme":"dark"}'
    assert info["SupportsUserInfo"] is True


async def test_unknown_override_is_501(open_session: Any, wopi: WopiClient) -> None:
    doc = await open_session("o.docx", b"x")
    response = await wopi.override(doc["file_id"], doc["access_token"], "GET_SHARE_URL")
    assert response.code == 501


async def test_rename_to_the_same_name_changes_nothing(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("same.docx", b"s")
    response = await wopi.override(
        doc["file_id"], doc["access_token"], "RENAME_FILE", X_WOPI_RequestedName="same"
    )
    assert (response.code, json.loads(response.body)) == (200, {"Name": "same"})
    assert sorted(p.name for p in jp_root_dir.iterdir()) == ["same.docx"]


async def test_rename_when_every_numbered_name_is_taken_is_400(
    open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    doc = await open_session("src.docx", b"s")
    for name in candidates("busy.docx"):
        (jp_root_dir / name).touch()
    response = await wopi.override(
        doc["file_id"], doc["access_token"], "RENAME_FILE", X_WOPI_RequestedName="busy"
    )
    assert response.code == 400
    assert (jp_root_dir / "src.docx").read_bytes() == b"s"

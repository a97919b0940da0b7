"""Version history where things go wrong or race: a replace that fails, a download cut short
or changing under it, two editors loading at once, odd version ids, the per-file limit."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.raw_http import RawConnection, target
from support.versions import restore_request, versions
from support.wopi_client import WopiClient, locked_session, saved
from tornado.httpclient import HTTPClientError

from jupyter_wopi.files.io import AtomicWriter
from jupyter_wopi.files.version_blobs import BlobWriter
from jupyter_wopi.host.services import WopiHost
from jupyter_wopi.host.versions import finish_loaded_copy, start_loaded_copy
from jupyter_wopi.wopi.file_state import FileState


def host_of(jp_serverapp: Any) -> WopiHost:
    return jp_serverapp.web_app.settings["jupyter_wopi"]  # type: ignore[no-any-return]


def blobs(host: WopiHost) -> list[str]:
    assert host.versions is not None
    return sorted(entry.name for entry in os.scandir(host.versions.folder))


async def load_with_copy(
    host: WopiHost, file_id: str, data: bytes, meanwhile: Callable[[BlobWriter], object]
) -> None:
    """What GetFile does for an editor: a copy of `data` as it streams, then `meanwhile`
    (what happens to the file or the copy before the download ends), then the copy kept or
    dropped."""
    file = await host.files.resolve(file_id)
    stat = os.stat(file.os_path)
    copy = await start_loaded_copy(host, file, FileState.from_stat(stat))
    assert copy is not None
    copy.write(data)
    meanwhile(copy)
    await finish_loaded_copy(host, file, stat, copy, complete=True)


def failing_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(self: AtomicWriter, target: str) -> os.stat_result:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(AtomicWriter, "replace", replace)


def temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".~jupyter_wopi")]


async def test_a_save_whose_replace_fails_keeps_no_version_and_no_blob(
    open_session: Any,
    wopi: WopiClient,
    jp_fetch: Any,
    jp_serverapp: Any,
    jp_root_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc, _ = await locked_session(open_session, wopi, "io.docx", b"on disk")
    failing_replace(monkeypatch)
    response = await wopi.put_file(doc["file_id"], doc["access_token"], b"new", lock=doc["file_id"])
    assert response.code >= 500
    assert (jp_root_dir / "io.docx").read_bytes() == b"on disk"
    assert (await versions(jp_fetch, "io.docx"))["versions"] == []
    assert blobs(host_of(jp_serverapp)) == []


async def test_a_restore_that_fails_changes_nothing_and_leaves_nothing(
    open_session: Any,
    wopi: WopiClient,
    jp_fetch: Any,
    jp_serverapp: Any,
    jp_root_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "r.docx", b"v1")
    await saved(wopi, doc, b"v2", stamp)
    [version] = (await versions(jp_fetch, "r.docx"))["versions"]
    before = blobs(host_of(jp_serverapp))
    failing_replace(monkeypatch)
    with pytest.raises(HTTPClientError) as err:
        await restore_request(jp_fetch, doc["file_id"], version["id"])
    assert err.value.code >= 500
    assert (jp_root_dir / "r.docx").read_bytes() == b"v2"
    assert temp_files(jp_root_dir) == []
    assert blobs(host_of(jp_serverapp)) == before


async def test_a_restore_keeps_the_file_id_on_the_restored_bytes_and_hashes_what_it_kept(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "id.docx", b"v1")
    await saved(wopi, doc, b"v2", stamp)
    [version] = (await versions(jp_fetch, "id.docx"))["versions"]
    response = await restore_request(jp_fetch, doc["file_id"], version["id"])
    kept = json.loads(response.body)["kept"]
    assert len(kept["sha256"]) == 64  # hashed before the answer
    host = host_of(jp_serverapp)
    record = await host.state.read(lambda store: store.file_record(doc["file_id"]))
    assert record.ino == (jp_root_dir / "id.docx").stat().st_ino  # the index is up to date


async def test_restoring_over_bytes_that_are_kept_already_keeps_nothing_new(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "k.docx", b"v1")
    await saved(wopi, doc, b"v2", stamp)
    again, _ = await locked_session(open_session, wopi, "k.docx", None)
    await wopi.get_file(again["file_id"], again["access_token"])  # v2 kept as loaded
    oldest = (await versions(jp_fetch, "k.docx"))["versions"][-1]
    response = await restore_request(jp_fetch, doc["file_id"], oldest["id"])
    assert json.loads(response.body)["kept"] is None


async def test_bytes_an_editor_loads_after_a_save_are_that_saves_version(
    open_session: Any, wopi: WopiClient, jp_fetch: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "s.docx", b"v1")
    await saved(wopi, doc, b"saved by the editor", stamp)
    again, _ = await locked_session(open_session, wopi, "s.docx", None)
    await wopi.get_file(again["file_id"], again["access_token"])
    newest = (await versions(jp_fetch, "s.docx"))["versions"][0]
    assert (newest["kind"], newest["size"]) == ("save", len(b"saved by the editor"))
    assert newest["author"]  # the saver, not "unknown"


async def test_a_download_cut_short_keeps_no_copy(
    open_session: Any, jp_fetch: Any, jp_serverapp: Any, jp_http_port: int, jp_base_url: str
) -> None:
    doc = await open_session("big.pptx", os.urandom(24 << 20))
    raw = await RawConnection.open(jp_http_port)
    await raw.head("GET", target(jp_base_url, doc, "/contents"), {})
    await raw.reader.readexactly(1 << 20)  # ONLYOFFICE gives up after the first megabyte
    raw.close()
    host = host_of(jp_serverapp)
    for _ in range(100):
        if not blobs(host):
            break
        await asyncio.sleep(0.05)
    assert blobs(host) == []
    assert (await versions(jp_fetch, "big.pptx"))["versions"] == []


@pytest.mark.parametrize("what", ["file rewritten", "file deleted", "copy failed"])
async def test_a_copy_is_dropped_when_the_file_or_the_copy_changed_while_streaming(
    open_session: Any, jp_serverapp: Any, jp_root_dir: Path, jp_fetch: Any, what: str
) -> None:
    host = host_of(jp_serverapp)
    doc = await open_session("moving.xlsx", b"as loaded")
    path = jp_root_dir / "moving.xlsx"

    def meanwhile(copy: BlobWriter) -> None:
        if what == "file rewritten":
            path.write_bytes(b"rewritten meanwhile")  # a kernel
        elif what == "file deleted":
            path.unlink()
        else:
            copy.failed = True  # a write of the copy failed (a full disk): it is incomplete

    await load_with_copy(host, doc["file_id"], b"as loaded", meanwhile)
    assert blobs(host) == []


async def test_a_version_whose_bytes_are_gone_is_a_404_sentence(
    open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_serverapp: Any
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "lost.docx", b"v1")
    await saved(wopi, doc, b"v2", stamp)
    [version] = (await versions(jp_fetch, "lost.docx"))["versions"]
    host = host_of(jp_serverapp)
    assert host.versions is not None
    for name in blobs(host):
        os.unlink(os.path.join(host.versions.folder, name))
    for method, suffix in (("GET", ()), ("POST", ("restore",))):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch(
                "api",
                "wopi",
                "versions",
                doc["file_id"],
                version["id"],
                *suffix,
                method=method,
                body="{}" if method == "POST" else None,
            )
        assert err.value.code == 404
        assert "has no version" in json.loads(err.value.response.body)["message"]


async def test_a_restore_whose_copy_fails_leaves_no_temporary_file(
    open_session: Any,
    wopi: WopiClient,
    jp_fetch: Any,
    jp_root_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc, stamp = await locked_session(open_session, wopi, "half.docx", b"v1")
    await saved(wopi, doc, b"v2", stamp)
    [version] = (await versions(jp_fetch, "half.docx"))["versions"]

    def write(self: AtomicWriter, chunk: bytes) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(AtomicWriter, "write", write)
    with pytest.raises(HTTPClientError):
        await restore_request(jp_fetch, doc["file_id"], version["id"])
    assert temp_files(jp_root_dir) == []
    assert (jp_root_dir / "half.docx").read_bytes() == b"v2"


async def test_two_editors_loading_the_same_bytes_at_once_keep_one_version(
    open_session: Any, jp_serverapp: Any, jp_fetch: Any
) -> None:
    host = host_of(jp_serverapp)
    doc = await open_session("twice.docx", b"same bytes")
    file = await host.files.resolve(doc["file_id"])
    stat = os.stat(file.os_path)
    state = FileState.from_stat(stat)
    first, second = [await start_loaded_copy(host, file, state) for _ in range(2)]
    assert first is not None and second is not None
    for copy in (first, second):
        copy.write(b"same bytes")
    for copy in (first, second):
        await finish_loaded_copy(host, file, stat, copy, complete=True)
    assert len((await versions(jp_fetch, "twice.docx"))["versions"]) == 1
    assert len(blobs(host)) == 1


@pytest.mark.parametrize("version", ["abc", "9999999999999999999", "-1"])
async def test_a_preview_of_a_version_that_cannot_exist_is_a_404_sentence(
    open_session: Any, jp_fetch: Any, version: str
) -> None:
    await open_session("odd.docx", b"x")
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "api",
            "wopi",
            "sessions",
            method="POST",
            body=json.dumps({"path": "odd.docx", "action": "view", "version": version}),
        )
    assert err.value.code == 404
    assert "has no version" in json.loads(err.value.response.body)["message"]


class TestPerFileLimit:
    @pytest.fixture
    def jp_server_config(self, jp_server_config: dict[str, Any]) -> dict[str, Any]:
        jp_server_config["JupyterWopi"]["versions_per_file"] = 2
        return jp_server_config

    async def test_each_file_keeps_its_newest_versions_whatever_the_others_have(
        self, open_session: Any, wopi: WopiClient, jp_fetch: Any
    ) -> None:
        for name in ("a.docx", "b.docx"):
            doc, stamp = await locked_session(open_session, wopi, name, b"0")
            for n in range(1, 4 if name == "a.docx" else 2):
                stamp = await saved(wopi, doc, str(n).encode(), stamp)
        a = (await versions(jp_fetch, "a.docx"))["versions"]
        assert [v["size"] for v in a] == [1, 1] and len(a) == 2
        assert len((await versions(jp_fetch, "b.docx"))["versions"]) == 1
        # A loaded copy counts too.
        again, _ = await locked_session(open_session, wopi, "a.docx", None)
        await wopi.get_file(again["file_id"], again["access_token"])
        assert len((await versions(jp_fetch, "a.docx"))["versions"]) == 2

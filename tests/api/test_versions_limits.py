"""Versions never cost a save: the size cap drops the oldest, a full disk drops them before a
save could fail (a tmpfs of its own), and with versions off nothing is kept or offered."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.disks import mounted
from support.versions import restore_request, versions
from support.wopi_client import WopiClient, locked_session, saved
from tornado.httpclient import HTTPClientError

from jupyter_wopi.state import VersionRecord

DISK = "4m"
DOCUMENT = 1536 * 1024  # three of them do not fit on the disk with its overhead


def versions_on(config: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Versions in `folder`, with no free-space floor: only a full disk makes room."""
    config["JupyterWopi"]["versions_dir"] = str(folder)
    config["JupyterWopi"]["versions_min_free"] = 0.0
    return config


async def listed(jp_fetch: Any, path: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = (await versions(jp_fetch, path))["versions"]
    return listed


class TestSizeCap:
    @pytest.fixture
    def jp_server_config(self, jp_server_config: dict[str, Any]) -> dict[str, Any]:
        jp_server_config["JupyterWopi"]["versions_max_bytes"] = 250
        return jp_server_config

    async def test_the_oldest_versions_go_when_the_cap_is_reached(
        self, open_session: Any, wopi: WopiClient, jp_fetch: Any
    ) -> None:
        doc, stamp = await locked_session(open_session, wopi, "capped.docx", b"0" * 100)
        for n in range(1, 5):
            stamp = await saved(wopi, doc, str(n).encode() * 100, stamp)
        versions = await listed(jp_fetch, "capped.docx")
        assert sum(v["size"] for v in versions) <= 250
        contents = [
            (await jp_fetch("api", "wopi", "versions", doc["file_id"], v["id"])).body
            for v in versions
        ]
        assert contents == [b"3" * 100, b"2" * 100]  # the newest kept


class TestFullDisk:
    @pytest.fixture
    def disk(self, jp_root_dir: Path) -> Iterator[Path]:
        with mounted(jp_root_dir / "vol", "tmpfs", DISK, "to fill a disk") as folder:
            yield folder

    @pytest.fixture
    def jp_server_config(self, jp_server_config: dict[str, Any], disk: Path) -> dict[str, Any]:
        return versions_on(jp_server_config, disk / ".versions")  # beside the files: links

    async def test_a_save_on_a_full_disk_drops_versions_instead_of_failing(
        self,
        open_session: Any,
        wopi: WopiClient,
        jp_fetch: Any,
        disk: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        first = os.urandom(DOCUMENT)
        doc, stamp = await locked_session(open_session, wopi, "vol/big.pptx", first)
        second, third = os.urandom(DOCUMENT), os.urandom(DOCUMENT)
        stamp = await saved(wopi, doc, second, stamp)  # first kept: the disk is nearly full
        assert len(await listed(jp_fetch, "vol/big.pptx")) == 1
        await saved(wopi, doc, third, stamp)  # needs the room the first version holds
        assert (disk / "big.pptx").read_bytes() == third
        versions = await listed(jp_fetch, "vol/big.pptx")
        kept = [
            (await jp_fetch("api", "wopi", "versions", doc["file_id"], v["id"])).body
            for v in versions
        ]
        assert first not in kept  # dropped to make room
        assert "the disk was full; dropped the 1 oldest kept versions" in caplog.text
        assert not [p for p in disk.iterdir() if p.name.startswith(".~jupyter_wopi")]

    async def test_versions_leave_the_floor_free(
        self, open_session: Any, wopi: WopiClient, jp_fetch: Any, jp_serverapp: Any, disk: Path
    ) -> None:
        host = jp_serverapp.web_app.settings["jupyter_wopi"]
        host.settings = type(host.settings)(
            **{
                **host.settings.__dict__,
                "versions": type(host.settings.versions)(
                    host.settings.versions.retention, host.settings.versions.max_bytes, 0.7
                ),
            }
        )
        doc, stamp = await locked_session(open_session, wopi, "vol/a.docx", os.urandom(DOCUMENT))
        await saved(wopi, doc, b"small", stamp)
        # Keeping the 1.5 MiB version would leave less than 70 % of the disk free.
        assert await listed(jp_fetch, "vol/a.docx") == []
        assert shutil.disk_usage(disk).free >= shutil.disk_usage(disk).total * 0.7


class TestVersionsOff:
    @pytest.fixture
    def jp_server_config(self, jp_server_config: dict[str, Any]) -> dict[str, Any]:
        jp_server_config["JupyterWopi"]["versions"] = False
        return jp_server_config

    async def test_nothing_is_kept_or_offered(
        self,
        open_session: Any,
        wopi: WopiClient,
        jp_fetch: Any,
        jp_serverapp: Any,
        tmp_path: Path,
    ) -> None:
        doc, stamp = await locked_session(open_session, wopi, "off.docx", b"v1")
        await wopi.get_file(doc["file_id"], doc["access_token"])
        await saved(wopi, doc, b"v2", stamp)
        info = json.loads((await wopi.check_file_info(doc["file_id"], doc["access_token"])).body)
        assert info["FileVersionPostMessage"] is False and "FileVersionUrl" not in info
        response = await jp_fetch("api", "wopi", "versions", params={"path": "off.docx"})
        answer = json.loads(response.body)
        assert answer["versions"] == [] and answer["can_restore"] is False
        # A version kept before versions were turned off is not served.
        host = jp_serverapp.web_app.settings["jupyter_wopi"]
        record = VersionRecord(0, doc["file_id"], "x.blob", 2, "", "s", "save", "", "", 0, 0)
        kept = await host.state.write(lambda store: store.add_version(record))
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("api", "wopi", "versions", doc["file_id"], str(kept.id))
        assert err.value.code == 404
        assert not (tmp_path / "wopi-state" / "versions").exists()


class TestVersionsOnAnotherDisk:
    """Versions copied (another file system), onto a disk that fills: the copy makes room
    in the save's own transaction and is taken all the same."""

    @pytest.fixture
    def disk(self, tmp_path: Path) -> Iterator[Path]:
        with mounted(tmp_path / "versions-disk", "tmpfs", "2m", "to fill a disk") as folder:
            yield folder

    @pytest.fixture
    def jp_server_config(self, jp_server_config: dict[str, Any], disk: Path) -> dict[str, Any]:
        return versions_on(jp_server_config, disk / "versions")

    async def test_a_copy_onto_a_full_disk_drops_the_oldest_first(
        self,
        open_session: Any,
        wopi: WopiClient,
        jp_fetch: Any,
        jp_root_dir: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        size = 1200 * 1024
        first, second, third = (os.urandom(size) for _ in range(3))
        doc, stamp = await locked_session(open_session, wopi, "copied.docx", first)
        stamp = await saved(wopi, doc, second, stamp)
        await saved(wopi, doc, third, stamp)
        assert (jp_root_dir / "copied.docx").read_bytes() == third
        [kept] = await listed(jp_fetch, "copied.docx")
        assert (await jp_fetch("api", "wopi", "versions", doc["file_id"], kept["id"])).body == (
            second
        )
        assert "dropped the 1 oldest kept versions" in caplog.text
        assert "no version kept" not in caplog.text


class TestCopiedVersions:
    """Versions on another file system are copies, made while the upload streams, before
    the transaction that replaces the file."""

    @pytest.fixture
    def jp_server_config(self, jp_server_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
        self.disk = tmp_path / "versions-disk"
        return jp_server_config

    @pytest.fixture(autouse=True)
    def other_disk(self, jp_server_config: dict[str, Any]) -> Iterator[Path]:
        with mounted(self.disk, "tmpfs", "16m", "for versions on another disk") as folder:
            jp_server_config["JupyterWopi"]["versions_dir"] = str(folder / "versions")
            yield folder

    async def test_the_copy_is_made_before_the_transaction_and_nothing_is_left_over(
        self,
        open_session: Any,
        wopi: WopiClient,
        jp_fetch: Any,
        jp_serverapp: Any,
        monkeypatch: pytest.MonkeyPatch,
        raw_post: Any,
    ) -> None:
        host = jp_serverapp.web_app.settings["jupyter_wopi"]
        assert host.versions is not None

        def no_copy_in_the_transaction(path: str) -> Any:
            raise AssertionError("the replaced bytes were copied inside the transaction")

        monkeypatch.setattr(host.versions, "keep", no_copy_in_the_transaction)
        first = os.urandom(300_000)
        doc, stamp = await locked_session(open_session, wopi, "copied.xlsx", first)
        stamp = await saved(wopi, doc, b"second", stamp)
        [kept] = await listed(jp_fetch, "copied.xlsx")
        assert (await jp_fetch("api", "wopi", "versions", doc["file_id"], kept["id"])).body == first
        # A save abandoned mid-upload leaves no copy behind.
        headers = {"X-WOPI-Override": "PUT", "X-WOPI-Lock": doc["file_id"]}
        raw = await raw_post(doc, {**headers, "Content-Length": "1000000"}, "/contents")
        await raw.send(b"x" * 1000)
        await asyncio.sleep(0.2)  # the copy of the bytes it would replace is made meanwhile
        raw.close()
        for _ in range(50):
            if len(list(Path(host.versions.folder).iterdir())) == 1:
                break
            await asyncio.sleep(0.1)
        assert len(list(Path(host.versions.folder).iterdir())) == 1

    async def test_a_restore_that_fails_before_the_replace_leaves_no_copy(
        self,
        open_session: Any,
        wopi: WopiClient,
        jp_fetch: Any,
        jp_serverapp: Any,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        from jupyter_wopi.state import Store

        host = jp_serverapp.web_app.settings["jupyter_wopi"]
        doc, stamp = await locked_session(open_session, wopi, "r.docx", b"v1")
        await saved(wopi, doc, b"v2", stamp)
        [version] = await listed(jp_fetch, "r.docx")
        before = sorted(os.listdir(host.versions.folder))

        def serialize(self: Store, file_id: str) -> None:
            raise OSError(5, "Input/output error")  # the database failed in the transaction

        monkeypatch.setattr(Store, "serialize", serialize)
        with pytest.raises(HTTPClientError):
            await restore_request(jp_fetch, doc["file_id"], version["id"])
        assert sorted(os.listdir(host.versions.folder)) == before  # v2's copy went

    async def test_a_copy_a_save_took_is_kept_when_its_transaction_is_undone(
        self,
        open_session: Any,
        wopi: WopiClient,
        jp_serverapp: Any,
        jp_root_dir: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        host = jp_serverapp.web_app.settings["jupyter_wopi"]
        doc, _ = await locked_session(open_session, wopi, "undone.docx", b"only copy")

        def rebind(*args: Any) -> None:
            raise OSError(5, "Input/output error")  # after the replace, in its transaction

        monkeypatch.setattr(host.files.ids, "rebind", rebind)
        response = await wopi.put_file(
            doc["file_id"], doc["access_token"], b"new", lock=doc["file_id"]
        )
        assert response.code >= 500
        assert (jp_root_dir / "undone.docx").read_bytes() == b"new"  # replaced all the same
        kept = [
            Path(host.versions.folder, name).read_bytes()
            for name in os.listdir(host.versions.folder)
        ]
        assert kept == [b"only copy"]  # what the file held is not thrown away

    async def test_a_copy_of_bytes_that_changed_meanwhile_is_not_used(
        self, open_session: Any, jp_serverapp: Any, jp_root_dir: Path
    ) -> None:
        from jupyter_wopi.files.io import AtomicWriter
        from jupyter_wopi.host import locking
        from jupyter_wopi.host.saving import commit_put_file
        from jupyter_wopi.host.versions import precopy
        from jupyter_wopi.wopi.tokens import TokenClaims

        host = jp_serverapp.web_app.settings["jupyter_wopi"]
        doc = await open_session("moving.docx", b"copied early")
        fid = doc["file_id"]
        await host.state.write(lambda store: locking.lock(store, fid, fid, "Ada"))
        copied = await precopy(host, doc["file_id"], str(jp_root_dir / "moving.docx"))
        assert copied is not None
        (jp_root_dir / "moving.docx").write_bytes(b"written meanwhile")  # a kernel
        writer = AtomicWriter(str(jp_root_dir))
        writer.write(b"saved")
        file = await host.files.resolve(doc["file_id"])
        claims = TokenClaims(doc["file_id"], "ada", "Ada", True, 0)
        await commit_put_file(
            host, file, claims, writer, lock_id=fid, loaded_stamp=None, copied=copied
        )
        [version] = await host.state.read(lambda store: store.versions_of(doc["file_id"]))
        assert Path(host.versions.path(version.blob)).read_bytes() == b"written meanwhile"
        assert not Path(host.versions.path(copied.blob)).exists()

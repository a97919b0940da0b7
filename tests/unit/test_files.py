"""The byte layer (files.py): versions from stat, atomic writes that never leak a descriptor,
and the sweep of temporary files left by a crash, which must never touch anybody's work."""

from __future__ import annotations

import io
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from jupyter_wopi.files.io import (
    STALE_TEMP_SECONDS,
    TEMP_PREFIX,
    AtomicWriter,
    read_chunks,
    remove_stale_temp_files,
)
from jupyter_wopi.wopi.file_state import FileState, iso_timestamp


def age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_the_sweep_removes_only_our_temp_files_left_longer_than_an_hour(tmp_path: Path) -> None:
    assert STALE_TEMP_SECONDS == 3600  # documented: "removed after an hour"
    stale = tmp_path / f"{TEMP_PREFIX}0123456789abcdef.tmp"
    stale.write_bytes(b"crash leftover")
    age(stale, 3600.5)
    in_progress = tmp_path / f"{TEMP_PREFIX}fedcba9876543210.tmp"
    in_progress.write_bytes(b"a co-editor's upload, still arriving")
    age(in_progress, 3599.5)
    users = [
        tmp_path / "notes.tmp",
        tmp_path / ".~lock.report.docx#",
        tmp_path / "~jupyter_wopi.x.tmp",
    ]
    users.append(tmp_path / f"{TEMP_PREFIX}keep.tmp.docx")  # not ending in .tmp: not ours
    for path in users:
        path.write_bytes(b"the user's own file")
        age(path, 10 * 3600)
    # Never a folder or a link, whatever its name and age (we make neither).
    (tmp_path / f"{TEMP_PREFIX}dir.tmp").mkdir()
    link = tmp_path / f"{TEMP_PREFIX}link.tmp"
    link.symlink_to(users[0])
    then = time.time() - 10 * 3600
    os.utime(link, (then, then), follow_symlinks=False)
    remove_stale_temp_files(str(tmp_path))
    assert not stale.exists()
    assert in_progress.read_bytes() == b"a co-editor's upload, still arriving"
    assert all(path.read_bytes() == b"the user's own file" for path in users)
    assert (tmp_path / f"{TEMP_PREFIX}dir.tmp").is_dir() and link.is_symlink()


def test_a_new_writer_sweeps_its_folder(tmp_path: Path) -> None:
    stale = tmp_path / f"{TEMP_PREFIX}0123456789abcdef.tmp"
    stale.write_bytes(b"x")
    age(stale, STALE_TEMP_SECONDS + 1)
    writer = AtomicWriter(str(tmp_path))
    writer.discard()
    assert list(tmp_path.iterdir()) == []


def open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("ending", ["replace", "create", "create-taken", "discard"])
def test_the_temp_file_descriptor_is_closed_however_the_write_ends(
    tmp_path: Path, ending: str
) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"old")
    before = open_descriptors()
    writer = AtomicWriter(str(tmp_path))
    writer.write(b"new bytes")
    writer.flush()
    assert writer.size == len(b"new bytes")
    if ending == "replace":
        writer.replace(str(target))
        assert target.read_bytes() == b"new bytes"
    elif ending == "create":
        assert writer.create(str(tmp_path / "copy.docx")) is not None
        assert (tmp_path / "copy.docx").read_bytes() == b"new bytes"
    elif ending == "create-taken":
        assert writer.create(str(target)) is None
        assert target.read_bytes() == b"old"
        writer.discard()
    else:
        writer.discard()
    assert open_descriptors() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_replace_keeps_the_permission_bits_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    writer = AtomicWriter(str(tmp_path))
    writer.write(b"new")
    st = writer.replace(str(target))
    assert st.st_mode & 0o777 == 0o640 and st.st_ino == target.stat().st_ino


def test_new_files_get_the_usual_mode_for_new_files(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        writer = AtomicWriter(str(tmp_path))
        writer.write(b"x")
        st = writer.create(str(tmp_path / "new.docx"))
    finally:
        os.umask(umask)
    assert st is not None and st.st_mode & 0o777 == 0o640
    assert st.st_uid == os.geteuid()


def test_state_follows_the_real_stat(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(b"12345")
    os.utime(path, ns=(0, 1_700_000_000_123_456_789))
    st = os.stat(path)
    state = FileState.from_stat(st)
    assert state.size == 5
    assert state.last_modified == "2023-11-14T22:13:20.1234567Z"
    assert state.last_modified == iso_timestamp(st.st_mtime_ns)
    stamp = datetime.strptime(state.last_modified[:19], "%Y-%m-%dT%H:%M:%S")
    assert stamp.replace(tzinfo=timezone.utc).timestamp() == int(st.st_mtime)
    assert state.content_stamp == f"{st.st_mtime_ns:x}.{st.st_size:x}.{st.st_ino:x}"
    assert state.version == f"{state.content_stamp}.{st.st_ctime_ns:x}"


def test_bytes_are_durable_before_they_become_visible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    (tmp_path / "report.docx").write_bytes(b"old")
    for finish in ("replace", "create"):
        synced.clear()
        writer = AtomicWriter(str(tmp_path))
        writer.write(b"new")
        writer.flush()
        assert synced == [writer.temp_path]  # the file's bytes, before any rename
        if finish == "replace":
            writer.replace(str(tmp_path / "report.docx"))
        else:
            writer.create(str(tmp_path / "copy.docx"))
        assert synced == [writer.temp_path, str(tmp_path)]  # then the folder's new entry


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_replace_keeps_the_owner_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "theirs.docx"
    target.write_bytes(b"old")
    os.chown(target, 65534, 65534)
    writer = AtomicWriter(str(tmp_path))
    writer.write(b"new")
    st = writer.replace(str(target))
    assert (st.st_uid, st.st_gid) == (65534, 65534)


async def test_closing_a_download_early_waits_for_the_read_in_flight(tmp_path: Path) -> None:
    """The file may be closed right after: no read may still be running on it."""
    finished: list[int] = []

    class SlowFile(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            time.sleep(0.2)
            data = super().read(size)
            finished.append(len(data))
            return data

    chunks = read_chunks(SlowFile(b"x" * 10), chunk_size=4)
    assert await chunks.__anext__() == b"xxxx"  # the second read is now in flight
    await chunks.aclose()
    assert finished == [4, 4]

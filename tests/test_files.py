"""The byte layer (files.py): versions from stat, atomic writes that never leak a descriptor,
and the sweep of temporary files left by a crash, which must never touch anybody's work."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from jupyter_wopi.files import (
    STALE_TEMP_SECONDS,
    TEMP_PREFIX,
    AtomicWriter,
    FileState,
    iso_timestamp,
    remove_stale_temp_files,
)


def age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_the_sweep_removes_only_our_temp_files_left_longer_than_an_hour(tmp_path: Path) -> None:
    stale = tmp_path / f"{TEMP_PREFIX}0123456789abcdef.tmp"
    stale.write_bytes(b"crash leftover")
    age(stale, STALE_TEMP_SECONDS + 60)
    in_progress = tmp_path / f"{TEMP_PREFIX}fedcba9876543210.tmp"
    in_progress.write_bytes(b"a co-editor's upload, still arriving")
    age(in_progress, STALE_TEMP_SECONDS - 60)
    users = [
        tmp_path / "notes.tmp",
        tmp_path / ".~lock.report.docx#",
        tmp_path / "~jupyter_wopi.x.tmp",
    ]
    users.append(tmp_path / f"{TEMP_PREFIX}keep.tmp.docx")  # not ending in .tmp: not ours
    for path in users:
        path.write_bytes(b"the user's own file")
        age(path, 10 * STALE_TEMP_SECONDS)
    (tmp_path / f"{TEMP_PREFIX}dir.tmp").mkdir()  # never a folder, whatever its name
    remove_stale_temp_files(str(tmp_path))
    assert not stale.exists()
    assert in_progress.read_bytes() == b"a co-editor's upload, still arriving"
    assert all(path.read_bytes() == b"the user's own file" for path in users)
    assert (tmp_path / f"{TEMP_PREFIX}dir.tmp").is_dir()


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

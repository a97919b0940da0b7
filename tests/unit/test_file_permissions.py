"""permissions.py: what the file system lets Jupyter do with a path, asked at each request."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_wopi.errors import Refused
from jupyter_wopi.files.permissions import (
    can_create_in,
    is_replaceable,
    is_writable,
    require_writable,
    write_access,
)


def test_a_writable_file_in_a_writable_folder(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(b"x")
    assert is_writable(str(path)) and is_replaceable(str(path)) and can_create_in(str(tmp_path))
    require_writable(str(path), "a.docx", "renamed")  # no refusal


@pytest.mark.parametrize("what", ["missing", "folder", "read-only file", "read-only folder"])
def test_what_is_not_writable(tmp_path: Path, what: str) -> None:
    path = tmp_path / "dir" / "a.docx"
    path.parent.mkdir()
    if what == "folder":
        path.mkdir()
    elif what != "missing":
        path.write_bytes(b"x")
    if what == "read-only file":
        path.chmod(0o444)
    if what == "read-only folder":
        path.parent.chmod(0o555)
    try:
        assert not is_writable(str(path)) and not is_replaceable(str(path))
        with pytest.raises(Refused) as err:
            require_writable(str(path), "a.docx", "deleted")
        assert err.value.status == 403
        assert err.value.message.startswith("a.docx cannot be deleted: the file or its folder")
    finally:
        path.parent.chmod(0o755)


def test_folders_where_nothing_may_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    (tmp_path / "locked").mkdir(mode=0o555)
    assert not can_create_in(str(tmp_path / "missing"))
    assert not can_create_in(str(tmp_path / "file"))
    assert not can_create_in(str(tmp_path / "locked"))


def test_a_link_is_writable_through_but_never_replaceable(tmp_path: Path) -> None:
    (tmp_path / "real.docx").write_bytes(b"x")
    (tmp_path / "link.docx").symlink_to("real.docx")
    assert is_writable(str(tmp_path / "link.docx"))  # a save writes the file it points to
    assert not is_replaceable(str(tmp_path / "link.docx"))  # an overwrite would cut it
    (tmp_path / "real.docx").chmod(0o444)
    assert not is_writable(str(tmp_path / "link.docx"))


def test_a_link_is_judged_by_the_folder_of_the_file_it_points_to(tmp_path: Path) -> None:
    """A save through a link replaces the file it points to, in that file's folder."""
    (tmp_path / "open").mkdir()
    (tmp_path / "sealed").mkdir()
    (tmp_path / "sealed" / "real.docx").write_bytes(b"x")
    (tmp_path / "open" / "real.docx").write_bytes(b"x")
    (tmp_path / "open" / "to-sealed.docx").symlink_to(tmp_path / "sealed" / "real.docx")
    (tmp_path / "sealed" / "to-open.docx").symlink_to(tmp_path / "open" / "real.docx")
    (tmp_path / "sealed").chmod(0o555)
    try:
        into_sealed = str(tmp_path / "open" / "to-sealed.docx")
        into_open = str(tmp_path / "sealed" / "to-open.docx")
        assert not is_writable(into_sealed) and is_writable(into_open)
        assert write_access(into_sealed) == (False, True)  # may not save; may add files beside
        assert write_access(into_open) == (True, False)
        plain = str(tmp_path / "open" / "real.docx")
        assert write_access(plain) == (True, True)
    finally:
        (tmp_path / "sealed").chmod(0o755)

"""saving.py's rules where HTTP cannot reach them reliably: a file that vanishes between
the request's checks and the commit, and the bounded search for a free copy name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from support.wopi_client import WopiClient

from jupyter_wopi.errors import Refused
from jupyter_wopi.files.io import AtomicWriter
from jupyter_wopi.host.saving import commit_put_file, create_unique
from jupyter_wopi.wopi.names import MAX_NUMBERED_NAMES, numbered
from jupyter_wopi.wopi.tokens import TokenClaims


def writer_of(folder: Path, data: bytes) -> AtomicWriter:
    writer = AtomicWriter(str(folder))
    writer.write(data)
    return writer


def test_a_free_name_is_searched_up_to_name_1000_and_no_further(tmp_path: Path) -> None:
    assert MAX_NUMBERED_NAMES == 1000
    names = ["copy.docx", *(numbered("copy.docx", n) for n in range(2, 1000))]
    for name in names:
        (tmp_path / name).touch()
    assert create_unique(writer_of(tmp_path, b"x"), str(tmp_path), "copy.docx") == (
        "copy (1000).docx"
    )
    writer = writer_of(tmp_path, b"y")
    with pytest.raises(Refused) as err:
        create_unique(writer, str(tmp_path), "copy.docx")
    writer.discard()
    assert err.value.status == 409
    assert not (tmp_path / "copy (1001).docx").exists()


async def test_a_file_that_vanishes_just_before_the_commit_is_kept_as_a_copy(
    jp_serverapp: Any, open_session: Any, wopi: WopiClient, jp_root_dir: Path
) -> None:
    host = jp_serverapp.web_app.settings["jupyter_wopi"]
    doc = await open_session("report.docx", b"v1")
    await wopi.check_file_info(doc["file_id"], doc["access_token"])  # remembers where it is
    file = await host.files.resolve(doc["file_id"])
    (jp_root_dir / "report.docx").unlink()  # after the request's checks
    claims = TokenClaims(doc["file_id"], "ada", "Ada", True, 0)
    result = await commit_put_file(
        host, file, claims, writer_of(jp_root_dir, b"saved"), lock_id=None, loaded_stamp=None
    )
    [copy] = [p for p in jp_root_dir.iterdir() if "(conflict " in p.name]
    assert copy.read_bytes() == b"saved"
    assert result.last_modified and result.version
    assert not (jp_root_dir / "report.docx").exists()
    last = await host.state.read(lambda store: store.last_save(doc["file_id"]))
    assert os.path.basename(last.kept_as) == copy.name

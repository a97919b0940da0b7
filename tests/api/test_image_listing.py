"""`GET api/wopi/images?folder=`: the workspace's images a picker offers (issue 22, items 1
and 5): image files in and below a folder, newest first, nothing hidden, nothing outside
the root, and no file reached twice or through a linked folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from support.images import GIF, JPEG, png

from jupyter_wopi.host.image_listing import ImageFolder, list_images


async def listing(jp_fetch: Any, **params: str) -> tuple[int, dict[str, Any]]:
    response = await jp_fetch("api", "wopi", "images", params=params, raise_error=False)
    return response.code, json.loads(response.body)


def put(path: Path, data: bytes, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))


async def test_images_in_and_below_a_folder_newest_first(jp_fetch: Any, jp_root_dir: Path) -> None:
    put(jp_root_dir / "old.png", png(b"old"), 1_000)
    put(jp_root_dir / "figs" / "new.JPG", JPEG, 3_000)
    put(jp_root_dir / "figs" / "deep" / "mid.gif", GIF, 2_000)
    put(jp_root_dir / "figs" / "notes.txt", b"not an image", 4_000)
    put(jp_root_dir / "figs" / "plot.svg", b"<svg/>", 5_000)  # ONLYOFFICE takes no SVG URL
    code, answer = await listing(jp_fetch)
    assert code == 200
    assert [i["path"] for i in answer["images"]] == ["figs/new.JPG", "figs/deep/mid.gif", "old.png"]
    assert answer["folder"] == "" and answer["truncated"] is False
    first = answer["images"][0]
    assert first == {
        "path": "figs/new.JPG",
        "name": "new.JPG",
        "size": len(JPEG),
        "modified_at": 3_000,
        "content_type": "image/jpeg",
    }
    code, answer = await listing(jp_fetch, folder="figs/")
    assert code == 200 and answer["folder"] == "figs"
    assert [i["path"] for i in answer["images"]] == ["figs/new.JPG", "figs/deep/mid.gif"]


async def test_the_limit_keeps_the_newest_and_says_there_are_more(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    for n in range(7):
        put(jp_root_dir / f"f{n}.png", png(bytes([n])), 1_000 + n)
    code, answer = await listing(jp_fetch, limit="3")
    assert code == 200 and answer["truncated"] is True
    assert [i["name"] for i in answer["images"]] == ["f6.png", "f5.png", "f4.png"]
    code, answer = await listing(jp_fetch, limit="7")
    assert len(answer["images"]) == 7 and answer["truncated"] is False
    for bad in ("0", "1001", "many", "-3"):
        code, answer = await listing(jp_fetch, limit=bad)
        assert code == 400 and "limit must be a whole number from 1 to 1000" in answer["message"]


async def test_hidden_files_and_folders_are_not_listed(jp_fetch: Any, jp_root_dir: Path) -> None:
    put(jp_root_dir / ".secret.png", png(), 1_000)
    put(jp_root_dir / ".hidden" / "a.png", png(), 1_000)
    put(jp_root_dir / ".jupyter_wopi-versions" / "b.png", png(), 1_000)
    put(jp_root_dir / "shown.png", png(), 1_000)
    code, answer = await listing(jp_fetch)
    assert [i["path"] for i in answer["images"]] == ["shown.png"]
    code, answer = await listing(jp_fetch, folder=".hidden")
    assert code == 404 and "not hidden" in answer["message"]


@pytest.mark.parametrize("folder", ["..", "../", "a/../..", "nowhere", "shown.png", "/etc"])
async def test_a_folder_outside_the_root_or_not_a_folder_is_refused(
    jp_fetch: Any, jp_root_dir: Path, folder: str
) -> None:
    put(jp_root_dir / "shown.png", png(), 1_000)
    (jp_root_dir / "a").mkdir()
    code, answer = await listing(jp_fetch, folder=folder)
    assert code == 404, answer
    assert answer["message"].startswith(f"There is no folder {folder.strip('/')} that Jupyter")


async def test_links_never_reach_outside_the_root_nor_loop(
    jp_fetch: Any, jp_root_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    put(outside / "private.png", png(b"private"), 1_000)
    put(jp_root_dir / "figs" / "inside.png", png(), 2_000)
    (jp_root_dir / "to-outside.png").symlink_to(outside / "private.png")
    (jp_root_dir / "outside-folder").symlink_to(outside, target_is_directory=True)
    (jp_root_dir / "figs" / "loop").symlink_to(jp_root_dir, target_is_directory=True)
    (jp_root_dir / "alias.png").symlink_to(jp_root_dir / "figs" / "inside.png")
    code, answer = await listing(jp_fetch)
    assert code == 200
    # a link to a file inside stays (the URL is checked again when issued); nothing else
    assert sorted(i["path"] for i in answer["images"]) == ["alias.png", "figs/inside.png"]
    code, answer = await listing(jp_fetch, folder="outside-folder")
    assert code == 404
    code, answer = await listing(jp_fetch, folder="figs/loop")  # the root, named through a link
    assert code == 200 and answer["folder"] == "figs/loop"


async def test_listing_needs_a_jupyter_login(jp_fetch: Any, jp_root_dir: Path) -> None:
    put(jp_root_dir / "shown.png", png(), 1_000)
    response = await jp_fetch(
        "api", "wopi", "images", headers={"Authorization": ""}, raise_error=False
    )
    assert response.code == 403


def test_a_huge_tree_answers_within_its_scan_budget(tmp_path: Path) -> None:
    for n in range(10):
        put(tmp_path / f"a{n}.png", png(), 1_000 + n)
    for n in range(30):
        put(tmp_path / f"d{n:02}" / "a.png", png(), 1_000 + n)
    root = os.path.realpath(tmp_path)
    answer = list_images(ImageFolder(root, root, ""), limit=100, max_scanned=25)
    assert answer["truncated"] is True  # 10 images, 15 folders seen; the rest never looked at
    assert len(answer["images"]) == 10
    whole = list_images(ImageFolder(root, root, ""), limit=100)
    assert len(whole["images"]) == 40 and whole["truncated"] is False


def test_an_unreadable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put(tmp_path / "locked" / "a.png", png(), 1_000)
    put(tmp_path / "open" / "b.png", png(), 1_000)
    root = os.path.realpath(tmp_path)
    scandir = os.scandir

    def refusing(path: str) -> Any:
        if path.endswith("locked"):  # as for a user without the folder's read permission
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    answer = list_images(ImageFolder(root, root, ""))
    assert [i["path"] for i in answer["images"]] == ["open/b.png"]

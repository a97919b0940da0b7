"""The workspace's images that ONLYOFFICE can insert, for the lab's picker and the host
page: the image files in and below a folder, newest first. A listing only names files; a
URL for one is issued (and its bytes checked) by `images.offer_workspace_image`."""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass

from ..errors import Refused
from ..files.ids import FileResolver
from ..wire import ImageListJson, WorkspaceImageJson

# What ONLYOFFICE inserts from a URL (BMP, GIF, JPEG, PNG), by extension.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
}
DEFAULT_LIMIT = 200
MAX_LIMIT = 1000
MAX_SCANNED = 20_000  # folder entries looked at, at most: a huge tree answers in time


@dataclass(frozen=True)
class ImageFolder:
    """Where to look: the root's real path, the folder's real path and its API path."""

    root: str
    folder: str
    api_folder: str
    allow_hidden: bool = False


def image_folder(files: FileResolver, api_folder: str) -> ImageFolder:
    """The folder at `api_folder` ("" for the root) if the host may list it: a plain path
    to a folder inside the root, not hidden; Refused(404) with a sentence otherwise."""
    api_folder = api_folder.strip("/")
    parts = api_folder.split("/") if api_folder else []
    allow_hidden = bool(files.contents_manager.allow_hidden)
    root = os.path.realpath(files.os_path(""))
    real = files.real_api_path(api_folder) if api_folder else ""
    plain = all(part not in ("", ".", "..") for part in parts)
    visible = allow_hidden or not any(part.startswith(".") for part in parts)
    folder = os.path.join(root, real) if real is not None else ""
    if real is None or not plain or not visible or not os.path.isdir(folder):
        raise Refused(
            404,
            f"There is no folder {api_folder} that Jupyter may show: images are listed from "
            "folders inside the server's folder that are not hidden.",
        )
    return ImageFolder(root, os.path.realpath(folder), api_folder, allow_hidden)


def list_images(
    where: ImageFolder, limit: int = DEFAULT_LIMIT, max_scanned: int = MAX_SCANNED
) -> ImageListJson:
    """The newest `limit` image files in and below the folder. Hidden names are skipped
    (unless the server shows hidden files), and so are folders reached through a symbolic
    link (no loops, nothing outside the root); a linked file is listed where it stays
    inside the root. Blocking: run it in a thread."""
    newest: list[tuple[float, str, WorkspaceImageJson]] = []  # a min-heap of `limit`
    found = scanned = 0
    pending = [where.folder]
    while pending and scanned < max_scanned:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # unreadable: what the user cannot list, the picker does not show
        for entry in sorted(entries, key=lambda e: e.name):
            scanned += 1
            if scanned > max_scanned:
                break
            if entry.name.startswith(".") and not where.allow_hidden:
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
                continue
            image = _image(where, entry)
            if image is None:
                continue
            found += 1
            item = (image["modified_at"], image["path"], image)
            if len(newest) < limit:
                heapq.heappush(newest, item)
            elif item[:2] > newest[0][:2]:
                heapq.heapreplace(newest, item)
    images = [image for _, _, image in sorted(newest, key=lambda i: i[:2], reverse=True)]
    return {
        "folder": where.api_folder,
        "images": images,
        "truncated": found > len(images) or bool(pending) or scanned > max_scanned,
    }


def _image(where: ImageFolder, entry: os.DirEntry[str]) -> WorkspaceImageJson | None:
    content_type = IMAGE_TYPES.get(os.path.splitext(entry.name)[1].lower())
    if content_type is None:
        return None
    try:
        if not entry.is_file(follow_symlinks=True):
            return None
        info = entry.stat(follow_symlinks=True)
    except OSError:
        return None
    if entry.is_symlink() and not _inside(where.root, os.path.realpath(entry.path)):
        return None
    relative = os.path.relpath(entry.path, where.root).replace(os.sep, "/")
    return {
        "path": relative,
        "name": entry.name,
        "size": info.st_size,
        "modified_at": info.st_mtime,
        "content_type": content_type,
    }


def _inside(root: str, real_path: str) -> bool:
    return real_path.startswith(root.rstrip(os.sep) + os.sep)

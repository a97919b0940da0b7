"""Image capabilities: the short-lived, few-times URLs that let ONLYOFFICE (its server, and
perhaps the browser) download one chosen image without any login (spec §6,
Action_InsertGraphic; client-behavior §10). A capability names a notebook output's bytes,
held in memory only until it expires or is used up, or a workspace image file, checked by
the `FileResolver` rules when issued and again at each download and streamed from disk then.

The secret is a dictionary key only (hashed, so a lookup's timing says nothing about it),
never part of a path; expired capabilities are dropped on each issue and download, so what
the shelf holds stays bounded: `held_bytes` at most, `max_count` capabilities at most, the
oldest dropped first."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import os
import re
import secrets
import stat
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import Refused
from ..files.ids import FileNotFound, FileRef, FileResolver

SECRET_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32), nothing else
SNIFF_BYTES = 512  # enough for every signature below and for an SVG's opening tag

# The formats ONLYOFFICE inserts from a URL (BMP, GIF, JPEG, PNG): type and extension.
PNG = ("image/png", "png")
JPEG = ("image/jpeg", "jpg")
GIF = ("image/gif", "gif")
BMP = ("image/bmp", "bmp")
BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}  # BITMAPCOREHEADER … BITMAPV5HEADER

NOT_FOUND = (
    "This image link is unknown, has expired or was used up: insert the image again from the lab."
)


def sniff(head: bytes) -> tuple[str, str]:
    """The content type and extension of an image from its first bytes (its magic numbers,
    never a name or a client's word); Refused(415) with a sentence for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if (
        head.startswith(b"BM")
        and len(head) >= 18
        and int.from_bytes(head[14:18], "little") in BMP_HEADER_SIZES
    ):
        return BMP
    if looks_like_svg(head):
        # ONLYOFFICE said its editors insert BMP, GIF, JPEG and PNG only
        # (ONLYOFFICE/onlyoffice-nextcloud#817, 2023); whether 9.3 inserts an SVG from an
        # Action_InsertGraphic URL is documented nowhere (shared/spec says nothing).
        raise Refused(
            415,
            "SVG images cannot be inserted into ONLYOFFICE documents from Jupyter: export the "
            'figure as PNG (for example fig.savefig("figure.png", format="png", dpi=200)) '
            "and insert that.",
        )
    raise Refused(
        415,
        "Only PNG, JPEG, GIF and BMP images can be inserted into ONLYOFFICE documents: "
        "these bytes are none of them; save the figure as PNG and insert that.",
    )


def looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) and b"<svg" in text


def too_large(size: int, limit: int) -> Refused:
    return Refused(
        413,
        f"This image is {size} bytes, more than the {limit} bytes an image inserted from "
        f"Jupyter may have (the setting image_max_bytes, env JUPYTER_WOPI_IMAGE_MAX_BYTES); "
        "save a smaller image (a lower dpi) or ask the administrator to raise it.",
    )


def decode_image(data: str, limit: int) -> bytes:
    """An image sent as base64: its bytes, refused before decoding when too large."""
    if len(data) > (limit + 2) // 3 * 4 + 4:
        raise too_large(len(data) // 4 * 3, limit)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as err:
        raise Refused(400, f"The image's data is not base64: {err}.") from err


@dataclass(frozen=True)
class ImageLimits:
    ttl: float = 300.0  # seconds a capability lives (image_url_ttl)
    downloads: int = 3  # downloads each allows: ONLYOFFICE's, its retry, the browser's
    max_bytes: int = 20 * 1024 * 1024  # largest image (image_max_bytes)
    max_count: int = 1000  # capabilities held at most, the oldest dropped first

    @property
    def held_bytes(self) -> int:
        """Notebook outputs' bytes held in memory together at most, the oldest dropped."""
        return 10 * self.max_bytes


@dataclass
class Capability:
    """What one secret opens: bytes held here, or a workspace file read at each download."""

    content_type: str
    name: str  # for Content-Disposition
    size: int
    expires_at: float  # seconds since the epoch
    downloads_left: int
    data: bytes | None = None
    api_path: str | None = None


@dataclass(frozen=True)
class Issued:
    """A capability just issued: its secret (for the URL) and what the lab is told."""

    secret: str
    expires_at: float
    downloads: int
    content_type: str
    size: int


def _key(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("ascii")).digest()


@dataclass
class ImageShelf:
    """The image capabilities this server issued, in memory, oldest first."""

    limits: ImageLimits = field(default_factory=ImageLimits)
    clock: Callable[[], float] = time.time
    _held: OrderedDict[bytes, Capability] = field(default_factory=OrderedDict)
    _bytes: int = 0

    @property
    def held_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._held)

    def hold_bytes(self, data: bytes, name: str = "") -> Issued:
        """A capability for a notebook output's bytes (checked here: size, then format)."""
        if len(data) > self.limits.max_bytes:
            raise too_large(len(data), self.limits.max_bytes)
        content_type, extension = sniff(data[:SNIFF_BYTES])
        return self._issue(
            Capability(
                content_type, file_name(name, extension), len(data), 0.0, 0, data=bytes(data)
            )
        )

    def hold_file(self, api_path: str, content_type: str, size: int) -> Issued:
        """A capability for a workspace file the caller checked (`offer_workspace_image`)."""
        name = api_path.rsplit("/", 1)[-1]
        return self._issue(Capability(content_type, name, size, 0.0, 0, api_path=api_path))

    def _issue(self, capability: Capability) -> Issued:
        self.purge()
        size = len(capability.data) if capability.data is not None else 0
        self._make_room(size)
        secret = secrets.token_urlsafe(32)
        capability.expires_at = self.clock() + self.limits.ttl
        capability.downloads_left = self.limits.downloads
        self._held[_key(secret)] = capability
        self._bytes += size
        return Issued(
            secret,
            capability.expires_at,
            capability.downloads_left,
            capability.content_type,
            capability.size,
        )

    def _make_room(self, size: int) -> None:
        """Drop the oldest capabilities until one more fits (count and bytes held)."""
        while len(self._held) >= self.limits.max_count:
            self._drop(next(iter(self._held)))
        if self._bytes + size > self.limits.held_bytes:
            for key in [k for k, c in self._held.items() if c.data is not None]:
                self._drop(key)
                if self._bytes + size <= self.limits.held_bytes:
                    break

    def purge(self) -> None:
        """Drop every expired capability (issued in order with one ttl: the oldest first)."""
        now = self.clock()
        while self._held:
            key, capability = next(iter(self._held.items()))
            if capability.expires_at > now:
                break
            self._drop(key)

    def peek(self, secret: str) -> Capability | None:
        """The capability a secret opens, without counting a download (HEAD)."""
        self.purge()
        if not SECRET_RE.fullmatch(secret):
            return None
        return self._held.get(_key(secret))

    def take(self, secret: str) -> Capability | None:
        """The capability a secret opens, counting one download; None for a secret unknown,
        expired or used up (the same, so that nobody learns which)."""
        capability = self.peek(secret)
        if capability is None:
            return None
        capability.downloads_left -= 1
        if capability.downloads_left <= 0:
            self._drop(_key(secret))
        return capability

    def _drop(self, key: bytes) -> None:
        capability = self._held.pop(key)
        if capability.data is not None:
            self._bytes -= len(capability.data)


NAME_RE = re.compile(r"[^A-Za-z0-9._ -]+")


def file_name(name: str, extension: str) -> str:
    """A download name from what the lab sent: plain characters, the sniffed extension."""
    stem = NAME_RE.sub("_", name.rsplit("/", 1)[-1]).strip(" ._")[:80]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return f"{stem or 'image'}.{extension}"


# -- workspace images ------------------------------------------------------------------------


@dataclass
class OpenImage:
    """A workspace image opened for a download: its bytes are read from `stream`."""

    stream: BinaryIO
    content_type: str
    size: int


async def offer_workspace_image(files: FileResolver, shelf: ImageShelf, api_path: str) -> Issued:
    """A capability for the image file at `api_path`, if the host may serve it (inside the
    root, not hidden, a regular file) and it is an image ONLYOFFICE inserts, small enough."""
    file = await _servable(files, api_path)
    image = open_checked(files, file.os_path, shelf.limits.max_bytes)
    image.stream.close()
    return shelf.hold_file(file.api_path, image.content_type, image.size)


async def read_workspace_image(
    files: FileResolver, api_path: str, max_bytes: int
) -> tuple[bytes, str]:
    """The bytes and name of the image file at `api_path`, checked as for a capability: for
    a host that serves the image itself (a team document's service)."""
    file = await _servable(files, api_path)
    image = open_checked(files, file.os_path, max_bytes)
    with image.stream:
        data = await asyncio.to_thread(image.stream.read, max_bytes + 1)
    if len(data) > max_bytes:  # it grew since it was opened
        raise too_large(len(data), max_bytes)
    return data, file.api_path.rsplit("/", 1)[-1]


async def _servable(files: FileResolver, api_path: str) -> FileRef:
    try:
        return await files.check("", api_path)
    except FileNotFound as err:
        raise Refused(
            404,
            f"There is no image at {api_path} that Jupyter may serve: only regular files "
            "inside the server's folder that are not hidden can be inserted.",
        ) from err


async def open_workspace_image(
    files: FileResolver, api_path: str, max_bytes: int
) -> OpenImage | None:
    """The file of a capability, checked again as at issue (it may have been replaced by a
    link leaving the root, hidden, or changed into another kind of file since); None if
    the host may no longer serve it as an image."""
    try:
        file = await files.check("", api_path)
        return open_checked(files, file.os_path, max_bytes)
    except (FileNotFound, Refused, OSError):
        return None


def open_checked(files: FileResolver, os_path: str, max_bytes: int) -> OpenImage:
    """Open a checked file where it really is, then make sure that what was opened is a
    regular file inside the root (the path may have changed between the check and the
    open), small enough and an image. Raises FileNotFound or Refused (413, 415)."""
    real = os.path.realpath(os_path)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        raise FileNotFound("the image cannot be opened") from err
    stream = os.fdopen(fd, "rb")
    try:
        info = os.fstat(fd)
        opened = _opened_path(fd) or real
        if not stat.S_ISREG(info.st_mode) or not _inside(files, opened):
            raise FileNotFound("not a regular file inside the server root")
        if info.st_size > max_bytes:
            raise too_large(info.st_size, max_bytes)
        content_type, _ = sniff(stream.read(SNIFF_BYTES))
        stream.seek(0)
    except BaseException:
        stream.close()
        raise
    return OpenImage(stream, content_type, info.st_size)


def _opened_path(fd: int) -> str | None:
    """Where an open file really is (Linux), whatever happened to its path since."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def _inside(files: FileResolver, real_path: str) -> bool:
    relative = os.path.relpath(real_path, os.path.realpath(files.os_path("")))
    return relative not in (".", "..") and not relative.startswith(".." + os.sep)

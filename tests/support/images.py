"""Small images of each format ONLYOFFICE inserts, made here (no data files)."""

from __future__ import annotations

import struct
import zlib

from jupyter_wopi.host.images import ImageShelf, MemoryLedger


def held(images: ImageShelf) -> MemoryLedger:
    """The in-memory ledger of a host's image URLs (a host on SQLite state keeps them there)."""
    ledger = images.ledger
    assert isinstance(ledger, MemoryLedger), ledger
    return ledger


def png(payload: bytes = b"") -> bytes:
    """A real 1×1 PNG (plus an ancillary chunk carrying `payload`, to vary its size)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"c\x00" + payload)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16
BMP = b"BM" + b"\x00" * 12 + struct.pack("<I", 40) + b"\x00" * 40

"""File names in WOPI headers: UTF-7 decoding (spec §5.7), validation and derivation."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime

MAX_NAME_LENGTH = 250  # FileNameMaxLength we advertise (spec §5.2)
MAX_NAME_BYTES = 255  # what Linux and macOS file systems allow for one path segment
MAX_NUMBERED_NAMES = 1000  # `name (1000)` is the last name tried for a copy
_ILLEGAL_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}


class InvalidName(ValueError):
    """The name cannot be used; the message is sent as `X-WOPI-InvalidFileNameError`."""


def decode_utf7(value: str) -> str:
    """Decode a UTF-7 header value (RFC 2152, spec §5.7)."""
    try:
        return value.encode("ascii").decode("utf-7")
    except (UnicodeEncodeError, UnicodeDecodeError) as err:
        raise InvalidName("The file name header is not valid UTF-7.") from err


def encode_utf7(value: str) -> str:
    return value.encode("utf-7").decode("ascii")


def check_name(name: str) -> str:
    """Return `name` if it is a legal file name for every platform Jupyter runs on."""
    if not name or name.strip() != name or name.endswith("."):
        raise InvalidName("File names cannot be empty or start or end with spaces or dots.")
    if name in (".", "..") or name.startswith("."):
        raise InvalidName("File names cannot start with a dot (that would hide the file).")
    if _ILLEGAL_CHARS.search(name):
        raise InvalidName('File names cannot contain \\ / : * ? " < > | or control characters.')
    if any(_is_invisible(char) for char in name):
        raise InvalidName(
            "File names cannot contain invisible formatting characters (text-direction "
            "overrides, zero-width characters, byte-order marks): they can disguise a file's "
            "real name or extension."
        )
    if name.split(".")[0].upper() in _RESERVED:
        raise InvalidName(f"{name.split('.')[0]} is a reserved device name.")
    if len(name) > MAX_NAME_LENGTH or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise InvalidName(f"File names are limited to {MAX_NAME_LENGTH} characters.")
    return name


def sanitize_name(name: str, fallback_stem: str) -> str:
    """Turn a suggested name into a legal one (suggested mode must never fail, spec §5.5)."""
    stem, ext = os.path.splitext(without_invisible(name).strip())
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,16}", ext):
        stem, ext = name.strip(), ""
    stem = _ILLEGAL_CHARS.sub("_", stem).strip(" .") or fallback_stem
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"{stem}_"
    while len((stem + ext).encode("utf-8")) > MAX_NAME_BYTES - 8 or len(stem + ext) > 200:
        stem = stem[:-1]
    return check_name(stem + ext)


def candidates(name: str) -> Iterator[str]:
    """The names tried in turn for a new file: `name`, then `name (2)` … `name (1000)`."""
    yield name
    for n in range(2, MAX_NUMBERED_NAMES + 1):
        yield numbered(name, n)


def numbered(name: str, n: int) -> str:
    """`report.docx`, 2 → `report (2).docx`."""
    stem, ext = os.path.splitext(name)
    return f"{stem} ({n}){ext}"


def _is_invisible(char: str) -> bool:
    # Unicode's format characters (category Cf): bidi overrides and isolates (U+202A–202E,
    # U+2066–2069), zero-width space/joiners (U+200B–200D, U+2060), the BOM (U+FEFF)...
    return unicodedata.category(char) == "Cf"


def without_invisible(text: str) -> str:
    return "".join(char for char in text if not _is_invisible(char))


def conflict_copy_name(name: str, user: str, when: datetime) -> str:
    """`report.docx` → `report (conflict 2026-11-27 13-37-41 alice).docx` (documented)."""
    stem, ext = os.path.splitext(name)
    who = _ILLEGAL_CHARS.sub("_", without_invisible(user)).strip(" .")[:40] or "editor"
    return f"{stem} (conflict {when:%Y-%m-%d %H-%M-%S} {who}){ext}"

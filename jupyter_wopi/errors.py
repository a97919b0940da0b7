"""Refusals: the status, the sentence and the WOPI headers of a request we turn down."""

from __future__ import annotations

import errno


class Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class StartupError(Exception):
    """Something the host needs at start (a setting, its state, the hub) is missing or
    wrong: the message names it and the setting that fixes it."""


_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


def disk_refusal(error: OSError) -> Refused:
    """The answer for a file system error while serving a request: 507 when the disk or the
    quota is full (ONLYOFFICE then keeps the document and tries again on the next save), 500
    with the system's reason otherwise. The sentence never names a path (it goes to ONLYOFFICE)."""
    code = errno.errorcode.get(error.errno or 0, "unknown")
    reason = f"{error.strerror or error} ({code})"
    if error.errno in _NO_SPACE:
        return Refused(
            507,
            f"The disk holding this file is full or its quota is used up: {reason}. Nothing "
            "was saved and the file is unchanged; free some space and save again.",
        )
    if error.errno == errno.EROFS:
        return Refused(
            500, f"The file system holding this file is read-only: {reason}. Nothing was saved."
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return Refused(
            403, f"Jupyter's user may not change this file or its folder on disk: {reason}."
        )
    return Refused(500, f"The disk failed while handling this request: {reason}.")

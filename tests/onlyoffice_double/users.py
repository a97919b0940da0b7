"""One user of a document session as DS keeps it: the editor connection, its callback
entry (`userAuth` from the form POST + that user's CheckFileInfo) and the page's reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .jsutil import truthy


@dataclass
class PageEvent:
    """Something the editor page reported through `POST /__double/events`."""

    kind: str  # connect, sent, received, edit, disconnect, ...
    user_session_id: str
    message: dict[str, Any] | None = None


@dataclass
class EditorUser:
    """One editor connection and its callback entry (DS's `userAuth` + that user's
    CheckFileInfo)."""

    index: int  # DS's user index in the session (joining order, from 1); never changes
    wopi_src: str
    access_token: str
    access_token_ttl: int
    user_session_id: str
    mode: str  # final mode: "edit" or "view"
    forced_view_mode: bool
    file_info: dict[str, Any]
    query: dict[str, Any]
    connected: bool = True
    # editorConfig.customization.forcesave (docs_api_config): the editor's Save button sends
    # a force-save PutFile; without it DS keeps changes until the last editor leaves (§5.1).
    forcesave: bool = False
    closed_on_purpose: bool = False
    events: list[PageEvent] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)  # for the page to pick up

    @property
    def user_id(self) -> str:
        """UserId from CheckFileInfo (DS invents one when the host sends none)."""
        value = self.file_info.get("UserId")
        return str(value) if value not in (None, "") else f"uid-{self.index}"

    def user_auth(self) -> dict[str, Any]:
        """The JSON DS stores as the callback URL of this user (client-behavior §2.1)."""
        return {
            "wopiSrc": self.wopi_src,
            "access_token": self.access_token,
            "access_token_ttl": self.access_token_ttl,
            "userSessionId": self.user_session_id,
            "mode": self.mode,
            "forcedViewMode": self.forced_view_mode,
        }


def can_edit(file_info: dict[str, Any]) -> bool:
    """`UserCanOnlyComment || UserCanWrite || UserCanReview` (client-behavior §2.1 step 6)."""
    return any(
        truthy(file_info.get(k)) for k in ("UserCanOnlyComment", "UserCanWrite", "UserCanReview")
    )

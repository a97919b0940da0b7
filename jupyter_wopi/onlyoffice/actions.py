"""Which ONLYOFFICE action opens a file, and its URL for the browser (spec §2.3–§2.5)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .discovery import Discovery, DiscoveryAction, build_action_url, language_tag

Requested = Literal["edit", "view", "embed", "convert"]
EDIT_ACTIONS = {"edit", "editnew"}

# Posted with the token (spec §3.1 docs_api_config): the editor's Save button and Ctrl+S write
# to Jupyter (force-save) only with this on; without it ONLYOFFICE saves only when the last
# editor closes (client-behavior §5.1). The lab panel posts the same (labextension frame.ts).
DOCS_API_CONFIG = json.dumps({"editorConfig": {"customization": {"forcesave": True}}})


class UnsupportedFile(Exception):
    """ONLYOFFICE offers nothing for this file (or not what was asked)."""


@dataclass(frozen=True)
class EditorLaunch:
    action: str  # the discovery action: edit, editnew, view or convert
    mode: Literal["edit", "view", "convert"]
    action_url: str
    favicon_url: str
    onlyoffice_origin: str


def choose_action(
    discovery: Discovery, file_name: str, *, requested: Requested, can_write: bool, size: int
) -> DiscoveryAction:
    """Edit when writable and editable (editnew for an empty file), view otherwise, convert
    for legacy binary formats only on request."""
    ext = os.path.splitext(file_name)[1].lstrip(".").lower()
    if not discovery.actions_for(ext):
        raise UnsupportedFile(f"ONLYOFFICE Docs cannot open .{ext} files.")
    if requested == "convert":
        action = discovery.find(ext, "convert")
        if action is None:
            raise UnsupportedFile(f"ONLYOFFICE Docs cannot convert .{ext} files for editing.")
        return action
    if size == 0 and requested != "view" and discovery.find(ext, "editnew") is None:
        # ONLYOFFICE fills an empty file from its blank template for the type; without one
        # (txt, csv, odt...) it cannot open the file at all.
        raise UnsupportedFile(
            f"{file_name} is empty, and ONLYOFFICE Docs has no blank .{ext} template to start "
            "from. Write something into the file first, or create a .docx, .xlsx or .pptx."
        )
    wanted = ["editnew", "edit"] if size == 0 else ["edit"]
    # "embed": a preview inside a page (a notebook's output): ONLYOFFICE's embedded viewer.
    read_only = ["embedview", "view"] if requested == "embed" else ["view", "embedview"]
    candidates = (wanted if requested == "edit" and can_write else []) + read_only
    for name in candidates:
        action = discovery.find(ext, name)
        if action is not None:
            return action
    raise UnsupportedFile(f"ONLYOFFICE Docs offers no way to open .{ext} files.")


def launch(
    discovery: Discovery,
    action: DiscoveryAction,
    *,
    wopi_src: str,
    lab_locale: str | None,
    theme: Literal["light", "dark"] | None,
) -> EditorLaunch:
    url = build_action_url(
        action.urlsrc,
        wopi_src=wopi_src,
        ui_lang=language_tag(lab_locale),
        region=language_tag(lab_locale),
        theme=theme,
    )
    parts = urlsplit(url)
    name = action.name.lower()
    mode: Literal["edit", "view", "convert"] = (
        "edit" if name in EDIT_ACTIONS else "convert" if name == "convert" else "view"
    )
    return EditorLaunch(
        action=name,
        mode=mode,
        action_url=url,
        favicon_url=discovery.favicon_for(action) or "",
        onlyoffice_origin=f"{parts.scheme}://{parts.netloc}",
    )

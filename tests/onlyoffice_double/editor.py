"""The editor page (editor-wopi.ejs) and the conversion page (convert-and-edit-wopi.ejs).

No real editor runs: the page builds the same DocsAPI config as the template, shows a small
fake editor (buttons for Close, Edit, typing…) and speaks the same PostMessage protocol
(spec §6). It reports what it sends and receives to `POST /__double/events`, and picks up
Python-side signals (e.g. `session.edit()` → Edit_Notification) from `/__double/signals`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from typing import Any

from tornado import template

from .jsutil import deep_merge, drop_undefined, truthy
from .settings import Settings

_LOADER = template.Loader(os.path.join(os.path.dirname(__file__), "templates"), autoescape=None)
# Editor pages are served from /hosting/wopi/{type}/{mode}; like DS's "../../../web-apps"
# paths, relative URLs keep working behind a path prefix.
_ROOT_FROM_PAGE = "../../../"
JWT_SECRET = b"onlyoffice-double-browser-secret"


def script_json(value: Any) -> str:
    """JSON that is safe inside <script> (no "</script>", no HTML specials)."""
    text = json.dumps(drop_undefined(value), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(payload: dict[str, Any], expires_s: int = 300) -> str:
    """An HS256 JWT like DS's browser token (token.outbox, 5 min)."""
    now = int(time.time())
    claims = {**drop_undefined(payload), "iat": now, "exp": now + expires_s}
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(JWT_SECRET, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64url(signature)}"


def _folder(file_info: dict[str, Any], query: dict[str, Any]) -> Any:
    """getWopiFolder: BreadcrumbFolderName, else the folder part of a `title` query."""
    if truthy(file_info.get("BreadcrumbFolderName")):
        return file_info["BreadcrumbFolderName"]
    title = query.get("title")
    parts = title.split("/") if isinstance(title, str) else []
    return parts[-2] if len(parts) > 1 and parts[-2] else None


def editor_config(
    *,
    file_info: dict[str, Any],
    key: str,
    document_type: str,
    user_auth: dict[str, Any],
    query: dict[str, Any],
    docs_api_config: dict[str, Any],
    token: str,
) -> dict[str, Any]:
    """The DocsAPI.DocEditor config editor-wopi.ejs builds (client-behavior §2.2)."""
    q = query
    if q.get("embed") == "1":
        editor_type = "embedded"
    elif q.get("mobile") == "1":
        editor_type = "mobile"
    else:
        editor_type = "desktop"
    name = str(file_info.get("BaseFileName") or "")
    file_type = name.rpartition(".")[2] if "." in name else name
    if truthy(file_info.get("FileExtension")):
        file_type = str(file_info["FileExtension"])[1:]
    file_type = file_type.lower()
    close_visible = truthy(file_info.get("ClosePostMessage")) or truthy(file_info.get("CloseUrl"))
    save_as = (
        truthy(file_info.get("SupportsUpdate")) or truthy(file_info.get("UserCanWrite"))
    ) and not truthy(file_info.get("UserCanNotWriteRelative"))
    form_submit = q.get("formsubmit") == "1"
    edit = (
        not truthy(file_info.get("ReadOnly"))
        and truthy(file_info.get("UserCanWrite"))
        and not form_submit
    )
    if file_info.get("SupportsReviewing") is False or file_info.get("UserCanReview") is False:
        review: Any = False
    else:
        review = file_info.get("UserCanReview")
    if truthy(file_info.get("FileUrl")):
        url = file_info["FileUrl"]
    elif truthy(file_info.get("TemplateSource")):
        url = file_info["TemplateSource"]
    else:
        url = f"{user_auth['wopiSrc']}/contents?access_token={user_auth['access_token']}"
    max_length = file_info.get("FileNameMaxLength")
    theme = {"1": "default-light", "2": "default-dark"}.get(str(q.get("thm")))
    base: dict[str, Any] = {
        "width": "100%",
        "height": "100%",
        "editorConfig": {"customization": {"about": True}, "coEditing": {"change": False}},
    }
    config = deep_merge(base, docs_api_config)
    wopi_config = {
        "type": editor_type,
        "documentType": document_type,
        "token": token,
        "document": {
            "title": file_info.get("BreadcrumbDocName") or file_info.get("BaseFileName"),
            "url": url,
            "fileType": file_type,
            "key": key,
            "info": {"folder": _folder(file_info, q)},
            "permissions": {
                "edit": edit,
                "review": review,
                "copy": file_info.get("CopyPasteRestrictions")
                not in ("CurrentDocumentOnly", "BlockAll"),
                "print": not truthy(file_info.get("DisablePrint"))
                and not truthy(file_info.get("HidePrintOption")),
                "chat": q.get("dchat") != "1",
                "fillForms": edit or form_submit,
            },
        },
        "editorConfig": {
            "mode": user_auth["mode"],
            "lang": q.get("lang") or q.get("ui") or "en-US",
            "region": q.get("rs"),
            "callbackUrl": json.dumps(user_auth, separators=(",", ":")),
            "user": {
                "id": file_info.get("UserId"),
                "name": ""
                if truthy(file_info.get("IsAnonymousUser"))
                else file_info.get("UserFriendlyName"),
            },
            "customization": {
                "close": {"visible": close_visible},
                "goback": {"url": file_info.get("BreadcrumbFolderUrl")},
                "customer": {
                    "name": file_info.get("BreadcrumbBrandName"),
                    "www": file_info.get("BreadcrumbBrandUrl"),
                },
                "submitForm": form_submit and save_as,
                "uiTheme": theme,
            },
            "coEditing": {"mode": "fast" if user_auth["mode"] != "view" else "strict"},
            "wopi": {
                "FileNameMaxLength": max_length
                if isinstance(max_length, int) and max_length > 0
                else 250,
                "WOPISrc": user_auth["wopiSrc"],
                "UserSessionId": user_auth["userSessionId"],
            },
        },
    }
    return deep_merge(config, wopi_config)


def _handlers(file_info: dict[str, Any], save_as: bool) -> dict[str, bool]:
    """Which editor events the page registers (and so which buttons exist)."""
    f = file_info
    return {
        "documentStateChange": truthy(f.get("EditNotificationPostMessage")),
        "requestEditRights": truthy(f.get("EditModePostMessage")) or truthy(f.get("HostEditUrl")),
        "requestSaveAs": save_as,
        "requestClose": truthy(f.get("ClosePostMessage")) or truthy(f.get("CloseUrl")),
        "requestRename": truthy(f.get("SupportsRename")) and truthy(f.get("UserCanRename")),
        "requestSharingSettings": truthy(f.get("FileSharingPostMessage"))
        or truthy(f.get("FileSharingUrl")),
        "requestHistory": truthy(f.get("FileVersionUrl"))
        or truthy(f.get("FileVersionPostMessage")),
        "requestInsertImage": truthy(f.get("EnableInsertRemoteImage")),
    }


def render_editor(
    *,
    settings: Settings,
    file_info: dict[str, Any],
    key: str | None,
    document_type: str | None,
    user_auth: dict[str, Any],
    query: dict[str, Any],
    config: dict[str, Any] | None,
    token: str | None,
) -> str:
    """editor-wopi.ejs. With an empty fileInfo (every error path) the page shows only the
    grey "Sorry, editor could not be loaded" panel (client-behavior §2.5)."""
    save_as = (
        bool(config)
        and (truthy(file_info.get("SupportsUpdate")) or truthy(file_info.get("UserCanWrite")))
        and not truthy(file_info.get("UserCanNotWriteRelative"))
    )
    origin = str(file_info.get("PostMessageOrigin") or "*")
    if origin.endswith("/"):
        origin = origin[:-1]
    double = {
        "eventsUrl": _ROOT_FROM_PAGE + "__double/events",
        "signalsUrl": _ROOT_FROM_PAGE + "__double/signals",
        "imagesUrl": _ROOT_FROM_PAGE + "__double/images",
        "appReadyDelayMs": settings.app_ready_delay_ms,
        "editNotificationIntervalMs": settings.edit_notification_interval_ms,
        "signalPollMs": settings.signal_poll_ms,
        "postMessageOrigin": origin,
        "handlers": _handlers(file_info, save_as),
    }
    page = _LOADER.load("editor.html")
    return page.generate(
        file_info=script_json(file_info),
        key=script_json(key),
        document_type=script_json(document_type),
        user_auth=script_json(user_auth),
        query=script_json(query),
        config=script_json(config),
        token=script_json(token),
        double=script_json(double),
    ).decode("utf-8")


def render_converter(status_handler: str | None) -> str:
    """convert-and-edit-wopi.ejs: polls the handler, then offers a button (spec §7.1)."""
    page = _LOADER.load("convert.html")
    return page.generate(status_handler=script_json(status_handler)).decode("utf-8")

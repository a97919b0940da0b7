"""The double's configuration: DS's `local.json` values that matter for WOPI, made small
enough for tests. Mutable: tests may change a knob while the double runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from .formats import TEMPLATE_EXTS
from .keys import Tamper


@dataclass
class Settings:
    # -- server (spec §8 of onlyoffice-wopi.md) -------------------------------------------
    wopi_enabled: bool = True  # wopi.enable: False → 404 on /hosting/* and convert-to
    proof_keys: bool = True  # both key pairs configured: proof-key element + proof headers
    public_url: str = ""  # wopi.host: base of discovery URLs ("" → from the request, §2.6)
    wopi_zone: str = "external-http"
    template_exts: tuple[str, ...] = TEMPLATE_EXTS  # new/<locale>/new.<ext> that exist
    client_version: str = "9.3.1.1"  # X-WOPI-ClientVersion (buildVersion.buildNumber)
    send_authorization_header: bool = False  # 9.4 wopi.sendAuthorizationHeader
    # -- discovery failures ---------------------------------------------------------------
    # None, an HTTP status to answer with, "empty" (200, no body: DS's error path, §12) or
    # "malformed" (200, broken XML).
    fail_discovery: int | str | None = None
    discovery_delay: float = 0.0  # seconds before discovery answers
    # -- WOPI client timings and limits (client-behavior §2.4, §5.2, §6) --------------------
    download_timeout: float = 120.0  # CheckFileInfo and GetFile
    callback_timeout: float = 600.0  # every POST
    max_download_bytes: int = 104_857_600
    download_attempt_max: int = 3
    download_attempt_delay: float = 1.0
    save_timeout_delay: float = 5.0  # before the final save unless the user closed on purpose
    # A failed open (GetFile or conversion error) is cached per document key: later opens
    # of the unchanged file fail at once, without GetFile (client-behavior §17).
    cache_failed_opens: bool = True
    failed_open_expiry: float = 86_400.0  # expire.files: DS forgets the failure after 24 h
    refresh_lock_interval: float | None = None  # None: no timer; call refresh_locks()
    tamper: Tamper = field(default_factory=Tamper)
    # -- the editor page (browser tests) --------------------------------------------------
    app_ready_delay_ms: int = 50  # onAppReady after the page loaded
    edit_notification_interval_ms: int = 30_000
    signal_poll_ms: int = 200  # how often the page asks the double for Python-side signals
    auto_load: bool = False  # the page's connect event runs session.load()
    auto_close: bool = False  # the page's unload event runs session.close(user)
    # As if the host's docs_api_config set editorConfig.customization.forcesave: the page
    # shows a Save button whose click force-saves (PutFile) while the document stays open.
    forcesave: bool = False

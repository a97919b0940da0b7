"""The server extension: settings (traitlets, each also read from `JUPYTER_WOPI_<NAME>`),
the handler table, and the host's services."""

from __future__ import annotations

import os
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Integer, TraitError, Unicode, default, validate

from .fileids import FileResolver
from .handlers.api import ConflictsHandler, SessionsHandler
from .handlers.wopi import FileContentsHandler, FileHandler
from .host import HostSettings, WopiHost
from .store import StateStore
from .tokens import TokenSigner

ENV_PREFIX = "JUPYTER_WOPI_"
FILE_ID = r"(?P<file_id>[^/]+)"


class JupyterWopi(ExtensionApp):
    """A WOPI host for ONLYOFFICE Docs inside Jupyter."""

    name = "jupyter_wopi"
    load_other_extensions = True

    token_ttl = Integer(
        8 * 3600,
        config=True,
        help="""How long an access token stays valid, in seconds (env JUPYTER_WOPI_TOKEN_TTL).
        ONLYOFFICE warns the user that the session expired shortly before this.""",
    )
    save_grace = Integer(
        2 * 3600,
        config=True,
        help="""Seconds after expiry during which a token may still save, refresh or release
        its lock (env JUPYTER_WOPI_SAVE_GRACE). ONLYOFFICE never renews tokens and makes its
        final save with the token it opened the document with.""",
    )
    max_file_size = Integer(
        1024 * 1024 * 1024,
        config=True,
        help="""Largest document PutFile and PutRelativeFile accept, in bytes
        (env JUPYTER_WOPI_MAX_FILE_SIZE). ONLYOFFICE itself downloads at most 100 MiB.""",
    )
    base_url = Unicode(
        "",
        config=True,
        help="""Jupyter's URL as the ONLYOFFICE server reaches it, base_url included, e.g.
        http://jupyter.internal:8888/user/alice/ (env JUPYTER_WOPI_BASE_URL). Empty: the URL
        the browser used.""",
    )
    state_dir = Unicode(
        config=True,
        help="""Folder for locks, the token secret and conflict events
        (env JUPYTER_WOPI_STATE_DIR).""",
    )

    @default("state_dir")
    def _default_state_dir(self) -> str:
        return os.path.join(jupyter_data_dir(), "jupyter_wopi")

    @validate("base_url")
    def _validate_base_url(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"]).strip()
        if (value and not value.startswith(("http://", "https://"))) or "?" in value:
            raise TraitError(
                f"JUPYTER_WOPI_BASE_URL must be an absolute http(s) URL without a query "
                f"string, like http://jupyter.internal:8888/; got {value!r}."
            )
        return value

    def read_environment(self) -> None:
        """Settings not given in Jupyter's config come from JUPYTER_WOPI_<NAME>."""
        configured = self.config.get(type(self).__name__, {})
        for name, trait in self.class_own_traits(config=True).items():
            value = os.environ.get(ENV_PREFIX + name.upper())
            if value is not None and name not in configured:
                try:
                    setattr(self, name, trait.from_string(value))
                except (TraitError, ValueError) as err:
                    raise TraitError(f"{ENV_PREFIX}{name.upper()}={value!r}: {err}") from err

    def initialize_settings(self) -> None:
        self.read_environment()
        assert self.serverapp is not None
        store = StateStore(self.state_dir)
        web_settings = self.serverapp.web_app.settings
        self.host = WopiHost(
            settings=HostSettings(
                self.token_ttl, self.save_grace, self.max_file_size, self.base_url
            ),
            server_base_path=web_settings["base_url"],
            signer=TokenSigner(store.token_secret()),
            store=store,
            files=FileResolver(self.serverapp.contents_manager, web_settings["file_id_manager"]),
        )
        self.settings["jupyter_wopi"] = self.host
        self.log.info("jupyter_wopi: WOPI host ready; state in %s", self.state_dir)

    def initialize_handlers(self) -> None:
        self.handlers.extend(
            [
                (rf"/wopi/files/{FILE_ID}/contents", FileContentsHandler),
                (rf"/wopi/files/{FILE_ID}", FileHandler),
                (r"/api/wopi/sessions", SessionsHandler),
                (r"/api/wopi/conflicts", ConflictsHandler),
                (r"/api/wopi/conflicts/(?P<event_id>[0-9]+)", ConflictsHandler),
            ]
        )

    async def stop_extension(self) -> None:
        if hasattr(self, "host"):
            self.host.store.close()

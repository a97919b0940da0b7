"""The server extension: settings (traitlets, each also read from `JUPYTER_WOPI_<NAME>`),
the handler table, and the host's services."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from tornado import web
from traitlets import Enum, Integer, TraitError, Unicode, default, validate

from .fileids import FileResolver
from .fileindex import LEGACY_INDEX, FileIndex, Tree, import_legacy_ids
from .handlers.api import (
    ConflictsHandler,
    ConvertHandler,
    FileStatusHandler,
    LocksHandler,
    SessionsHandler,
    StatusHandler,
)
from .handlers.page import HostPageHandler
from .handlers.probe import ProbeHandler
from .handlers.unavailable import startup_failed_routes
from .handlers.wopi import FileContentsHandler, FileHandler
from .host import HostSettings, WopiHost
from .onlyoffice import DiscoveryClient
from .probe import PROBE_PREFIX
from .proof_policy import ProofChecker, ProofPolicy
from .state import State, open_database
from .statedir import StateError
from .tokens import TokenSigner

ENV_PREFIX = "JUPYTER_WOPI_"
FILE_ID = r"(?P<file_id>[^/]+)"


class JupyterWopi(ExtensionApp):
    """A WOPI host for ONLYOFFICE Docs inside Jupyter."""

    name = "jupyter_wopi"
    load_other_extensions = True
    startup_error = ""  # why the host could not start (its routes then answer with it)

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
    upload_idle_timeout = Integer(
        300,
        config=True,
        help="""Seconds an upload (PutFile, PutRelativeFile) may wait for its next bytes
        before it is abandoned, its temporary file removed and the connection closed
        (env JUPYTER_WOPI_UPLOAD_IDLE_TIMEOUT).""",
    )
    onlyoffice_url = Unicode(
        "",
        config=True,
        help="""ONLYOFFICE Docs as the browser reaches it, e.g. https://office.example.com/
        (env JUPYTER_WOPI_ONLYOFFICE_URL): editor pages, favicons, PostMessage origin.""",
    )
    onlyoffice_internal_url = Unicode(
        "",
        config=True,
        help="""ONLYOFFICE Docs as this Jupyter server reaches it, for discovery and conversion
        (env JUPYTER_WOPI_ONLYOFFICE_INTERNAL_URL). Empty: JUPYTER_WOPI_ONLYOFFICE_URL.""",
    )
    base_url = Unicode(
        "",
        config=True,
        help="""Jupyter as the ONLYOFFICE server reaches it, base_url included, e.g.
        http://jupyter.internal:8888/user/alice/ (env JUPYTER_WOPI_BASE_URL): the base of
        every WOPISrc and of proof-key checks. Empty: $JUPYTERHUB_PUBLIC_URL under
        JupyterHub, else this server's own URL.""",
    )
    proof_keys = Enum(
        [p.value for p in ProofPolicy],
        default_value="auto",
        config=True,
        help="""Proof-key policy (env JUPYTER_WOPI_PROOF_KEYS): 'auto' requires valid
        ONLYOFFICE signatures whenever its discovery publishes a proof key, 'require' always
        requires them, 'off' never checks (development only).""",
    )
    discovery_ttl = Integer(
        3600,
        config=True,
        help="""Seconds to keep ONLYOFFICE's discovery before fetching it again
        (env JUPYTER_WOPI_DISCOVERY_TTL). A failed proof check refetches at once.""",
    )
    state_dir = Unicode(
        config=True,
        help="""Folder for locks, file ids, the token secret and conflict events
        (env JUPYTER_WOPI_STATE_DIR), in SQLite, unless state_url is set.""",
    )
    state_url = Unicode(
        "",
        config=True,
        help="""PostgreSQL database for the state instead of SQLite files in state_dir, as a
        URL (postgresql://user:password@host:5432/jupyter_wopi) or a libpq DSN
        (env JUPYTER_WOPI_STATE_URL). Needed when several processes serve WOPI for the same
        files; tables are made in the schema jupyter_wopi.""",
    )

    @default("state_dir")
    def _default_state_dir(self) -> str:
        return os.path.join(jupyter_data_dir(), "jupyter_wopi")

    @validate("state_dir")
    def _validate_state_dir(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"]).strip()
        if not value:
            # Empty would mean the current folder: often the one Jupyter serves.
            raise TraitError(
                f"{ENV_PREFIX}STATE_DIR is empty; unset it to use the default "
                f"({self._default_state_dir()}) or name a folder."
            )
        return os.path.abspath(os.path.expanduser(value))

    @validate("base_url", "onlyoffice_url", "onlyoffice_internal_url")
    def _validate_url(self, proposal: dict[str, Any]) -> str:
        value = str(proposal["value"]).strip()
        if (
            (value and not value.startswith(("http://", "https://")))
            or "?" in value
            or "#" in value
        ):
            name = ENV_PREFIX + proposal["trait"].name.upper()
            raise TraitError(
                f"{name} must be an absolute http(s) URL without a query string, like "
                f"http://host.example:8888/; got {value!r}."
            )
        return value.rstrip("/") + "/" if value else ""

    def effective_base_url(self) -> str:
        """Where ONLYOFFICE reaches Jupyter: the setting, JupyterHub's public URL of this
        server, or this server's own URL (base_url included, ending in '/')."""
        assert self.serverapp is not None
        url = self.base_url or os.environ.get("JUPYTERHUB_PUBLIC_URL", "")
        return (url or self.serverapp.connection_url).rstrip("/") + "/"

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
        try:
            self.host = self._build_host()
        except StateError as err:
            # Keep the routes, answering with the reason: the lab and `jupyter wopi doctor`
            # then say what to fix instead of "the server extension is not running".
            self.startup_error = str(err)
            assert self.serverapp is not None  # the server's log: where admins look first
            self.serverapp.log.error("jupyter_wopi cannot start: %s", err)
            return
        self.settings["jupyter_wopi"] = self.host
        self.log.info(
            "jupyter_wopi: WOPI host ready; state in %s", self.host.state.database.description
        )
        if self.hub_without_public_url():
            self.log.warning(
                "jupyter_wopi: this server runs under JupyterHub, which gave it no public "
                "URL, so ONLYOFFICE will be told to reach it at %s (this server's own "
                "address, usually unreachable from ONLYOFFICE). Set c.JupyterHub.public_url "
                "or JUPYTER_WOPI_BASE_URL.",
                self.host.wopi_base,
            )

    def _build_host(self) -> WopiHost:
        assert self.serverapp is not None
        state = State(open_database(self.state_dir, self.state_url))
        web_settings = self.serverapp.web_app.settings
        tree = Tree(self.serverapp.root_dir)
        try:
            taken = import_legacy_ids(state.database, self.state_dir, tree)
        except sqlite3.Error as err:
            self.log.warning(
                "jupyter_wopi: the file ids of %s in %s cannot be read (%s); documents opened "
                "in ONLYOFFICE before the upgrade must be reopened.",
                LEGACY_INDEX,
                self.state_dir,
                err,
            )
        else:
            if taken:
                self.log.info("jupyter_wopi: took %d file ids from %s", taken, LEGACY_INDEX)
        index = FileIndex(tree, state)
        if web_settings.get("event_logger") is not None:
            index.follow_contents_events(web_settings["event_logger"])
        discovery = DiscoveryClient(
            self.onlyoffice_url, self.onlyoffice_internal_url, self.discovery_ttl
        )
        return WopiHost(
            settings=HostSettings(
                self.token_ttl, self.save_grace, self.max_file_size, self.upload_idle_timeout
            ),
            server_base_path=web_settings["base_url"],
            wopi_base=self.effective_base_url(),
            signer=TokenSigner(state.database.token_secret()),
            state=state,
            files=FileResolver(self.serverapp.contents_manager, index),
            discovery=discovery,
            proofs=ProofChecker(ProofPolicy(self.proof_keys), discovery),
        )

    def hub_without_public_url(self) -> bool:
        """Under JupyterHub, the fallback to this server's own address is almost always
        wrong: ONLYOFFICE must come in through the hub's proxy."""
        return bool(
            os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
            and not self.base_url
            and not os.environ.get("JUPYTERHUB_PUBLIC_URL")
        )

    def initialize_handlers(self) -> None:
        routes: list[tuple[str, type[web.RequestHandler]]] = [
            (rf"/wopi/files/(?P<file_id>{PROBE_PREFIX}[0-9a-f]{{32}})", ProbeHandler),
            (rf"/wopi/files/{FILE_ID}/contents", FileContentsHandler),
            (rf"/wopi/files/{FILE_ID}", FileHandler),
            (r"/api/wopi/sessions", SessionsHandler),
            (r"/wopi/open/(?P<path>.+)", HostPageHandler),
            (r"/api/wopi/convert", ConvertHandler),
            (r"/api/wopi/status", StatusHandler),
            (r"/api/wopi/conflicts", ConflictsHandler),
            (r"/api/wopi/conflicts/(?P<event_id>[0-9]+)", ConflictsHandler),
            (rf"/api/wopi/files/{FILE_ID}", FileStatusHandler),
            (r"/api/wopi/locks", LocksHandler),
            (rf"/api/wopi/locks/{FILE_ID}", LocksHandler),
        ]
        if self.startup_error:
            self.handlers.extend(
                startup_failed_routes([pattern for pattern, _ in routes], self.startup_error)
            )
        else:
            self.handlers.extend(routes)

    async def stop_extension(self) -> None:
        if hasattr(self, "host"):
            self.host.state.close()

"""The server extension: the WOPI host of one Jupyter server (its settings are in
settings.py), and the handler table."""

from __future__ import annotations

import os

from jupyter_server.extension.application import ExtensionApp
from tornado import web
from traitlets import Bool, Dict, TraitError, Unicode

from .errors import StartupError
from .files.ids import files_not_on_disk
from .handlers import FILE_ID, VERSION_ID
from .handlers.doctor_probe import ProbeHandler
from .handlers.host_page import HostPageHandler
from .handlers.images import IMAGE_ROUTE, ImageHandler, ImagesHandler
from .handlers.lab_api import (
    ConflictsHandler,
    ConnectionHandler,
    ConvertHandler,
    FileStatusHandler,
    LocksHandler,
    SessionsHandler,
    StatusHandler,
    VersionRestoreHandler,
    VersionsHandler,
)
from .handlers.unavailable import startup_failed_routes
from .handlers.versions_page import VersionsPageHandler
from .handlers.wopi import FileContentsHandler, FileHandler
from .host.events import FileEvents
from .host.live_addresses import LiveAddresses
from .host.services import WopiHost
from .lab.files import LabFiles
from .lab.local import LocalFiles
from .lab.team_client import TeamClient
from .lab.team_folders import TeamFolders
from .onlyoffice.probes import PROBE_PREFIX
from .settings import WopiHostConfig


class JupyterWopi(ExtensionApp, WopiHostConfig):
    """A WOPI host for ONLYOFFICE Docs inside Jupyter."""

    name = "jupyter_wopi"
    load_other_extensions = True
    startup_error = ""  # why the host could not start (its routes then answer with it)

    team_service_url = Unicode(
        "",
        config=True,
        help="""JupyterHub team folders: the team service's URL as this server reaches it,
        e.g. http://hub:10101/services/wopi/ (env JUPYTER_WOPI_TEAM_SERVICE_URL). Files of
        team_folders are then opened through it, with this server's JupyterHub token.""",
    )
    team_folders = Dict(
        key_trait=Unicode(),
        value_trait=Unicode(),
        config=True,
        help="""JupyterHub team folders shown by this server: {"<folder here>": "<folder of
        the team service>"}, e.g. {"shared/analytics": "analytics"}
        (env JUPYTER_WOPI_TEAM_FOLDERS).""",
    )

    allow_lab_configuration = Bool(
        None,
        allow_none=True,
        config=True,
        help="""Whether users may set the ONLYOFFICE addresses from the lab (ONLYOFFICE
        Settings), kept in the state database; addresses given in Jupyter config or the
        environment always win (env JUPYTER_WOPI_ALLOW_LAB_CONFIGURATION). Default: on, but
        off under JupyterHub, where a user must not point their server's tokens at a host
        of their choosing.""",
    )

    def default_base_url(self) -> str:
        """Where ONLYOFFICE reaches Jupyter unless base_url says: JupyterHub's public URL of
        this server, or this server's own URL (base_url included, ending in '/')."""
        assert self.serverapp is not None
        url = os.environ.get("JUPYTERHUB_PUBLIC_URL", "") or self.serverapp.connection_url
        return url.rstrip("/") + "/"

    def lab_may_configure(self) -> bool:
        if self.allow_lab_configuration is None:
            return not self.under_hub()
        return bool(self.allow_lab_configuration)

    def initialize_settings(self) -> None:
        assert self.serverapp is not None
        not_on_disk = files_not_on_disk(self.serverapp.contents_manager)
        if not_on_disk is not None:
            # Said once here and by every lab route (an office tab shows it), rather than
            # failing at the first request; no state is opened for a host that cannot serve.
            self.startup_error = not_on_disk[:1].upper() + not_on_disk[1:]
            self.serverapp.log.warning("jupyter_wopi: %s", not_on_disk)
            return
        try:
            self.read_environment()
            self.host = self._build_host()
        except (StartupError, TraitError) as err:
            # Keep the routes, answering with the reason: the lab and `jupyter wopi doctor`
            # then say what to fix instead of "the server extension is not running".
            self.startup_error = str(err)
            # The server's log: where admins look first.
            self.serverapp.log.error("jupyter_wopi cannot start: %s", err)
            return
        self.settings["jupyter_wopi"] = self.host
        self.settings["jupyter_wopi_addresses"] = self._live_addresses()
        self.settings["jupyter_wopi_lab_files"] = LabFiles(
            LocalFiles(self.host), self._team_client()
        )
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
        web_settings = self.serverapp.web_app.settings
        event_logger = web_settings.get("event_logger")
        host = self.build_host(
            root_dir=self.serverapp.root_dir,
            contents_manager=self.serverapp.contents_manager,
            event_logger=event_logger,
            server_base_path=web_settings["base_url"],
            wopi_base=self.default_base_url(),
        )
        # Here, not in build_host: the team service has no lab listening to its events.
        host.events = FileEvents.register(event_logger)
        return host

    def _live_addresses(self) -> LiveAddresses:
        lab_may_change = self.lab_may_configure()
        live = LiveAddresses(
            self.host,
            self.fixed_addresses(),
            default_base=self.default_base_url(),
            lab_may_change=lab_may_change,
            why_not=(
                "The server's administrator set the ONLYOFFICE addresses for everyone "
                "(c.JupyterWopi.allow_lab_configuration is off"
                + (", as always under JupyterHub)." if self.under_hub() else ").")
            ),
        )
        live.load()
        if not self.host.discovery.configured:
            # One line at start, in the server's log, where whoever runs `jupyter lab` looks.
            assert self.serverapp is not None
            self.serverapp.log.warning("jupyter_wopi: %s", self.host.discovery.not_configured)
        return live

    def _team_client(self) -> TeamClient | None:
        if not self.team_folders:
            return None
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        if not self.team_service_url or not token:
            self.log.warning(
                "jupyter_wopi: team_folders is set but %s; files of team folders open as "
                "this server's own files (no co-editing with other users' servers).",
                "JUPYTER_WOPI_TEAM_SERVICE_URL is not"
                if token
                else "this server has no JupyterHub token ($JUPYTERHUB_API_TOKEN)",
            )
            return None
        client = TeamClient(self.team_service_url, token, TeamFolders(self.team_folders))
        assert self.serverapp is not None
        event_logger = self.serverapp.web_app.settings.get("event_logger")
        if event_logger is not None:
            client.follow_contents_events(event_logger)
        return client

    def hub_without_public_url(self) -> bool:
        """Under JupyterHub, the fallback to this server's own address is almost always
        wrong: ONLYOFFICE must come in through the hub's proxy."""
        return bool(
            self.under_hub() and not self.base_url and not os.environ.get("JUPYTERHUB_PUBLIC_URL")
        )

    @staticmethod
    def under_hub() -> bool:
        return bool(os.environ.get("JUPYTERHUB_SERVICE_PREFIX"))

    def initialize_handlers(self) -> None:
        routes: list[tuple[str, type[web.RequestHandler]]] = [
            (rf"/wopi/files/(?P<file_id>{PROBE_PREFIX}[0-9a-f]{{32}})", ProbeHandler),
            (rf"/wopi/files/{FILE_ID}/contents", FileContentsHandler),
            (rf"/wopi/files/{FILE_ID}", FileHandler),
            (r"/api/wopi/sessions", SessionsHandler),
            (r"/api/wopi/images", ImagesHandler),
            (IMAGE_ROUTE, ImageHandler),
            (r"/wopi/open/(?P<path>.+)", HostPageHandler),
            (r"/wopi/versions/(?P<path>.+)", VersionsPageHandler),
            (r"/api/wopi/convert", ConvertHandler),
            (r"/api/wopi/status", StatusHandler),
            (r"/api/wopi/connection", ConnectionHandler),
            (r"/api/wopi/conflicts", ConflictsHandler),
            (r"/api/wopi/conflicts/(?P<event_id>(?:team-)?[0-9]+)", ConflictsHandler),
            (r"/api/wopi/files", FileStatusHandler),
            (rf"/api/wopi/files/{FILE_ID}", FileStatusHandler),
            (r"/api/wopi/locks", LocksHandler),
            (rf"/api/wopi/locks/{FILE_ID}", LocksHandler),
            (r"/api/wopi/versions", VersionsHandler),
            (rf"/api/wopi/versions/{FILE_ID}", VersionsHandler),
            (rf"/api/wopi/versions/{FILE_ID}/{VERSION_ID}", VersionsHandler),
            (rf"/api/wopi/versions/{FILE_ID}/{VERSION_ID}/restore", VersionRestoreHandler),
        ]
        if self.startup_error:
            self.handlers.extend(
                startup_failed_routes([pattern for pattern, _ in routes], self.startup_error)
            )
        else:
            self.handlers.extend(routes)

    async def stop_extension(self) -> None:
        if hasattr(self, "host"):
            await self.host.upkeep.settled()  # versions being hashed: finish, then close
            self.host.state.close()

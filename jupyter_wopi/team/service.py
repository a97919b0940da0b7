"""`jupyter wopi team-service`: the WOPI host of a JupyterHub's team folders, run by
JupyterHub as a service (c.JupyterHub.services). Its lifetime is the deployment's, not one
user's: ONLYOFFICE saves and unlocks through it even after the server of the user who
opened a document was stopped."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any
from urllib.parse import urlsplit

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web
from traitlets import Dict, Float, Unicode, default, validate
from traitlets.config import Application

from .. import __version__
from ..errors import StartupError
from ..handlers import FILE_ID, VERSION_ID
from ..handlers.images import IMAGE_ROUTE, ImageHandler
from ..handlers.wopi import FileContentsHandler, FileHandler
from ..handlers.wopi_base import log_request
from ..host.live_addresses import LiveAddresses
from ..host.services import WopiHost
from ..onlyoffice.addresses import problems
from ..settings import ENV_PREFIX, WopiHostConfig
from .access import FolderGuard, InvalidRules, UserLookup, parse_rules
from .handlers import (
    TeamConflictsHandler,
    TeamContentsEventsHandler,
    TeamContext,
    TeamFileStatusHandler,
    TeamImagesHandler,
    TeamLocksHandler,
    TeamSessionsHandler,
    TeamVersionRestoreHandler,
    TeamVersionsHandler,
)
from .hub import Identify, hub_identifier, hub_users


class TeamService(Application, WopiHostConfig):
    """Serves the team folders under `root_dir` to ONLYOFFICE, for the hub's users."""

    name = "jupyter-wopi-team-service"
    description = __doc__
    log_level = logging.INFO
    aliases = {  # noqa: RUF012 (traitlets reads it as a class attribute)
        "config": "TeamService.config_file",
        "root-dir": "TeamService.root_dir",
        "bind-url": "TeamService.bind_url",
    }

    config_file = Unicode(
        "",
        config=True,
        help="""A Python config file setting c.TeamService.* (env JUPYTER_WOPI_CONFIG_FILE).""",
    )
    root_dir = Unicode(
        "",
        config=True,
        help="""The folder holding the team folders, as this service sees it, e.g. the shared
        volume mounted at /srv/teams (env JUPYTER_WOPI_ROOT_DIR).""",
    )
    folders = Dict(
        config=True,
        help="""Who may read and write each team folder (env JUPYTER_WOPI_FOLDERS), e.g.
        {"analytics": {"write": ["group:analysts", "alice"], "read": ["group:staff"]}}:
        folders relative to root_dir, JupyterHub user names, "group:<name>" for a JupyterHub
        group, "*" for every hub user. The most specific folder's rule applies; files outside
        every listed folder are refused.""",
    )
    rule_cache_seconds = Float(
        10.0,
        config=True,
        help="""How long the service keeps what JupyterHub says about a user (their groups)
        before asking again (env JUPYTER_WOPI_RULE_CACHE_SECONDS). The folder rules are
        checked on every request, WOPI calls of open documents included: a user removed from
        a group loses its folders within this time.""",
    )
    bind_url = Unicode(
        config=True,
        help="""Where the service listens (env JUPYTER_WOPI_BIND_URL). Default: the url
        JupyterHub gives the service ($JUPYTERHUB_SERVICE_URL).""",
    )
    service_prefix = Unicode(
        config=True,
        help="""The path under which the service answers (env JUPYTER_WOPI_SERVICE_PREFIX).
        Default: $JUPYTERHUB_SERVICE_PREFIX, e.g. /services/wopi/.""",
    )

    @default("bind_url")
    def _default_bind_url(self) -> str:
        return os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101")

    @default("service_prefix")
    def _default_service_prefix(self) -> str:
        return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/wopi/")

    @default("versions_dir")
    def _default_versions_dir(self) -> str:
        # On the shared volume, beside the team folders (members' servers mount folders
        # of it, not its root): every replica reaches it, and a version is a hard link.
        return os.path.join(self.root_dir, ".jupyter_wopi-versions")

    @validate("service_prefix")
    def _validate_service_prefix(self, proposal: dict[str, Any]) -> str:
        return "/" + str(proposal["value"]).strip("/") + "/"

    def default_base_url(self) -> str:
        """Where ONLYOFFICE reaches the service unless base_url says: the public URL
        JupyterHub gives the service, or the service's own address (ending in '/')."""
        url = os.environ.get("JUPYTERHUB_PUBLIC_URL", "")
        return (url or self.bind_url.rstrip("/") + self.service_prefix).rstrip("/") + "/"

    def initialize(self, argv: Any = None) -> None:
        super().initialize(argv)
        config_file = self.config_file or os.environ.get(ENV_PREFIX + "CONFIG_FILE", "")
        if config_file:
            self.load_config_file(config_file)
        self.read_environment()

    def build_app(
        self, identify: Identify | None = None, lookup: UserLookup | None = None
    ) -> web.Application:
        """The tornado application; `identify` says who a token belongs to and `lookup` who
        a user is now (JupyterHub's answers by default)."""
        if not self.root_dir or not os.path.isdir(self.root_dir):
            raise StartupError(
                f"The team folders' root {self.root_dir or '(not set)'} is not a folder: set "
                f"c.TeamService.root_dir or {ENV_PREFIX}ROOT_DIR to the shared volume."
            )
        try:
            rules = parse_rules(self.folders)
        except InvalidRules as err:
            raise StartupError(f"c.TeamService.{err}") from err
        if not rules:
            self.log.warning(
                "jupyter_wopi team service: no folders are listed, so nobody may "
                "open anything (c.TeamService.folders)"
            )
        contents = AsyncLargeFileManager(
            root_dir=os.path.abspath(self.root_dir), delete_to_trash=False
        )
        self.host: WopiHost = self.build_host(
            root_dir=contents.root_dir,
            contents_manager=contents,
            event_logger=contents.event_logger,
            server_base_path=self.service_prefix,
            wopi_base=self.default_base_url(),
        )
        self.host.serves_lab = False
        addresses = LiveAddresses(
            self.host,
            self.fixed_addresses(),
            default_base=self.default_base_url(),
            lab_may_change=False,
        )
        addresses.apply()
        if refused := problems(addresses.addresses()):
            raise StartupError(refused)
        guard = FolderGuard(
            rules, self.host.files.real_api_path, lookup or hub_users(self.rule_cache_seconds)
        )
        self.host.rules = guard  # checked on every WOPI request too
        identify = identify or hub_identifier(self.rule_cache_seconds)
        team = {"team": TeamContext(self.host, guard, identify)}
        prefix = self.service_prefix
        return web.Application(
            [
                (rf"{prefix}wopi/files/{FILE_ID}/contents", FileContentsHandler),
                (rf"{prefix}wopi/files/{FILE_ID}", FileHandler),
                (rf"{prefix}api/sessions", TeamSessionsHandler, team),
                (rf"{prefix}api/files", TeamFileStatusHandler, team),
                (rf"{prefix}api/files/{FILE_ID}", TeamFileStatusHandler, team),
                (rf"{prefix}api/locks", TeamLocksHandler, team),
                (rf"{prefix}api/locks/{FILE_ID}", TeamLocksHandler, team),
                (rf"{prefix}api/conflicts", TeamConflictsHandler, team),
                (rf"{prefix}api/conflicts/(?P<event_id>[0-9]{{1,18}})", TeamConflictsHandler, team),
                (rf"{prefix}api/contents-events", TeamContentsEventsHandler, team),
                (rf"{prefix}api/versions", TeamVersionsHandler, team),
                (rf"{prefix}api/versions/{FILE_ID}", TeamVersionsHandler, team),
                (rf"{prefix}api/versions/{FILE_ID}/{VERSION_ID}", TeamVersionsHandler, team),
                (
                    rf"{prefix}api/versions/{FILE_ID}/{VERSION_ID}/restore",
                    TeamVersionRestoreHandler,
                    team,
                ),
                (rf"{prefix}api/images", TeamImagesHandler, team),
                (rf"{prefix}{IMAGE_ROUTE.lstrip('/')}", ImageHandler),
                (rf"{prefix}?", HealthHandler),
            ],
            jupyter_wopi=self.host,
            log_function=log_request,
        )

    def start(self) -> None:
        asyncio.run(self._serve_until_stopped())

    async def _serve_until_stopped(self) -> None:
        try:
            app = self.build_app()
        except StartupError as err:
            self.log.critical("jupyter_wopi team service cannot start: %s", err)
            self.exit(1)
        bind = urlsplit(self.bind_url)
        server = app.listen(bind.port or 80, bind.hostname or "")
        self.log.info(
            "jupyter_wopi team service: serving %s on %s%s for ONLYOFFICE at %s; state in %s",
            self.root_dir,
            self.bind_url.rstrip("/"),
            self.service_prefix,
            self.host.wopi_base,
            self.host.state.database.description,
        )
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopped.set)
        await stopped.wait()
        server.stop()
        await self.host.upkeep.settled()
        self.host.state.close()


class HealthHandler(web.RequestHandler):
    def get(self) -> None:
        self.finish({"service": "jupyter_wopi team folders", "version": __version__})


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="[%(levelname)s %(asctime)s %(name)s] %(message)s"
    )
    TeamService.launch_instance(argv)

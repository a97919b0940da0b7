"""The settings a WOPI host is built from, shared by the Jupyter server extension
(`JupyterWopi`) and the team-folder service for JupyterHub (`TeamService`): each is a
traitlet, also read from `JUPYTER_WOPI_<NAME>`; Jupyter config wins over the environment."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from traitlets import Bool, Enum, Float, Integer, TraitError, Unicode, default, validate
from traitlets.config import LoggingConfigurable

from .files.ids import FileResolver
from .files.index import LEGACY_INDEX, FileIndex, Tree, claim_unscoped_rows, import_legacy_ids
from .files.version_blobs import VersionBlobs
from .host.images import ImageLimits, ImageShelf, StateLedger
from .host.retention import Retention, VersionPolicy
from .host.services import HostSettings, WopiHost
from .onlyoffice.addresses import ADDRESSES, Source
from .onlyoffice.discovery_client import DiscoveryClient
from .onlyoffice.proof_check import ProofChecker, ProofPolicy
from .state import State, open_database
from .wopi.tokens import TokenSigner

ENV_PREFIX = "JUPYTER_WOPI_"


class WopiHostConfig(LoggingConfigurable):
    """The settings of a WOPI host, wherever it runs."""

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

    versions = Bool(
        True,
        config=True,
        help="""Keep the versions of documents (env JUPYTER_WOPI_VERSIONS): the bytes each save
        from ONLYOFFICE or restore replaces, and those an editor loads, browsable and
        restorable from the editor's Version History, the lab and `Document.versions`.""",
    )
    versions_dir = Unicode(
        config=True,
        help="""Folder for the kept versions' bytes (env JUPYTER_WOPI_VERSIONS_DIR), private to
        this account. On the file system of the files served, a version costs no copy (the
        replaced file is kept by a hard link); elsewhere each version is copied.
        Default: versions/ in state_dir.""",
    )
    versions_max_bytes = Integer(
        2 << 30,
        config=True,
        help="""Most bytes all kept versions may take together (env
        JUPYTER_WOPI_VERSIONS_MAX_BYTES); the oldest are dropped first.""",
    )
    versions_per_file = Integer(
        100,
        config=True,
        help="""Most versions kept of one file (env JUPYTER_WOPI_VERSIONS_PER_FILE). Within
        that: every version of the last hour, the newest of each hour for a day, of each day
        for 30 days and of each week after.""",
    )
    versions_min_free = Float(
        0.05,
        config=True,
        help="""Share of the versions folder's file system that versions leave free (env
        JUPYTER_WOPI_VERSIONS_MIN_FREE): the oldest are dropped first to keep it free, and a
        save that finds the disk full drops them before it could fail.""",
    )
    image_url_ttl = Integer(
        300,
        config=True,
        help="""Seconds an image URL made for ONLYOFFICE's Image from Storage stays valid
        (env JUPYTER_WOPI_IMAGE_URL_TTL); a notebook output's bytes are held in memory until
        then at most.""",
    )
    image_url_downloads = Integer(
        3,
        config=True,
        help="""Downloads one image URL allows (env JUPYTER_WOPI_IMAGE_URL_DOWNLOADS):
        ONLYOFFICE's server, its retry and the browser.""",
    )
    image_max_bytes = Integer(
        20 * 1024 * 1024,
        config=True,
        help="""Largest image that may be inserted from Jupyter, in bytes
        (env JUPYTER_WOPI_IMAGE_MAX_BYTES); notebook outputs held for image URLs take at
        most ten times this much memory together.""",
    )

    @validate("image_url_ttl", "image_url_downloads", "image_max_bytes")
    def _validate_positive(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if value < 1:
            name = str(proposal["trait"].name)
            raise TraitError(f"{name} must be 1 or more, not {value}.")
        return value

    def image_shelf(self, state: State) -> ImageShelf:
        """Image URLs in memory, or in the state database when several processes may serve
        the files (PostgreSQL): ONLYOFFICE's download may reach any of them."""
        limits = ImageLimits(
            ttl=self.image_url_ttl,
            downloads=self.image_url_downloads,
            max_bytes=self.image_max_bytes,
        )
        if state.database.dialect == "postgresql":
            return ImageShelf(limits, ledger=StateLedger(state))
        return ImageShelf(limits)

    @default("versions_dir")
    def _default_versions_dir(self) -> str:
        return os.path.join(self.state_dir, "versions")

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

    @classmethod
    def setting_traits(cls) -> dict[str, Any]:
        """The settings of this host: the shared ones and the class's own."""
        return {**WopiHostConfig.class_own_traits(config=True), **cls.class_own_traits(config=True)}

    def read_environment(self) -> None:
        """Settings not given in Jupyter's config come from JUPYTER_WOPI_<NAME>."""
        configured = {
            name
            for cls in type(self).mro()
            if issubclass(cls, LoggingConfigurable)
            for name in self.config.get(cls.__name__, {})
        }
        self.setting_sources: dict[str, Source] = dict.fromkeys(configured, "config")
        for name, trait in self.setting_traits().items():
            value = os.environ.get(ENV_PREFIX + name.upper())
            if value is not None and name not in configured:
                try:
                    setattr(self, name, trait.from_string(value))
                except (TraitError, ValueError) as err:
                    raise TraitError(f"{ENV_PREFIX}{name.upper()}={value!r}: {err}") from err
                self.setting_sources[name] = "environment"

    def fixed_addresses(self) -> dict[str, tuple[Source, str]]:
        """The addresses the admin gave (config or environment; checked later, so that a
        wrong one is explained instead of stopping the server)."""
        sources = getattr(self, "setting_sources", {})
        return {
            name: (sources[name], str(getattr(self, name))) for name in ADDRESSES if name in sources
        }

    def version_blobs(self) -> VersionBlobs | None:
        """The versions folder; None (with a warning saying why) when versions are off or
        it cannot be made: documents are then served without history, never refused."""
        if not self.versions:
            return None
        try:
            return VersionBlobs(self.versions_dir)
        except OSError as err:
            self.log.warning(
                "jupyter_wopi: no versions are kept: the versions folder %s cannot be used "
                "(%s). Set JUPYTER_WOPI_VERSIONS_DIR (or WopiHostConfig.versions_dir) to a "
                "folder this account may write, or JUPYTER_WOPI_VERSIONS=false.",
                self.versions_dir,
                err,
            )
            return None

    def build_host(
        self,
        *,
        root_dir: str,
        contents_manager: Any,
        event_logger: Any,
        server_base_path: str,
        wopi_base: str,
    ) -> WopiHost:
        """The host serving `root_dir` through `contents_manager` (whose renames and deletes
        `event_logger` reports), reached by ONLYOFFICE at `wopi_base`. Raises StartupError."""
        tree = Tree(root_dir)
        state = State(open_database(self.state_dir, self.state_url, scope=tree.root))
        claimed = claim_unscoped_rows(state.database, tree)
        if claimed:
            self.log.info(
                "jupyter_wopi: %d file ids recorded by an older release are %s's", claimed, root_dir
            )
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
        if event_logger is not None:
            index.follow_contents_events(event_logger)
        discovery = DiscoveryClient("", "", self.discovery_ttl)  # addresses: LiveAddresses
        return WopiHost(
            settings=HostSettings(
                self.token_ttl,
                self.save_grace,
                self.max_file_size,
                self.upload_idle_timeout,
                VersionPolicy(
                    Retention(max_per_file=self.versions_per_file),
                    self.versions_max_bytes,
                    self.versions_min_free,
                ),
            ),
            versions=self.version_blobs(),
            server_base_path=server_base_path,
            wopi_base=wopi_base,
            signer=TokenSigner(state.database.token_secret()),
            state=state,
            files=FileResolver(contents_manager, index),
            discovery=discovery,
            proofs=ProofChecker(ProofPolicy(self.proof_keys), discovery),
            images=self.image_shelf(state),
        )

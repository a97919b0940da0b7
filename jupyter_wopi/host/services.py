"""The WOPI host's shared services, built once by the extension and used by the handlers."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import quote

from ..files.ids import FileRef, FileResolver
from ..files.version_blobs import VersionBlobs
from ..onlyoffice.discovery_client import DiscoveryClient
from ..onlyoffice.probes import ProbeRegistry
from ..onlyoffice.proof_check import ProofChecker
from ..state import State
from ..wopi.tokens import TokenClaims, TokenSigner
from .events import FileEvents
from .images import ImageShelf
from .retention import VersionPolicy
from .upkeep import Upkeep


@dataclass(frozen=True)
class HostSettings:
    token_ttl: int  # seconds
    save_grace: int  # seconds a token keeps working for saves after it expired
    max_file_size: int  # bytes
    upload_idle_timeout: float = 300.0  # seconds an upload may stall before it is abandoned
    versions: VersionPolicy = field(default_factory=VersionPolicy)


ORIGIN_RE = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+")  # a web page's origin


@dataclass(frozen=True)
class Opener:
    """Who opens a file, and where their lab is."""

    user_id: str
    user_name: str
    origin: str  # the lab page's origin (PostMessageOrigin)
    lab_tree: str = ""  # team folders: the opener's lab URL showing `lab_tree_root`
    lab_tree_root: str = ""  # a folder of the host ("" for all of it)

    @classmethod
    def of(cls, claims: TokenClaims) -> Opener:
        """The opener a token was minted for (a new file's token goes to the same person)."""
        return cls(
            claims.user_id, claims.user_name, claims.origin, claims.lab_tree, claims.lab_tree_root
        )


Permission = Literal["none", "read", "write"]


class FileRules(Protocol):
    """What a user may do with a file at the moment of a WOPI request, whatever their token
    allowed when it was made: the team service's folder rules (team.access.FolderGuard). A
    user's own server has none: there, the token's permission stands."""

    async def permission(self, user_id: str, file: FileRef) -> Permission: ...


@dataclass
class WopiHost:
    settings: HostSettings
    server_base_path: str  # Jupyter's base_url, e.g. "/user/alice/"
    wopi_base: str  # Jupyter as ONLYOFFICE reaches it, base_url included, ending in "/"
    signer: TokenSigner
    state: State
    files: FileResolver
    discovery: DiscoveryClient
    proofs: ProofChecker
    probes: ProbeRegistry = field(default_factory=ProbeRegistry)
    serves_lab: bool = True  # False for the team-folder service: no lab of its own
    rules: FileRules | None = None  # checked on every WOPI request (team folders)
    events: FileEvents = field(default_factory=FileEvents)  # no-op unless the server sets one
    versions: VersionBlobs | None = None  # where kept versions' bytes are; None: none kept
    upkeep: Upkeep = field(default_factory=Upkeep)  # after answers: hashing, thinning versions
    images: ImageShelf = field(default_factory=ImageShelf)  # image URLs ONLYOFFICE downloads

    def mint_token(self, file: FileRef, opener: Opener, can_write: bool) -> TokenClaims:
        expires_ms = int((time.time() + self.settings.token_ttl) * 1000)
        return TokenClaims(
            file.file_id,
            opener.user_id,
            opener.user_name,
            can_write,
            expires_ms,
            opener.origin,
            opener.lab_tree,
            opener.lab_tree_root,
            self.wopi_base,
        )

    # The one place that builds URLs (GUIDE: reverse proxies make URL building error-prone).

    def wopi_src(self, file_id: str) -> str:
        # spec §2.4: WOPISrc never carries a query string or fragment
        return f"{self.wopi_base}wopi/files/{file_id}"

    def image_url(self, secret: str) -> str:
        """An image capability's URL, on the base ONLYOFFICE reaches Jupyter at (its server
        downloads it), never the browser's address; no token of any kind in it."""
        return f"{self.wopi_base}wopi/images/{secret}"

    def versions_page_url(self, claims: TokenClaims, api_path: str) -> str:
        """The standalone Version History page of a file (FileVersionUrl), "" where this host
        serves no pages (the team service: the lab's panel shows team files' versions)."""
        if not (self.serves_lab and claims.origin and self.versions is not None):
            return ""
        return f"{claims.origin}{self.server_base_path}wopi/versions/{quote(api_path)}"

    def lab_url(self, claims: TokenClaims, api_path: str) -> str:
        """A URL that opens a file or folder in the token holder's JupyterLab, "" when there
        is none (a file outside the team folder the opener's lab shows)."""
        tree, root = claims.lab_tree, claims.lab_tree_root
        if not tree and claims.origin and self.serves_lab:
            tree = f"{claims.origin}{self.server_base_path}lab/tree/"
        if not tree:
            return ""
        if root:
            if api_path != root and not api_path.startswith(root + "/"):
                return ""
            api_path = api_path[len(root) + 1 :]
        return tree + quote(api_path)

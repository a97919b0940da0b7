"""The WOPI host's shared services, built once by the extension and used by the handlers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import quote

from .fileids import FileRef, FileResolver
from .onlyoffice import DiscoveryClient
from .probe import ProbeRegistry
from .proof_policy import ProofChecker
from .state import State
from .tokens import TokenClaims, TokenSigner


@dataclass(frozen=True)
class HostSettings:
    token_ttl: int  # seconds
    save_grace: int  # seconds a token keeps working for saves after it expired
    max_file_size: int  # bytes
    upload_idle_timeout: float = 300.0  # seconds an upload may stall before it is abandoned


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

    def mint_token(
        self, file: FileRef, user_id: str, user_name: str, can_write: bool, origin: str
    ) -> TokenClaims:
        expires_ms = int((time.time() + self.settings.token_ttl) * 1000)
        return TokenClaims(file.file_id, user_id, user_name, can_write, expires_ms, origin)

    # The one place that builds URLs (GUIDE: reverse proxies make URL building error-prone).

    def wopi_src(self, file_id: str) -> str:
        # spec §2.4: WOPISrc never carries a query string or fragment
        return f"{self.wopi_base}wopi/files/{file_id}"

    def lab_url(self, origin: str, api_path: str) -> str:
        """A URL that opens a file or folder in JupyterLab in the user's browser."""
        return f"{origin}{self.server_base_path}lab/tree/{quote(api_path)}"

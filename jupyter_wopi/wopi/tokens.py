"""WOPI access tokens: HMAC-signed, self-contained, URL-safe (spec §11.3).

A token binds one file id, one Jupyter user and one permission until an expiry. It is
signed with a per-installation secret kept on disk, so tokens survive a server restart
and editors stay open through it. Tokens contain only `[A-Za-z0-9_-]`, so the raw and
the percent-encoded form are identical (spec §4.4 pitfalls).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass

_SIGNATURE_CHARS = 43  # base64url of a 32-byte HMAC-SHA256, unpadded
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{44,4096}")
_DOMAIN = b"jupyter_wopi.access_token.v1:"
_VERIFIED_TOKENS = 1024  # valid tokens remembered (a few per open editor)


@dataclass(frozen=True)
class TokenClaims:
    file_id: str
    user_id: str
    user_name: str
    can_write: bool
    expires_ms: int  # absolute, milliseconds since the epoch (access_token_ttl)
    origin: str = ""  # the lab's origin, for PostMessageOrigin and lab URLs
    # Team folders: the lab URL showing the host's folder `lab_tree_root` (host.lab_url).
    lab_tree: str = ""
    lab_tree_root: str = ""
    # Where ONLYOFFICE was told to reach the host (the WOPISrc's base): the URL it signs, even
    # after the base changes while the editor is open.
    wopi_base: str = ""


class InvalidToken(Exception):
    """The token is missing, forged, expired or for another file: answer 401."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _well_typed(claims: TokenClaims) -> bool:
    strings = (
        claims.file_id,
        claims.user_id,
        claims.user_name,
        claims.origin,
        claims.lab_tree,
        claims.lab_tree_root,
        claims.wopi_base,
    )
    return (
        all(isinstance(value, str) for value in strings)
        and isinstance(claims.can_write, bool)
        and isinstance(claims.expires_ms, int)
        and not isinstance(claims.expires_ms, bool)
    )


class TokenSigner:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("The token secret must be at least 32 bytes.")
        self._secret = secret
        # An editor sends its one token with every request: remember the ones found valid.
        self._verified: OrderedDict[str, TokenClaims] = OrderedDict()

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self._secret, _DOMAIN + payload.encode("ascii"), hashlib.sha256)
        return _b64(mac.digest())

    def mint(self, claims: TokenClaims) -> str:
        payload = _b64(json.dumps(asdict(claims), separators=(",", ":")).encode("utf-8"))
        return payload + self._sign(payload)

    def verify(
        self, token: str | None, file_id: str, now_ms: int, grace_ms: int = 0
    ) -> TokenClaims:
        """Claims of a valid token for `file_id`; `grace_ms` extends the expiry (saves only)."""
        claims = self._verified.get(token or "")
        if claims is None:
            claims = self._claims_of(token)
            self._verified[token or ""] = claims
            if len(self._verified) > _VERIFIED_TOKENS:
                self._verified.popitem(last=False)
        if claims.file_id != file_id:
            raise InvalidToken("access token belongs to another file")
        if now_ms >= claims.expires_ms + grace_ms:
            raise InvalidToken("access token has expired")
        return claims

    def _claims_of(self, token: str | None) -> TokenClaims:
        """The claims of a token signed by us; InvalidToken for anything else."""
        if not token or not _TOKEN_RE.fullmatch(token):
            raise InvalidToken("missing or malformed access token")
        payload, signature = token[:-_SIGNATURE_CHARS], token[-_SIGNATURE_CHARS:]
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidToken("access token signature does not match")
        try:
            claims = TokenClaims(**json.loads(_unb64(payload)))
        except (ValueError, TypeError) as err:
            raise InvalidToken("access token payload is unreadable") from err
        if not _well_typed(claims):  # signed by us, yet not what mint() writes
            raise InvalidToken("access token payload is unreadable")
        return claims

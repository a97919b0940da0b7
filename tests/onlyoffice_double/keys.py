"""Proof keys of the double (spec §4, client-behavior §8) and knobs to break them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from jupyter_wopi.wopi.proof_keys import discovery_proof_key_attributes, sign_proof


def generate_key() -> RSAPrivateKey:
    """RSA 2048 / e=65537, like run-document-server.sh."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Tamper:
    """Ways to make the double's WOPI requests wrong, for negative host tests."""

    timestamp_offset_s: float = 0.0  # added to X-WOPI-TimeStamp (e.g. -21 * 60: stale)
    forge_proof: bool = False  # X-WOPI-Proof signed with a key that discovery never showed
    forge_proof_old: bool = False  # same for X-WOPI-ProofOld
    omit_proofs: bool = False  # no proof headers although keys are configured
    # Signs transform(url) instead of the URL actually requested (e.g. a proxy rewrite).
    sign_url: Callable[[str], str] | None = None
    sign_token: str | None = None  # sign this token instead of the one sent


class ProofKeyPair:
    """wopi.privateKey / wopi.privateKeyOld. The Docker image writes one generated key into
    both slots, so initially current is old (discovery shows value == oldvalue). Whether the
    keys are configured at all is `Settings.proof_keys`."""

    def __init__(self, key: RSAPrivateKey | None = None) -> None:
        self.current = key or generate_key()
        self.old = self.current
        self._foreign: RSAPrivateKey | None = None

    def rotate(self, new_key: RSAPrivateKey | None = None) -> None:
        """New current key; the previous current key becomes the old one (spec §4.4)."""
        self.old = self.current
        self.current = new_key or generate_key()

    @property
    def foreign(self) -> RSAPrivateKey:
        """A key unknown to every discovery document, for forged proofs."""
        if self._foreign is None:
            self._foreign = generate_key()
        return self._foreign

    def discovery_attributes(self) -> dict[str, str]:
        """`<proof-key>` attributes (spec §2.2)."""
        return discovery_proof_key_attributes(self.current, self.old)

    def proof_headers(self, token: str, url: str, timestamp: int, tamper: Tamper) -> dict[str, str]:
        """X-WOPI-Proof / X-WOPI-ProofOld (§4.1, §4.2)."""
        if tamper.omit_proofs:
            return {}
        signed_url = tamper.sign_url(url) if tamper.sign_url else url
        signed_token = token if tamper.sign_token is None else tamper.sign_token
        current = self.foreign if tamper.forge_proof else self.current
        old = self.foreign if tamper.forge_proof_old else self.old
        return {
            "X-WOPI-Proof": sign_proof(current, signed_token, signed_url, timestamp),
            "X-WOPI-ProofOld": sign_proof(old, signed_token, signed_url, timestamp),
        }

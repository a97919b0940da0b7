"""Whether a WOPI request really comes from ONLYOFFICE: proof keys under the configured
policy (spec §4.4). `auto` requires valid proofs whenever discovery publishes a key."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from enum import Enum

from ..errors import Refused
from ..wopi.proof_keys import (
    ProofKeys,
    ProofResult,
    parse_timestamp,
    timestamp_is_fresh,
    verify_proof,
)
from .discovery_client import DiscoveryClient, OnlyOfficeUnavailable


class ProofPolicy(str, Enum):
    AUTO = "auto"
    REQUIRE = "require"
    OFF = "off"


def _refused(message: str) -> Refused:
    return Refused(500, f"Proof-key check failed: {message}")  # Microsoft's rule: 500


class ProofChecker:
    def __init__(self, policy: ProofPolicy, discovery: DiscoveryClient) -> None:
        self.policy = policy
        self.discovery = discovery

    async def check(self, token: str, urls: Sequence[str], headers: Mapping[str, str]) -> None:
        """Raise Refused unless the request is acceptable under the policy.

        `urls`: the request URL as ONLYOFFICE may have built it, most likely first: the
        public WOPISrc (from JUPYTER_WOPI_BASE_URL, not the Host header) plus path suffix and
        raw query string.
        """
        if self.policy is ProofPolicy.OFF:
            return
        if self.policy is ProofPolicy.AUTO and not self.discovery.configured:
            return  # no ONLYOFFICE configured: nothing publishes keys
        try:
            keys = await self.discovery.proof_keys()
        except OnlyOfficeUnavailable as err:
            raise _refused(f"ONLYOFFICE's keys are unavailable. {err}") from err
        if keys is None:
            if self.policy is ProofPolicy.AUTO:
                return  # discovery publishes no key: ONLYOFFICE sends no proofs (§4.1)
            raise _refused("JUPYTER_WOPI_PROOF_KEYS=require, but discovery has no proof key.")
        timestamp = parse_timestamp(headers.get("X-WOPI-TimeStamp"))
        if timestamp is None or not timestamp_is_fresh(timestamp, time.time()):
            raise _refused("X-WOPI-TimeStamp is missing or more than 20 minutes old.")
        proof, proof_old = headers.get("X-WOPI-Proof"), headers.get("X-WOPI-ProofOld")

        def verify(keys: ProofKeys) -> ProofResult:
            """The best outcome over the URLs (usually one)."""
            best = ProofResult.INVALID
            for url in urls:
                result = verify_proof(keys, token, url, timestamp, proof, proof_old)
                if result is ProofResult.VALID_CURRENT:
                    return result
                if result.accepted:
                    best = result
            return best

        result = verify(keys)
        if result is not ProofResult.VALID_CURRENT and await self._rotated():
            # Only the old key (or none) matched: ONLYOFFICE may have rotated its keys.
            keys = await self.discovery.proof_keys()
            if keys is not None:
                result = verify(keys)
        if not result.accepted:
            raise _refused(
                "the signature does not match ONLYOFFICE's keys. Check that "
                "JUPYTER_WOPI_BASE_URL is exactly the URL ONLYOFFICE uses to reach Jupyter."
            )

    async def _rotated(self) -> bool:
        return await self.discovery.refetch_after_proof_failure()

"""CheckFileInfo for the doctor's probe documents (see jupyter_wopi.onlyoffice.probes)."""

from __future__ import annotations

import time

from jupyter_server.auth.decorator import allow_unauthenticated

from ..errors import Refused
from ..onlyoffice.probes import PROBE_NAME
from .wopi_base import WopiHandler


class ProbeHandler(WopiHandler):
    @allow_unauthenticated
    async def get(self, file_id: str) -> None:
        probe = self.host.probes.get(file_id)
        token = self.access_token()
        claims = self.host.signer.verify(token, file_id, int(time.time() * 1000))
        if probe is None:
            raise Refused(404, "This probe has expired.")
        try:
            await self.host.proofs.check(
                token or "", self.signed_urls(claims), self.request.headers
            )
        except Refused as err:
            probe.proof_error = err.message
        probe.arrived.set()
        self.write_json(
            {
                "BaseFileName": PROBE_NAME,
                "OwnerId": "jupyter_wopi",
                "Size": 1,
                "Version": "probe",
                "UserId": claims.user_id,
                "UserFriendlyName": claims.user_name,
                "UserCanWrite": False,
                "ReadOnly": True,
            }
        )

"""A stand-in ONLYOFFICE for the benchmark: it serves a real DocService 9.3 discovery with a
proof key of our own, and signs requests with it, so that the WOPI host checks a proof on
every request as it does in production."""

from __future__ import annotations

import http.server
import re
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from jupyter_wopi.wopi.proof_keys import (
    discovery_proof_key_attributes,
    sign_proof,
    ticks_from_unix_ms,
)

DISCOVERY = Path(__file__).resolve().parents[1] / "tests" / "data" / "onlyoffice-discovery-9.3.xml"


class ProofSigner:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        attributes = discovery_proof_key_attributes(self.key, self.key)
        element = "<proof-key " + " ".join(f'{k}="{v}"' for k, v in attributes.items()) + "/>"
        self.discovery = re.sub(r"<proof-key [^>]*/>", element, DISCOVERY.read_text()).encode()
        self._server: http.server.ThreadingHTTPServer | None = None

    def headers(self, token: str, url: str) -> dict[str, str]:
        """X-WOPI-TimeStamp, X-WOPI-Proof and X-WOPI-ProofOld for a request to `url` (valid
        for 20 minutes: sign again for each round)."""
        timestamp = ticks_from_unix_ms(int(time.time() * 1000))
        proof = sign_proof(self.key, token, url, timestamp)
        return {"X-WOPI-TimeStamp": str(timestamp), "X-WOPI-Proof": proof, "X-WOPI-ProofOld": proof}

    def serve(self) -> str:
        """Start serving discovery on 127.0.0.1; returns ONLYOFFICE's URL."""
        body = self.discovery

        class Discovery(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

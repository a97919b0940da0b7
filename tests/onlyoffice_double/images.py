"""Images inserted from a URL (Action_InsertGraphic, client-behavior §10): the editor hands
the URL to DS, whose server downloads it (no cookies, no token, the download limits of
`FileConverter.converter`), checks that the bytes are an image and puts it into the
document. The double keeps each attempt's bytes, so a test can compare them."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from .settings import Settings

# The image formats the double recognises by their first bytes (DS's formatChecker knows
# more; these are the ones ONLYOFFICE inserts from a URL in every editor).
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


@dataclass
class InsertedImage:
    """One Action_InsertGraphic: what DS downloaded and whether it went into the document."""

    url: str
    user_id: str
    status: int  # the download's HTTP status; 599 when nothing answered
    data: bytes = b""
    content_type: str = ""  # as the bytes say; "" when they are no image
    error: str = ""  # what the editor would show; "" when the image was inserted
    at: float = field(default_factory=time.time)

    @property
    def inserted(self) -> bool:
        return not self.error

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def image_type(data: bytes) -> str:
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), "")


async def download_image(url: str, user_id: str, settings: Settings) -> InsertedImage:
    """DS's download of an image URL, server side: a plain GET within the download limits.
    Never raises: a failure is recorded with the sentence the editor shows."""
    if not url.startswith(("http://", "https://")):
        return InsertedImage(url, user_id, 0, error="the image URL is not http(s)")
    try:
        response = await AsyncHTTPClient().fetch(
            url,
            request_timeout=settings.download_timeout,
            follow_redirects=False,
        )
    except HTTPClientError as err:
        return InsertedImage(url, user_id, err.code, error=f"the image URL answered {err.code}")
    except OSError as err:
        return InsertedImage(url, user_id, 599, error=f"the image URL cannot be reached ({err})")
    data = response.body
    if len(data) > settings.max_download_bytes:
        return InsertedImage(
            url, user_id, response.code, error="the image exceeds maxDownloadBytes"
        )
    kind = image_type(data)
    if not kind:
        return InsertedImage(url, user_id, response.code, data, error="this is not an image")
    return InsertedImage(url, user_id, response.code, data, kind)

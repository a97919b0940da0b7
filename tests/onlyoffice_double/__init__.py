"""A test double of ONLYOFFICE Docs as a WOPI client (shared/spec/onlyoffice-client-behavior.md).

    double = OnlyOfficeDouble(download_attempt_delay=0)   # knobs: see Settings
    await double.start()                                  # 127.0.0.1, free port
    page = await double.open(wopi_src, token, ttl)        # the host-page form POST
    session, user = page.session, page.user
    await session.load(); session.edit(user, b"new"); await session.force_save()
    await session.close(user)
    assert double.operations() == ["CheckFileInfo", "Lock", "GetFile", "PutFile", "Unlock"]

Fixtures `onlyoffice` / `onlyoffice_factory` live in `onlyoffice_double.fixtures`.
Standalone, for demos and manual tests: `python -m tests.onlyoffice_double` (`__main__.py`).
"""

from .keys import ProofKeyPair, Tamper
from .opening import EditorPage
from .server import OnlyOfficeDouble
from .session import DocumentSession, FailedOpen
from .settings import Settings
from .users import EditorUser, PageEvent
from .wopi_calls import Call

__all__ = [
    "Call",
    "DocumentSession",
    "EditorPage",
    "EditorUser",
    "FailedOpen",
    "OnlyOfficeDouble",
    "PageEvent",
    "ProofKeyPair",
    "Settings",
    "Tamper",
]

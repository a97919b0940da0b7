"""Who a Jupyter user is, in words other people read: lock badges, ONLYOFFICE's co-editor
list and the names of conflict copies."""

from __future__ import annotations

import functools
import getpass
import os
import re
from typing import Any, TypeVar

from ..state.records import HOLDER_SEPARATOR, holder_names
from ..wire import LockJson

Lock = TypeVar("Lock", bound=LockJson)  # a file's lock, or an entry of the list of locks

# jupyter_server's token login knows no person: it makes up "Anonymous Hegemone" with a
# random id per browser (IdentityProvider.generate_anonymous_user).
_ANONYMOUS_ID = re.compile(r"[0-9a-f]{32}")


def is_made_up(user: Any) -> bool:
    """Whether Jupyter invented this user for a token login (a new one per browser)."""
    return bool(
        _ANONYMOUS_ID.fullmatch(str(getattr(user, "username", "")))
        and str(getattr(user, "name", "")).startswith("Anonymous ")
    )


@functools.cache  # the account does not change while the server runs; the lab polls often
def os_user() -> tuple[str, str]:
    """The operating-system account this server runs as: (login, full name or login)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers with arbitrary uids)
        login = f"uid {os.getuid()}" if hasattr(os, "getuid") else "user"
    full_name = ""
    try:
        import pwd

        full_name = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):
        pass
    return login, full_name or login


def person(user: Any) -> tuple[str, str]:
    """A stable (id, name) for a Jupyter user: the identity provider's when it knows the
    person, else the operating-system user (a laptop with token login is one person)."""
    if is_made_up(user):
        return os_user()
    name = str(getattr(user, "display_name", "") or getattr(user, "name", "") or "")
    user_id = str(getattr(user, "username", "") or name)
    return user_id, name or user_id


def mark_viewer(lock: Lock | None, viewer_name: str) -> Lock | None:
    """A lock as the viewer reads it: whether they hold it ("you") and who else does."""
    if lock is None:
        return None
    holders = holder_names(lock["holder_name"])
    marked = lock.copy()
    marked["you"] = viewer_name in holders
    marked["others"] = HOLDER_SEPARATOR.join(name for name in holders if name != viewer_name)
    return marked


def editors_seen_by(holder_name: str, viewer_name: str) -> str:
    """Who holds a lock, as the viewer reads it: "you", "you and Ada", "Ada, Grace"."""
    holders = holder_names(holder_name)
    others = HOLDER_SEPARATOR.join(name for name in holders if name != viewer_name)
    if viewer_name not in holders:
        return others
    return f"you and {others}" if others else "you"

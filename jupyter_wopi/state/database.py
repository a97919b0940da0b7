"""What both state databases offer: transactions handing out a `Store`, the token secret,
and failures told as sentences."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

from .schema import Dialect
from .store import Store

T = TypeVar("T")


class StateUnavailable(Exception):
    """The state database cannot be reached or used right now: answer 503 with the reason."""


class ServerStopping(StateUnavailable):
    """The Jupyter server is stopping and has closed its state: a request that comes in
    meanwhile is answered 503, quietly (nothing is wrong)."""

    def __init__(self) -> None:
        super().__init__("The Jupyter server is stopping; try again once it is back.")


class WouldWait(Exception):
    """This database cannot answer at once on the calling thread."""


class Database(abc.ABC):
    dialect: Dialect
    description: str  # where the state lives, for logs and sentences (never a password)
    scope: str  # the served folder whose files, locks and conflicts this handle sees
    remedy = ""  # what to check when it cannot be used, naming the setting

    @abc.abstractmethod
    def transaction(self, write: bool = False) -> contextlib.AbstractContextManager[Store]:
        """One transaction, committed when the block ends and rolled back when it raises.
        A write transaction may change the state; call it from a worker thread."""

    def read_without_waiting(self, work: Callable[[Store], T]) -> T:
        """Run a read of one statement at once on the calling thread if the database can
        answer without waiting for anything (a lock, the network); WouldWait otherwise."""
        raise WouldWait

    async def change_version(self) -> int | None:
        """A number that stays the same while what CheckFileInfo reads from the state
        (UserInfo, reopen counts) stays the same: every change committed before the call,
        by this process or another, changes it. Called on the event loop, quickly. None:
        this database cannot tell, so it is read every time."""
        return None

    @abc.abstractmethod
    def token_secret(self) -> bytes:
        """The secret that signs access tokens, shared by every process of this state."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def unavailable(self, reason: str) -> StateUnavailable:
        """The sentence for a failure: which database, why (one line), what to check."""
        reason = " ".join(reason.split()).rstrip(".")
        return StateUnavailable(
            f"The jupyter_wopi state database ({self.description}) cannot be used: "
            f"{reason}. {self.remedy}".rstrip()
        )

    @contextlib.contextmanager
    def unavailable_as_sentence(self, *errors: type[Exception]) -> Iterator[None]:
        try:
            yield
        except errors as err:
            raise self.unavailable(str(err)) from err

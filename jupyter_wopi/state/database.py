"""What both state databases offer: transactions handing out a `Store`, the token secret,
and failures told as sentences."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator

from .schema import Dialect
from .store import Store


class StateUnavailable(Exception):
    """The state database cannot be reached or used right now: answer 503 with the reason."""


class Database(abc.ABC):
    dialect: Dialect
    description: str  # where the state lives, for logs and sentences (never a password)

    @abc.abstractmethod
    def transaction(self, write: bool = False) -> contextlib.AbstractContextManager[Store]:
        """One transaction, committed when the block ends and rolled back when it raises.
        A write transaction may change the state; call it from a worker thread."""

    @abc.abstractmethod
    def token_secret(self) -> bytes:
        """The secret that signs access tokens, shared by every process of this state."""

    @abc.abstractmethod
    def close(self) -> None: ...

    @contextlib.contextmanager
    def unavailable_as_sentence(self, *errors: type[Exception]) -> Iterator[None]:
        try:
            yield
        except errors as err:
            raise StateUnavailable(
                f"The jupyter_wopi state database ({self.description}) cannot be used: "
                f"{err}".rstrip()
            ) from err

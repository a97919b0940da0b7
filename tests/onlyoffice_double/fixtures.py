"""pytest fixtures. Use with `pytest_plugins = ("onlyoffice_double.fixtures",)` in a test
module or the root conftest.py (pytest-jupyter runs async tests on `jp_asyncio_loop`, so
the double is started and stopped on that loop)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .server import OnlyOfficeDouble

# Tests should not wait DS's real 1 s between GetFile attempts or 5 s before exit saves.
TEST_KNOBS: dict[str, Any] = {"download_attempt_delay": 0.01, "save_timeout_delay": 0.01}


@pytest.fixture
def onlyoffice_factory(
    jp_asyncio_loop: asyncio.AbstractEventLoop,
) -> Iterator[Callable[..., OnlyOfficeDouble]]:
    """Start doubles with custom knobs, also from inside an async test:
    `make(proof_keys=False)`. All stop after the test."""
    started: list[OnlyOfficeDouble] = []

    def make(**knobs: Any) -> OnlyOfficeDouble:
        double = OnlyOfficeDouble(**{**TEST_KNOBS, **knobs})
        double.listen()
        started.append(double)
        return double

    yield make
    for double in started:
        jp_asyncio_loop.run_until_complete(double.stop())


@pytest.fixture
def onlyoffice(onlyoffice_factory: Callable[..., OnlyOfficeDouble]) -> OnlyOfficeDouble:
    """A running ONLYOFFICE Docs double with default (test-speed) knobs."""
    return onlyoffice_factory()

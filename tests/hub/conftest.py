"""Fixtures of the JupyterHub tests: one ONLYOFFICE double and one JupyterHub (with alice's and
bob's servers running) per module. The tests skip, with the reason, when jupyterhub or
configurable-http-proxy is missing, unless JUPYTER_WOPI_REQUIRE_HUB=1 (CI), where they fail.
A failing test's report ends with the log of the hub, its proxy and the servers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

# The double's runner lives with the browser tests (tests/ui is not a package). It imports
# onlyoffice_double.fixtures, a plugin of the flow tests, before pytest loads that plugin:
# registered first, the early import gets pytest's assert rewriting (no "already imported").
sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))
pytest.register_assert_rewrite("onlyoffice_double.fixtures")

from lab_harness import DoubleRunner  # noqa: E402

from .hub_harness import Hub, HubBrowser, missing_prerequisite  # noqa: E402

USERS = ("alice", "bob")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    hub = getattr(item, "funcargs", {}).get("hub")
    if report.failed and isinstance(hub, Hub):
        report.sections.append(
            ("JupyterHub, proxy and single-user servers (log tail)", hub.log_tail())
        )
    return report


@pytest.fixture(scope="module")
def double() -> Iterator[DoubleRunner]:
    """The ONLYOFFICE Docs of every server of the hub."""
    with closing(DoubleRunner()) as runner:
        yield runner


def skip_unless_hubs_can_run() -> None:
    reason = missing_prerequisite()
    if reason is not None:
        if os.environ.get("JUPYTER_WOPI_REQUIRE_HUB") == "1":  # CI: never skip silently
            pytest.fail(f"JUPYTER_WOPI_REQUIRE_HUB=1 but {reason}")
        pytest.skip(f"JupyterHub tests: {reason}")


def running(hub: Hub) -> Iterator[Hub]:
    """Start the hub and all its users' servers (at once: they start in parallel); stop
    it all at the end."""
    try:
        hub.start()
        hub.spawn(hub.users)
        yield hub
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def hub(double: DoubleRunner, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A running JupyterHub; alice's and bob's servers are started and ready."""
    skip_unless_hubs_can_run()
    single_user_env = {"JUPYTER_WOPI_ONLYOFFICE_URL": double.url + "/"}
    yield from running(Hub(tmp_path_factory.mktemp("hub"), USERS, single_user_env))


@pytest.fixture(scope="module")
def browsers(hub: Hub) -> dict[str, HubBrowser]:
    """Each user's browser, logged in to the hub."""
    return log_in_all(hub, USERS)


def log_in_all(hub: Hub, users: tuple[str, ...]) -> dict[str, HubBrowser]:
    logged_in = {}
    for name in users:
        browser = HubBrowser(hub, name)
        response = browser.log_in()
        assert response.status_code == 302, (response.status_code, response.text[:500])
        logged_in[name] = browser
    return logged_in

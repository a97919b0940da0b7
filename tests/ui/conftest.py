"""Fixtures of the browser tests: one Chromium for the run, one JupyterLab server and one
ONLYOFFICE double per module, a fresh browser context and lab workspace per test. A failing
test leaves a screenshot and the server log's tail in the artifacts folder."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lab_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DoubleRunner,
    LabPage,
    LabServer,
    artifacts_dir,
    missing_prerequisite,
    running_lab_server,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

UI_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Last in a whole run: Playwright's session-wide browser keeps its event loop running in
    # the main thread until the session ends, and the in-process servers' loop fixtures of
    # later tests cannot close theirs under it ("Cannot close a running event loop").
    items.sort(key=lambda item: UI_DIR in Path(str(item.path)).parents)
    reason = missing_prerequisite()
    if reason is None:
        return
    if os.environ.get("JUPYTER_WOPI_REQUIRE_BROWSER") == "1":  # CI: never skip silently
        raise pytest.UsageError(f"JUPYTER_WOPI_REQUIRE_BROWSER=1 but {reason}")
    skip = pytest.mark.skip(reason=f"browser tests: {reason}")
    for item in items:
        if UI_DIR in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"ui_report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """pytest-jupyter's autouse loop fixture would pick up and close Playwright's running
    loop; these tests run no server in-process, so each gets a private, idle loop."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No in-process ServerApp to clean up (the servers here are subprocesses)."""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def double() -> Iterator[DoubleRunner]:
    runner = DoubleRunner()
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture(scope="module")
def lab_server(
    double: DoubleRunner, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    """JupyterLab with the double as its ONLYOFFICE Docs."""
    with running_lab_server(tmp_path_factory.mktemp("lab"), double.url + "/") as server:
        yield server


def save_failure(lab: LabPage, server: LabServer) -> None:
    """A screenshot and the logs of a failed test, in the artifacts folder."""
    folder = artifacts_dir()
    try:
        lab.page.screenshot(path=str(folder / f"FAILED-{lab.name}.png"), timeout=5_000)
    except Exception as err:  # the page may be gone; the logs matter more
        print(f"no failure screenshot: {err}")
    sections = {
        "page errors": lab.page_errors,
        "failed responses": lab.failed_responses,
        "console": lab.console,
        "server log": [server.log_tail(200)],
    }
    text = "\n".join(f"== {title}\n" + "\n".join(lines) for title, lines in sections.items())
    (folder / f"FAILED-{lab.name}.log").write_text(text)


@pytest.fixture
def lab(
    browser: Browser, lab_server: LabServer, request: pytest.FixtureRequest
) -> Iterator[LabPage]:
    """The lab in a new browser context, on a fresh workspace named after the test."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    lab = LabPage(context.new_page(), lab_server, name)
    try:
        try:
            lab.open()
        except Exception:
            save_failure(lab, lab_server)
            raise
        yield lab
        report = getattr(request.node, "ui_report_call", None)
        if report is not None and report.failed:
            save_failure(lab, lab_server)
    finally:
        context.close()

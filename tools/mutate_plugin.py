"""pytest plugin used only by tools/mutate.py (`-p mutate_plugin`, from a worker directory).

- Names coverage contexts after pytest node ids: the running test's id becomes the dynamic
  context of this process and, through `MUTATE_TEST_ID` (read by the generated coverage
  rcfile as its static context), the context of any `jupyter server` subprocess it starts.
- Records each test's duration and outcome in the JSON file named by `MUTATE_RESULT`.
- Refuses to run when `jupyter_wopi` was not imported from the worker's copy (`MUTATE_WORKER`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_results: dict[str, dict[str, Any]] = {}


def pytest_configure(config: pytest.Config) -> None:
    worker = os.environ.get("MUTATE_WORKER")
    if not worker:
        return
    import jupyter_wopi

    where = Path(jupyter_wopi.__file__).resolve()
    if not where.is_relative_to(Path(worker).resolve()):
        raise pytest.UsageError(f"mutate_plugin: jupyter_wopi imported from {where}, not {worker}")


def _coverage() -> Any:
    try:
        import coverage
    except ImportError:
        return None
    return coverage.Coverage.current()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    os.environ["MUTATE_TEST_ID"] = item.nodeid
    cov = _coverage()
    if cov is not None:
        cov.switch_context(item.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    result = _results.setdefault(report.nodeid, {"duration": 0.0, "outcome": "passed"})
    result["duration"] += report.duration
    if report.failed:
        result["outcome"] = "failed"
        result["timeout"] = "Timeout" in report.longreprtext
    elif report.skipped and result["outcome"] == "passed":
        result["outcome"] = "skipped"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("MUTATE_RESULT")
    if path:
        Path(path).write_text(json.dumps({"exitstatus": int(exitstatus), "tests": _results}))

"""tools/release_version.py: the one version of a release (RELEASE.md), its Python spelling,
setting it without touching the rest of package.json, and the checks a release tag must pass."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "release_version.py"


@pytest.fixture
def tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The tool, on a package.json and a CHANGELOG.md of the test's own."""
    spec = importlib.util.spec_from_file_location("release_version", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "release_version", module)
    spec.loader.exec_module(module)
    package_json = tmp_path / "package.json"
    # prettier's layout of the real one: 4 spaces
    package_json.write_text('{\n    "name": "jupyter-wopi",\n    "version": "0.1.0"\n}\n')
    monkeypatch.setattr(module, "PACKAGE_JSON", package_json)
    monkeypatch.setattr(module, "CHANGELOG", tmp_path / "CHANGELOG.md")
    return module


@pytest.mark.parametrize(
    ("npm", "python"),
    [("0.1.0", "0.1.0"), ("1.2.3-rc.4", "1.2.3rc4"), ("2.0.0-alpha.1", "2.0.0a1"),
     ("2.0.0-beta.2", "2.0.0b2")],
)  # fmt: skip
def test_the_python_version_is_what_the_build_makes_of_the_npm_one(
    tool: ModuleType, npm: str, python: str
) -> None:
    assert tool.python_version(npm) == python


@pytest.mark.parametrize("bad", ["0.2", "v0.2.0", "0.2.0-dev.1", "0.2.0rc1", "0.2.0-rc"])
def test_a_version_the_build_could_not_spell_is_refused(tool: ModuleType, bad: str) -> None:
    with pytest.raises(tool.ReleaseError, match=r"MAJOR\.MINOR\.PATCH"):
        tool.set_version(bad)
    assert json.loads(tool.PACKAGE_JSON.read_text())["version"] == "0.1.0"


def test_setting_the_version_changes_that_line_only(tool: ModuleType) -> None:
    before = tool.PACKAGE_JSON.read_text()
    tool.set_version("0.2.0-rc.1")
    after = tool.PACKAGE_JSON.read_text()
    assert after == before.replace('"0.1.0"', '"0.2.0-rc.1"')
    assert tool.npm_version() == "0.2.0-rc.1"


def test_a_tag_must_name_the_version_and_have_its_changelog_section(tool: ModuleType) -> None:
    tool.CHANGELOG.write_text("# Changelog\n\n## [Unreleased]\n\n- things\n")
    with pytest.raises(tool.ReleaseError, match=r"tag v0\.1\.0"):
        tool.check_tag("v0.1.1")
    with pytest.raises(tool.ReleaseError, match=r"no section '## \[0\.1\.0\] - YYYY-MM-DD'"):
        tool.check_tag("v0.1.0")
    tool.CHANGELOG.write_text("# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-12-08\n")
    tool.check_tag("v0.1.0")


def test_a_pre_release_tag_needs_no_changelog_section(tool: ModuleType) -> None:
    tool.CHANGELOG.write_text("# Changelog\n\n## [Unreleased]\n")
    tool.set_version("0.2.0-rc.1")
    tool.check_tag("v0.2.0-rc.1")
    with pytest.raises(tool.ReleaseError):
        tool.check_tag("v0.2.0rc1")  # the Python spelling is not the tag

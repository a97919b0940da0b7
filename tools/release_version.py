"""The one version of a release (RELEASE.md). labextension/package.json holds it; the Python
package takes it from there at build time (hatch-nodejs-version, pyproject.toml), so the npm
package `jupyter-wopi` and the Python package `jupyter_wopi` never differ.

    python tools/release_version.py                 # the version, npm and Python spellings
    python tools/release_version.py --set 0.2.0     # set it (npm spelling: 0.2.0-rc.1)
    python tools/release_version.py --check-tag v0.2.0
        # exit 1 unless the tag names that version and CHANGELOG.md has its dated section
        # (a pre-release, v0.2.0-rc.1, needs no section of its own)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE_JSON = REPO / "labextension" / "package.json"
CHANGELOG = REPO / "CHANGELOG.md"
# npm's semver, with the pre-releases hatch-nodejs-version turns into PEP 440 ones
SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:-(alpha|beta|rc)\.(\d+))?")
PEP440_PRE = {"alpha": "a", "beta": "b", "rc": "rc"}


class ReleaseError(Exception):
    """What is wrong, as a sentence with the fix."""


def npm_version() -> str:
    return str(json.loads(PACKAGE_JSON.read_text())["version"])


def python_version(npm: str) -> str:
    """The version the wheel gets for this package.json version: 0.2.0-rc.1 → 0.2.0rc1."""
    match = SEMVER.fullmatch(npm)
    if match is None:
        raise ReleaseError(
            f"{npm!r} is not a version this project releases: use MAJOR.MINOR.PATCH, "
            "optionally with -alpha.N, -beta.N or -rc.N."
        )
    major, minor, patch, pre, number = match.groups()
    return f"{major}.{minor}.{patch}" + (f"{PEP440_PRE[pre]}{number}" if pre else "")


def set_version(new: str) -> None:
    python_version(new)  # refuses what the build could not turn into a Python version
    text = PACKAGE_JSON.read_text()
    # Only the version line changes: the file keeps its layout (prettier's 4 spaces).
    changed, count = re.subn(
        r'^(    "version": )"[^"]*"', rf'\g<1>"{new}"', text, count=1, flags=re.M
    )
    if count != 1:
        raise ReleaseError(f'{PACKAGE_JSON} has no top-level "version" line to change.')
    PACKAGE_JSON.write_text(changed)


def check_tag(tag: str) -> None:
    npm = npm_version()
    python = python_version(npm)
    if tag != f"v{npm}":
        raise ReleaseError(
            f"The tag {tag} does not name the version in labextension/package.json ({npm}): "
            f"tag v{npm}, or set the version with tools/release_version.py --set."
        )
    if re.search(r"[a-z]", python):
        return  # a pre-release (0.2.0rc1): its changes stay under Unreleased until the release
    heading = re.compile(rf"^## \[{re.escape(python)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", re.M)
    if not heading.search(CHANGELOG.read_text()):
        raise ReleaseError(
            f"CHANGELOG.md has no section '## [{python}] - YYYY-MM-DD': rename "
            "'## [Unreleased]' to it (and start a new empty Unreleased above)."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--set", metavar="VERSION", help="set the version (npm spelling)")
    action.add_argument("--check-tag", metavar="TAG", help="check a release tag (vX.Y.Z)")
    args = parser.parse_args()
    try:
        if args.set:
            set_version(args.set)
        elif args.check_tag:
            check_tag(args.check_tag)
        npm = npm_version()
        print(f"npm {npm}, Python {python_version(npm)}")
    except ReleaseError as err:
        print(f"release_version.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

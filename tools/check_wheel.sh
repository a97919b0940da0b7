#!/usr/bin/env bash
# The release as users get it; CI's wheel jobs run this, and so can a developer
# (docs/contributor.md, "The wheel"). Three steps (--steps picks some):
#   build    python -m build on a clean export of HEAD (what a tag releases: no uncommitted
#            file, no development build of the lab extension), twine check, and the versions
#            inside agree (wheel, lab extension, labextension/package.json)
#   install  the wheel into a fresh venv, then with no Node.js on PATH: both extensions
#            listed as enabled and OK, and a Jupyter server serving both (tools/wheel_smoke.py)
#   test     pytest from a copy of tests/ with no jupyter_wopi beside it, so every import, in
#            the tests and in the servers they start, is the installed wheel's
#
# Usage: tools/check_wheel.sh [--steps build,install,test] [--dist DIR] [--python PYTHON]
#                             [-- PYTEST ARGS]
#   --steps LIST   which steps, comma-separated (default: all three); install and test take
#                  the one wheel in DIST, built now or earlier (CI: by its build job)
#   --dist DIR     where the sdist and wheel go, or are taken from (default dist/)
#   --python PY    the Python the fresh venv is made with (default: python3); building uses
#                  python3 from PATH, which needs build and twine (pip install ".[release]")
#   PYTEST ARGS    default: the unit, api, flows and double layers, less the three tests that
#                  read the source tree (tests/ui and tests/hub need the checkout: CI runs
#                  them in its test jobs)
# Building needs Node.js >= 20 (the lab extension is compiled then); the rest does not.
set -euo pipefail
# All in one function, read whole before it runs: a checkout changing under a run (git pull)
# cannot change what the rest of it does.
main() {
cd "$(dirname "$0")/.."
REPO=$PWD

DIST=dist
PYTHON=python3
STEPS=build,install,test
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) STEPS=$2; shift 2 ;;
    --dist) DIST=$2; shift 2 ;;
    --python) PYTHON=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "check_wheel.sh: unknown argument $1 (see the comment at the top)" >&2; exit 2 ;;
  esac
done
step() { [[ ",$STEPS," == *",$1,"* ]]; }
PYTEST_ARGS=("$@")
if [ ${#PYTEST_ARGS[@]} -eq 0 ]; then
  PYTEST_ARGS=(tests/unit tests/api tests/flows tests/double
               --ignore=tests/unit/test_layers.py --ignore=tests/unit/test_wire_shapes.py
               --ignore=tests/unit/test_release_version.py)
fi
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jupyter-wopi-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if step build; then
  echo "== build (HEAD $(git rev-parse --short HEAD))"
  if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "note: uncommitted changes are not in this build: it builds HEAD, as a tag would"
  fi
  mkdir "$WORK/src"
  git archive --format=tar HEAD | tar -x -C "$WORK/src"
  if [ -d labextension/node_modules ]; then
    # The locked packages already installed here: no second install (CI has none, and the
    # build hook installs them from yarn.lock).
    ln -s "$REPO/labextension/node_modules" "$WORK/src/labextension/node_modules"
  fi
  rm -f "$DIST"/jupyter_wopi-*
  python3 -m build --outdir "$DIST" "$WORK/src"
  python3 -m twine check --strict "$DIST"/*
fi
shopt -s nullglob
wheels=("$DIST"/jupyter_wopi-*.whl)
if [ ${#wheels[@]} -ne 1 ]; then
  echo "check_wheel.sh: expected one jupyter_wopi wheel in $DIST, found ${#wheels[@]}" >&2
  exit 1
fi
WHEEL=${wheels[0]}

echo "== the versions inside $(basename "$WHEEL")"
python3 - "$WHEEL" <<'EOF'
import json, sys, zipfile

sys.path.insert(0, "tools")
from release_version import npm_version, python_version  # the one version (RELEASE.md)

wheel = sys.argv[1]
version = wheel.rsplit("/", 1)[-1].split("-")[1]
npm = npm_version()
with zipfile.ZipFile(wheel) as zf:
    names = zf.namelist()
    lab = [n for n in names if n.endswith("share/jupyter/labextensions/jupyter-wopi/package.json")]
    built = json.loads(zf.read(lab[0]))["version"] if lab else None
    module = zf.read("jupyter_wopi/_version.py").decode() if "jupyter_wopi/_version.py" in names else ""
needed = ["install.json", "etc/jupyter/jupyter_server_config.d/jupyter_wopi.json", "remoteEntry."]
missing = [n for n in needed if not any(n in name for name in names)]
problems = []
if python_version(npm) != version:
    problems.append(f"labextension/package.json says {npm}, the wheel is {version}")
if built != npm:
    problems.append(f"the wheel's lab extension says {built}, labextension/package.json {npm}")
# hatch writes its own spelling (0.2.0alpha3), PEP 440 normalises it (0.2.0a3)
written = module.rpartition("= ")[2].strip().strip("'\"").replace("alpha", "a").replace("beta", "b")
if written != python_version(npm):
    problems.append(f"jupyter_wopi/_version.py in the wheel does not say {version}")
if missing:
    problems.append(f"the wheel lacks {missing}")
if problems:
    sys.exit("check_wheel.sh: " + "; ".join(problems))
print(f"ok: wheel {version}, its lab extension {built}, package.json {npm}, _version.py agree")
EOF

if ! step install && ! step test; then
  echo "check_wheel.sh: $(basename "$WHEEL") built and checked"
  return 0
fi

echo "== install into a fresh venv ($("$PYTHON" --version))"
"$PYTHON" -m venv "$WORK/venv"
VENV=$WORK/venv
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "${WHEEL}[lab]"
# PATH with this venv only: nothing of Node.js (node, npm, jlpm) can be found.
NO_NODE_PATH=$VENV/bin
if PATH=$NO_NODE_PATH command -v node >/dev/null; then
  echo "check_wheel.sh: node is still on the venv's PATH" >&2
  exit 1
fi
if step install; then
  (cd "$WORK" && PATH=$NO_NODE_PATH "$VENV/bin/python" "$REPO/tools/wheel_smoke.py")
fi

if step test; then
  echo "== tests against the installed wheel: pytest ${PYTEST_ARGS[*]}"
  "$VENV/bin/python" -m pip install --quiet "${WHEEL}[test]"
  mkdir -p "$WORK/checkout"
  cp -r tests binder pyproject.toml "$WORK/checkout/"   # pyproject: pytest's settings
  cd "$WORK/checkout"
  "$VENV/bin/python" - <<'EOF'
import sys
import jupyter_wopi
if "site-packages" not in jupyter_wopi.__file__:
    sys.exit(f"check_wheel.sh: the tests would import {jupyter_wopi.__file__}, not the wheel")
print(f"the tests import {jupyter_wopi.__file__}")
EOF
  "$VENV/bin/python" -m pytest -p no:cacheprovider "${PYTEST_ARGS[@]}"
fi
echo "check_wheel.sh: $(basename "$WHEEL") passed"
}

main "$@"

#!/usr/bin/env bash
# The whole test suite: installs what it needs, then lint, types, Python and TypeScript tests.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"          # builds the lab extension (jlpm) if stale
npm install --silent --prefix .cache/chp --no-save configurable-http-proxy@4  # tests/hub's proxy
(cd labextension && jlpm install --immutable >/dev/null && jlpm build >/dev/null)

echo "== ruff";   ruff check jupyter_wopi tests benchmarks binder tools && ruff format --check jupyter_wopi tests benchmarks binder tools
echo "== mypy";   mypy
echo "== lab extension: lint and unit tests"
(cd labextension && jlpm lint:check && jlpm test)
echo "== pytest"
python -m pytest "$@"

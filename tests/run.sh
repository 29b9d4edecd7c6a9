#!/usr/bin/env bash
# Install tcdocs with its test tools into .venv and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test,server]" build
.venv/bin/python -m pytest "$@"

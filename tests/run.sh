#!/usr/bin/env bash
# Install what tcdocs and its tests need (Debian packages where possible, and .venv with
# the test and server extras) and run the test suite; arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/setup.sh
system_packages $RENDER_PACKAGES $TEST_PACKAGES
python_env test,server
.venv/bin/python -m pytest "$@"

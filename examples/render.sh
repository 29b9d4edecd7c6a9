#!/usr/bin/env bash
# Install what tcdocs needs (Debian packages where possible, and .venv with the HTTP
# service's extra) and render every example into out/ as DOCX and PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/setup.sh
system_packages $RENDER_PACKAGES
python_env server
.venv/bin/tcdocs render examples/*.yaml --out out "$@"

#!/usr/bin/env bash
# Install tcdocs (with the HTTP service, `tcdocs serve`) into .venv and render every example into out/ as DOCX and PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[server]"
.venv/bin/tcdocs render examples/*.yaml --out out "$@"

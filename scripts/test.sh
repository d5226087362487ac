#!/usr/bin/env bash
# Installs everything the test suite needs and runs it: the README's test command.
# Idempotent: a second run reuses the virtual environment and skips what is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The HTML report is tested in a real headless Chromium (Debian's package).
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "scripts/test.sh: chromium is needed for the HTML report test (apt-get install chromium)" >&2
    exit 1
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/python -m pytest "$@"

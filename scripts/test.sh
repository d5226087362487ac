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

# The differential tests' oracle (tests/differential): @cloud-copilot/iam-simulate, pinned by
# its lock file and installed into the ignored .oracle/ folder. AGPL: a test-time tool only,
# never shipped with or imported by xreg.
if ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "scripts/test.sh: Node.js and npm are needed for the differential tests (apt-get install nodejs npm)" >&2
    exit 1
  fi
fi
oracle=tests/differential/oracle
if ! cmp -s "$oracle/package-lock.json" .oracle/package-lock.json 2>/dev/null \
  || [ ! -d .oracle/node_modules/@cloud-copilot/iam-simulate ]; then
  mkdir -p .oracle
  cp "$oracle/package.json" "$oracle/package-lock.json" .oracle/
  npm ci --prefix .oracle --ignore-scripts --no-audit --no-fund --silent
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/python -m pytest "$@"

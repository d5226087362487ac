"""The differential tests' oracle, ``@cloud-copilot/iam-simulate`` (AGPL-3.0): installed at
test time into ``.oracle/`` from the pinned ``tests/differential/oracle/package-lock.json``
and driven through Node, one process per batch. Never shipped with or imported by xreg."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.plans import ROOT

HERE = Path(__file__).parent / "oracle"
PREFIX = ROOT / ".oracle"
PACKAGE = "@cloud-copilot/iam-simulate"


def installed_version() -> str | None:
    manifest = PREFIX / "node_modules" / PACKAGE / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text())["version"])


def pinned_version() -> str:
    return str(json.loads((HERE / "package.json").read_text())["dependencies"][PACKAGE])


def ensure_installed() -> Path:
    """``.oracle/`` with the pinned oracle (``npm ci``: exactly the lock file's packages)."""
    if installed_version() == pinned_version():
        return PREFIX
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the differential tests need Node.js and npm (apt-get install npm)")
    PREFIX.mkdir(exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / name, PREFIX / name)
    subprocess.run(
        [npm, "ci", "--prefix", str(PREFIX), "--ignore-scripts", "--no-audit", "--no-fund"],
        check=True,
        capture_output=True,
    )
    return PREFIX


def simulate(simulations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The oracle's verdict for each simulation, in order: ``{"result": ..., "ignored": [...]}``
    or ``{"error": ...}``."""
    prefix = ensure_installed()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the differential tests need Node.js")
    done = subprocess.run(
        [node, str(HERE / "simulate.mjs"), str(prefix)],
        input=json.dumps(simulations),
        capture_output=True,
        text=True,
        check=True,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results

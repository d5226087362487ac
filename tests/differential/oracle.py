"""The differential tests' oracle, ``@cloud-copilot/iam-simulate`` (AGPL-3.0): installed at
test time into ``.oracle/`` from the pinned ``tests/differential/oracle/package-lock.json``
and driven through Node, one process per batch. Never shipped with or imported by xreg."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Callable
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


def start(simulations: list[dict[str, Any]]) -> Callable[[], list[dict[str, Any]]]:
    """Start one Node process on the whole batch; the returned call waits for its verdicts,
    in order: ``{"result": ..., "ignored": [...]}`` or ``{"error": ...}``. The caller can
    work meanwhile."""
    prefix = ensure_installed()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the differential tests need Node.js")
    process = subprocess.Popen(
        [node, str(HERE / "simulate.mjs"), str(prefix)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    found: dict[str, tuple[str, str]] = {}

    def talk() -> None:
        found["output"] = process.communicate(json.dumps(simulations))

    thread = threading.Thread(target=talk, daemon=True)
    thread.start()

    def verdicts() -> list[dict[str, Any]]:
        thread.join()
        stdout, stderr = found["output"]
        if process.returncode != 0:
            raise RuntimeError(f"the oracle failed: {stderr.strip()}")
        results: list[dict[str, Any]] = json.loads(stdout)
        return results

    return verdicts


def simulate(simulations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return start(simulations)()

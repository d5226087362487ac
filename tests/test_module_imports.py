"""Every module of ``checker`` imports on its own, first, in a fresh interpreter: no import
cycle hides behind the order in which the commands happen to import them."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

_IMPORT_EACH = """
import importlib, pathlib, sys, traceback
root = pathlib.Path(sys.argv[1])
names = sorted(
    ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    for path in (root / "checker").rglob("*.py")
)
failed = []
for name in names:
    for loaded in [key for key in sys.modules if key == "checker" or key.startswith("checker.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print(len(names))
print("\\n".join(failed))
"""


def test_every_module_imports_alone() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=ROOT,
    )
    count, *failed = result.stdout.splitlines()
    assert int(count) > 100
    assert [line for line in failed if line] == []


def test_the_fix_planner_imports_first() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import checker.fix.suggest"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr

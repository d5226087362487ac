"""Benchmark of lint on one statement with many actions.

Measures, in-process on this machine, ``lint_plan`` on the AWS example whose bucket policy's
first statement lists N actions, for N in 2,000 / 4,000 / 8,000 / 50,000, in two shapes: one
wildcard repeated (``s3:Get*``) and distinct misspelt actions (``s3:GetObjectN``). Such
documents are past AWS's size limits, which ``xreg check`` refuses before linting; the size
check is skipped here to measure lint itself. Also the whole ``xreg check`` of the 50,000-action
plan, which is refused in one line.

Run: ``.venv/bin/python benchmarks/bench_lint.py``. Target: time per action about constant.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

# _common first: it puts the repository root on sys.path, for tests.*
from _common import xreg_command

from checker.lint import lint_plan
from checker.plan import loader
from tests.plans import copy_fixture

SIZES = (2_000, 4_000, 8_000, 50_000)
SHAPES = {
    "s3:Get* repeated": lambda n: ["s3:Get*"] * n,
    "distinct unknown": lambda n: [f"s3:GetObject{i}" for i in range(n)],
}


def plan_with(folder: Path, actions: list[str]) -> Path:
    plan = copy_fixture("aws-doc-sample", folder)
    path = folder / "policies" / "bucket.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["Statement"][0]["Action"] = actions
    path.write_text(json.dumps(document), encoding="utf-8")
    return plan


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        original = loader.check_policy_sizes
        loader.check_policy_sizes = lambda plan: None  # type: ignore[assignment]
        try:
            lint_plan(loader.load_plan(plan_with(Path(tmp) / "warm", ["s3:Get*"])), {})
            print(f"{'shape':<20}{'actions':>9}{'lint':>10}{'per action':>14}")
            for shape, actions in SHAPES.items():
                for size in SIZES:
                    plan = loader.load_plan(plan_with(Path(tmp) / f"{shape}-{size}", actions(size)))
                    start = time.perf_counter()
                    lint_plan(plan, {})
                    took = time.perf_counter() - start
                    print(f"{shape:<20}{size:>9,}{took:>9.2f}s{took / size * 1e6:>11.1f} µs")
        finally:
            loader.check_policy_sizes = original  # type: ignore[assignment]
        refused = plan_with(Path(tmp) / "refused", ["s3:Get*"] * 50_000)
        start = time.perf_counter()
        result = subprocess.run(
            [*xreg_command(), "check", str(refused)], capture_output=True, text=True, check=False
        )
        took = time.perf_counter() - start
        print(f"xreg check, 50,000 actions: exit {result.returncode} in {took:.2f}s")
        print(f"  {result.stderr.strip()}")


if __name__ == "__main__":
    main()

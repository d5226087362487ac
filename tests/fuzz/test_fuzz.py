"""Fuzzing: seeded mutations of the bundled fixtures through ``check``, ``baseline`` and
``dry-run``. Every input ends in exit 2 with one line naming the file and the field, or in
exit 0/1 with a report: never a traceback, and never more work than a bound.

Work is counted, not timed: the Python function calls each run makes (``sys.setprofile``),
at most ``WORK_FACTOR`` times what the fixture itself costs; past that the run is stopped
and the test fails with the seed. CI runs a few hundred inputs; set ``XREG_FUZZ_RUNS`` for
more (``XREG_FUZZ_RUNS=5000 pytest tests/fuzz``), and ``XREG_FUZZ_SEED`` to start elsewhere.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from checker.cli import main
from tests.fuzz.mutations import mutate
from tests.plans import FIXTURES

RUNS = int(os.environ.get("XREG_FUZZ_RUNS", "0")) or None
FIRST_SEED = int(os.environ.get("XREG_FUZZ_SEED", "20261203"))
CHECK_RUNS = RUNS or 160
BASELINE_RUNS = (RUNS or 160) // 4
DRY_RUN_RUNS = max(2, (RUNS or 0) // 50)
WORK_FACTOR = 40
_FIXTURES = sorted(path.name for path in FIXTURES.iterdir() if (path / "plan.yaml").is_file())
# "xreg: error: FILE: FIELD: reason" (the usual one line; FILE may be an argument's name).
_ONE_LINE = re.compile(
    r"xreg: error: (?P<source>[^\n]+?): (?P<field>[^\n]+?): (?P<reason>[^\n]+)\n"
)


class WorkExceeded(BaseException):
    """Raised inside the run when it has made more calls than its bound (not an Exception,
    so that no ``except Exception`` in the code under test can swallow it)."""


@contextlib.contextmanager
def work_bound(limit: int) -> Iterator[list[int]]:
    count = [0]

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            count[0] += 1
            if count[0] > limit:
                raise WorkExceeded(f"more than {limit} calls")

    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(None)


def run(args: list[str], limit: int) -> tuple[int, str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        work_bound(limit) as count,
    ):
        code = main(args)
    return code, out.getvalue(), err.getvalue(), count[0]


def _copy(fixture: str, folder: Path) -> Path:
    shutil.copytree(FIXTURES / fixture, folder)
    return folder / "plan.yaml"


def _command(kind: str, plan: Path, out: Path) -> list[str]:
    if kind == "baseline":
        return ["baseline", str(plan), "-o", str(out)]
    return [kind, str(plan), "-f", "json", "-o", str(out)]


class Costs:
    """What each command costs on each unmutated fixture (the base of the work bound),
    measured on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.found: dict[tuple[str, str], int] = {}

    def __call__(self, kind: str, fixture: str) -> int:
        if (kind, fixture) not in self.found:
            plan = _copy(fixture, self.folder / f"{kind}-{fixture}")
            command = _command(kind, plan, self.folder / f"{kind}-{fixture}.out")
            run(command, 10**9)  # warm: imports and caches are not the input's work
            self.found[(kind, fixture)] = run(command, 10**9)[3]
        return self.found[(kind, fixture)]


@pytest.fixture(scope="module")
def costs(tmp_path_factory: pytest.TempPathFactory) -> Costs:
    return Costs(tmp_path_factory.mktemp("costs"))


def _check_one(kind: str, seed: int, folder: Path, costs: Costs) -> tuple[int, str]:
    fixture = _FIXTURES[seed % len(_FIXTURES)]
    plan = _copy(fixture, folder / f"{kind}-{seed}")
    what = mutate(plan.parent, seed)
    out = folder / f"{kind}-{seed}.out"
    label = f"seed {seed} ({fixture}, {what})"
    limit = WORK_FACTOR * costs(kind, fixture)
    try:
        code, _, stderr, _ = run(_command(kind, plan, out), limit)
    except WorkExceeded as error:
        raise AssertionError(f"{label}: {error}") from None
    assert "Traceback" not in stderr, f"{label}: {stderr}"
    if code == 2:
        match = _ONE_LINE.fullmatch(stderr)
        assert match is not None, f"{label}: not one line naming file and field: {stderr!r}"
        assert match["field"] and match["source"], label
        assert len(stderr) < 1000, f"{label}: {len(stderr)} characters"
        return code, match["source"]
    assert code in (0, 1), f"{label}: exit {code}: {stderr}"
    if kind == "baseline":
        assert code == 0 and "version: 1" in out.read_text(encoding="utf-8"), label
    else:
        report = json.loads(out.read_text(encoding="utf-8"))
        assert report["verdict"] in ("pass", "fail"), label
        assert report["verdict"] == ("pass" if code == 0 else "fail"), label
    return code, ""


def _seeds(count: int, offset: int) -> range:
    return range(FIRST_SEED + offset, FIRST_SEED + offset + count)


def test_fuzzed_plans_through_check(tmp_path: Path, costs: Costs) -> None:
    outcomes = [_check_one("check", seed, tmp_path, costs) for seed in _seeds(CHECK_RUNS, 0)]
    codes = {code for code, _ in outcomes}
    # The mutations reach both the refusals and the reports: the fuzzing is not idle.
    assert {1, 2} <= codes, codes
    sources = {source for _, source in outcomes if source}
    assert any(source.endswith("plan.yaml") for source in sources), sources
    assert any(source.startswith("policies/") for source in sources), sources


def test_fuzzed_plans_through_baseline(tmp_path: Path, costs: Costs) -> None:
    for seed in _seeds(BASELINE_RUNS, 100_000):
        _check_one("baseline", seed, tmp_path, costs)


def test_fuzzed_plans_through_dry_run(tmp_path: Path, costs: Costs) -> None:
    for seed in _seeds(DRY_RUN_RUNS, 200_000):
        _check_one("dry-run", seed, tmp_path, costs)

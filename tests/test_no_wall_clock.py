"""The suite asserts work, never wall time: timings live in benchmarks/."""

from __future__ import annotations

import re

from hypothesis import settings

from tests.plans import ROOT

# Clocks read by the suite only to give up waiting for a server or a browser, never in an
# assertion about how long something took.
WAITING = {"tests/moto_server.py", "tests/report/chromium.py"}
CLOCKS = re.compile(r"\btime\.(perf_counter|time|monotonic|process_time)(_ns)?\(|\btimeit\b")


def test_hypothesis_sets_no_deadline() -> None:
    assert settings.default.deadline is None


def test_no_test_reads_a_clock() -> None:
    readers = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name not in WAITING and CLOCKS.search(path.read_text()):
            readers.append(name)
    assert readers == []


def test_no_test_asks_hypothesis_for_a_deadline() -> None:
    asking = re.compile(r"settings\([^)]*\bdeadline\s*=\s*(?!None\b)")
    found = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if asking.search(path.read_text())
    ]
    assert found == []

"""Benchmark of the plan-document readers (the timings the test suite does not assert).

Measures, on this machine:
- how long the YAML loader takes to refuse an alias bomb (nine levels of nine aliases:
  387 million values if expanded); the suite asserts the work bound instead
  (tests/plan/test_documents.py: at most MAX_ALIAS_NODES values copied);
- how long the JSON scanner takes on a typical policy (four statements, about 2 KB); the
  suite asserts a bound on Python lines per value instead.

Run: ``.venv/bin/python benchmarks/bench_documents.py [--runs 20]``. Targets (2-core
machine): the bomb refused in < 0.5 s, the typical policy scanned in < 2 ms (best run).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

# _common first: it puts the repository root on sys.path, for tests.*
from _common import ROOT  # noqa: F401

from checker.errors import InputError
from checker.plan.documents import load_document
from checker.plan.json_document import parse_json
from tests.plan.test_documents import alias_bomb

POLICY_STATEMENT = {
    "Sid": "AllowCrossAccountRead",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::333333333333:root"]},
    "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:GetBucketAcl"],
    "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
}


def time_bomb(runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bomb.yaml"
        path.write_text(alias_bomb())
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            try:
                load_document(path, source="bomb.yaml")
            except InputError:
                pass
            else:
                raise SystemExit("the alias bomb was not refused")
            timings.append(time.perf_counter() - started)
    return timings


def time_policy(runs: int) -> list[float]:
    text = json.dumps({"Version": "2012-10-17", "Statement": [POLICY_STATEMENT] * 4}, indent=2)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        parse_json(text, source="p.json")
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    bomb = time_bomb(args.runs)
    policy = time_policy(args.runs)
    print(
        f"alias bomb refused: best {min(bomb) * 1000:.1f} ms, "
        f"median {statistics.median(bomb) * 1000:.1f} ms (target < 500 ms)"
    )
    print(
        f"typical policy scanned: best {min(policy) * 1000:.3f} ms, "
        f"median {statistics.median(policy) * 1000:.3f} ms (target < 2 ms)"
    )


if __name__ == "__main__":
    main()

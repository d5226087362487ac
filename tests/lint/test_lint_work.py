"""Lint does work linear in the size of the policies: a statement with thousands of actions
(repeated or distinct) is linted in proportion to them, never in their square.

Work is counted, not timed: the number of Python and C function calls ``lint_plan`` makes,
seen through ``sys.setprofile``. Timings are in ``benchmarks/bench_lint.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from checker.fingerprint import Fingerprints, fingerprint, normalize_statement
from checker.lint import lint_plan
from checker.plan.loader import load_plan
from tests.plans import copy_fixture


def calls_made(work: Callable[[], Any]) -> int:
    """How many function calls (Python and C) ``work()`` makes."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def _plan_with(folder: Path, policy_file: str, actions: list[str]) -> Any:
    plan = copy_fixture("aws-doc-sample", folder)
    path = folder / "policies" / policy_file
    document = json.loads(path.read_text(encoding="utf-8"))
    document["Statement"][0]["Action"] = actions
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return load_plan(plan)


SHAPES = {
    # One wildcard repeated: a finding per entry, all on one statement.
    "repeated wildcard": ("bucket.json", lambda n: ["s3:Get*"] * n),
    # Distinct misspelt actions: each unknown, each worth a did-you-mean.
    "distinct unknown": ("key.json", lambda n: [f"kms:Decrypt{i}" for i in range(n)]),
    # Distinct real actions in many spellings.
    "distinct known": (
        "key.json",
        lambda n: [
            f"kms:{'Decrypt' if i % 2 else 'generatedatakey'}{'*' * (i % 3)}" for i in range(n)
        ],
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_lint_work_grows_linearly_with_the_actions_of_a_statement(
    tmp_path: Path, shape: str
) -> None:
    policy_file, actions = SHAPES[shape]
    small = _plan_with(tmp_path / "small", policy_file, actions(300))
    large = _plan_with(tmp_path / "large", policy_file, actions(1_200))
    lint_plan(small, {})  # warm the catalog's caches, which both runs share
    small_work = calls_made(lambda: lint_plan(small, {}))
    large_work = calls_made(lambda: lint_plan(large, {}))
    # Four times the actions: about four times the work (sixteen if it were quadratic).
    assert large_work <= 5 * small_work, (small_work, large_work)


def test_each_statement_is_normalized_once_for_all_its_findings(tmp_path: Path) -> None:
    plan = _plan_with(tmp_path, "bucket.json", ["s3:Get*"] * 500)
    fingerprints = Fingerprints()
    statement = plan.s3_buckets[0].policy.document["Statement"][0]
    results = {fingerprints("ACTION-WILDCARD", "r", statement, f"d{i}") for i in range(500)}
    assert len(results) == 500
    assert fingerprints.normalized == 1


def test_cached_fingerprints_equal_the_plain_ones() -> None:
    statements: list[Any] = [
        {"Effect": "Allow", "Action": ["S3:GetObject", "s3:getobject"], "Resource": "*"},
        {"Sid": "é", "Effect": "Deny", "NotAction": "kms:*", "Condition": {"Bool": {"A:b": "1"}}},
        "registration.InferenceSpecification.Containers[0].Image",
    ]
    fingerprints = Fingerprints()
    for subject in statements:
        for rule, resource, detail in [("R1", "arn:x", ""), ("R2", "arn:y", "s3:Get*")]:
            assert fingerprints(rule, resource, subject, detail) == fingerprint(
                rule, resource, subject, detail
            )
            # The plain one is the documented hash, unchanged, so baselines stay valid.
            body = normalize_statement(subject) if isinstance(subject, dict) else subject
            text = json.dumps(
                [rule, resource, body, detail], sort_keys=True, ensure_ascii=False, default=str
            )
            assert (
                fingerprint(rule, resource, subject, detail)
                == (hashlib.sha256(text.encode("utf-8")).hexdigest()[:20])
            )

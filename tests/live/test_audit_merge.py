"""The join of audit parts is a function of the data, never of the order the parts come in:
what makes a merge of shards equal to the unsharded audit, whatever the split."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from checker.aws.audit.merge import combine, version_order
from checker.cli import main

REGION = "us-east-2"


def version(account: str, group: str, number: int) -> str:
    return f"arn:aws:sagemaker:{REGION}:{account}:model-package/{group}/{number}"


def part(account: str, group: str, numbers: list[int], because: str) -> dict[str, Any]:
    """One shard's report: one group, one row needed by the given versions."""
    return {
        "version": 1,
        "verdict": "fail",
        "groups": [{"arn": f"arn:aws:sagemaker:{REGION}:{account}:model-package-group/{group}"}],
        "requirements": [
            {
                "principal": "arn:aws:iam::111111111111:role/deploy",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::shared/model.tar.gz",
                "because": because,
                "referenced_by": [version(account, group, n) for n in numbers],
            }
        ],
        "findings": [],
        "summary": {"requirements": len(numbers), "denied": len(numbers)},
        "unreadable": [[f"arn:aws:s3:::{group}", "bucket", "denied"]],
        "accounts": [{"account_id": account, "region": REGION}],
    }


def test_versions_are_ordered_by_number_not_by_text() -> None:
    arns = [version("111111111111", "iris", n) for n in (10, 2, 1)]
    assert sorted(arns, key=version_order) == [arns[2], arns[1], arns[0]]
    assert version_order(version("111111111111", "a", 9)) < version_order(
        version("222222222222", "a", 1)
    )


def test_the_join_does_not_depend_on_the_order_of_its_parts() -> None:
    parts = [
        ("a", part("111111111111", "iris", [10, 2], "first account, iris")),
        ("b", part("111111111111", "churn", [3], "first account, churn")),
        ("c", part("222222222222", "fraud", [1], "second account")),
    ]
    joined = [combine(list(order)) for order in itertools.permutations(parts)]
    assert all(each == joined[0] for each in joined)
    (row,) = joined[0]["requirements"]
    # The row of the first version in (account, region, group, number) order, every version.
    assert row["because"] == "first account, churn"
    assert row["referenced_by"] == [
        version("111111111111", "churn", 3),
        version("111111111111", "iris", 2),
        version("111111111111", "iris", 10),
        version("222222222222", "fraud", 1),
    ]
    assert joined[0]["summary"]["requirements"] == 4
    assert [entry["account_id"] for entry in joined[0]["accounts"]] == [
        "111111111111",
        "222222222222",
    ]
    assert [entry[0] for entry in joined[0]["unreadable"]] == [
        "arn:aws:s3:::churn",
        "arn:aws:s3:::fraud",
        "arn:aws:s3:::iris",
    ]


def test_a_malformed_stamp_or_report_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = part("111111111111", "iris", [1], "x")
    cases = [
        ({**good, "shard": {"index": "one", "count": 2}}, "shard: index and count must be I/N"),
        ({**good, "shard": {"index": 3, "count": 2}}, "shard: index and count must be I/N"),
        ({**good, "shard": {"items": [1], "of": 1}}, "shard.items: must be a list"),
        ({**good, "shard": {"items": ["a/b"], "of": 0}}, "shard.of: must be the number"),
        ({**good, "requirements": [{"principal": "p"}]}, "not an audit report xreg wrote"),
        ({**good, "groups": [{"name": "no arn"}]}, "not an audit report xreg wrote"),
    ]
    for number, (report, reason) in enumerate(cases):
        path = tmp_path / f"r{number}.json"
        path.write_text(json.dumps({**report, "tool": {}, "command": "audit"}), encoding="utf-8")
        assert main(["merge", str(path), "-o", str(tmp_path / "out.json")]) == 2
        err = capsys.readouterr().err
        assert reason in err and len(err.strip().splitlines()) == 1, err

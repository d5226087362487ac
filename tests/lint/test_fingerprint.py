"""Fingerprints stay put when unrelated statements move, and change when the statement does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.fingerprint import fingerprint, normalize_statement
from tests.lint.harness import lint_example

MISMATCH = {
    "Sid": "AddPerm",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
    "Action": ["s3:GetObject", "s3:GetBucketAcl"],
    "Resource": "arn:aws:s3:::my-bucket/*",
}
UNRELATED = {
    "Sid": "DenyInsecure",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
OTHER = {
    "Sid": "RegistryLists",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
    "Action": "s3:ListBucket",
    "Resource": "arn:aws:s3:::my-bucket",
}


def _mismatch_fingerprints(folder: Path, statements: list[dict[str, Any]]) -> list[str]:
    example = {
        "policy_type": "bucket",
        "policy": {"Version": "2012-10-17", "Statement": statements},
    }
    return [
        finding.fingerprint
        for finding in lint_example(folder, example)
        if finding.rule == "ACTION-RESOURCE-MISMATCH"
    ]


def test_moving_unrelated_statements_keeps_the_fingerprint(tmp_path: Path) -> None:
    alone = _mismatch_fingerprints(tmp_path, [MISMATCH])
    assert len(alone) == 1
    assert _mismatch_fingerprints(tmp_path, [UNRELATED, OTHER, MISMATCH]) == alone
    assert _mismatch_fingerprints(tmp_path, [OTHER, MISMATCH, UNRELATED]) == alone


def test_insignificant_rewrites_keep_the_fingerprint(tmp_path: Path) -> None:
    alone = _mismatch_fingerprints(tmp_path, [MISMATCH])
    rewritten = {
        **MISMATCH,
        "Action": ["S3:GetBucketAcl", "s3:getobject"],  # order and case do not matter to IAM
        "Resource": ["arn:aws:s3:::my-bucket/*"],  # a one-item list is the string
    }
    assert _mismatch_fingerprints(tmp_path, [rewritten]) == alone


def test_changing_the_statement_changes_the_fingerprint(tmp_path: Path) -> None:
    alone = _mismatch_fingerprints(tmp_path, [MISMATCH])
    widened = {**MISMATCH, "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "333333333333"]}}
    changed = _mismatch_fingerprints(tmp_path, [widened])
    assert len(changed) == 1 and changed != alone


def test_fingerprint_depends_on_rule_resource_and_detail() -> None:
    base = fingerprint("RULE-A", "arn:aws:s3:::b", MISMATCH)
    assert len(base) == 20 and int(base, 16) >= 0
    assert fingerprint("RULE-A", "arn:aws:s3:::b", MISMATCH) == base
    assert fingerprint("RULE-B", "arn:aws:s3:::b", MISMATCH) != base
    assert fingerprint("RULE-A", "arn:aws:s3:::c", MISMATCH) != base
    assert fingerprint("RULE-A", "arn:aws:s3:::b", MISMATCH, "s3:GetObject") != base
    assert fingerprint("RULE-A", "x", "registration.ModelPackageGroupName") != fingerprint(
        "RULE-A", "x", "registration.ModelApprovalStatus"
    )


def test_normalization_keeps_condition_values_case() -> None:
    upper = normalize_statement({"Condition": {"StringEquals": {"AWS:PrincipalOrgID": "O-ABC"}}})
    lower = normalize_statement({"Condition": {"StringEquals": {"aws:principalorgid": "O-ABC"}}})
    other_value = normalize_statement(
        {"Condition": {"StringEquals": {"aws:principalorgid": "o-abc"}}}
    )
    assert upper == lower
    assert upper != other_value

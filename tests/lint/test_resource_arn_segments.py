"""RESOURCE-ARN-SEGMENTS: the patterns IAM reads otherwise than written."""

from __future__ import annotations

import pytest

from checker.lint.grammar import resource_pattern_problem


@pytest.mark.parametrize(
    "pattern",
    [
        "arn:aws:s3:?:bucket-a",
        "arn:aws:sqs:us-east-1?111111111111:queue-a",
        "arn:aws:sagemaker:*",
        "arn:aws:sagemaker:us-east-1:${aws:PrincipalAccount}:*",
        "arn:${aws:username}:s3:::b",
    ],
)
def test_flagged(pattern: str) -> None:
    assert resource_pattern_problem(pattern, variables=True) is not None


@pytest.mark.parametrize(
    "pattern",
    [
        "*",
        "arn:aws:s3:::*",
        "arn:aws:sagemaker:*:*:*",
        "arn:aws:s3:::b/${aws:PrincipalAccount}/*",
        "arn:aws:logs:us-east-1:111111111111:log-group:g:*",
    ],
)
def test_not_flagged(pattern: str) -> None:
    assert resource_pattern_problem(pattern, variables=True) is None


def test_old_language_variables_are_left_to_policy_version() -> None:
    pattern = "arn:aws:sagemaker:us-east-1:${aws:PrincipalAccount}:*"
    assert resource_pattern_problem(pattern, variables=False) is None

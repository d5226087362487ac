"""Action and ARN matching, and inclusion / intersection of wildcard ARN patterns."""

from __future__ import annotations

import pytest

from checker.policy import (
    Tri,
    action_matches,
    arn_matches,
    arn_pattern_covers,
    arn_patterns_intersect,
)
from checker.policy.matching import (
    resource_pattern_covers,
    resource_pattern_matches,
    resource_patterns_intersect,
)


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("*", "s3:GetObject", True),
        ("s3:GetObject", "s3:GetObject", True),
        ("S3:getobject", "s3:GetObject", True),
        ("s3:Get*", "S3:GETOBJECTACL", True),
        ("s3:Get*", "s3:PutObject", False),
        ("ecr:Describe*", "ecr:DescribeImages", True),
        ("ecr:Describe*", "ecr:BatchGetImage", False),
        ("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", True),
        ("kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", False),
        ("s3:GetObjec?", "s3:GetObject", True),
        ("s3:GetObjec?", "s3:GetObjectAcl", False),
        ("s3:*Object", "s3:GetObject", True),
        ("sagemaker:*", "s3:GetObject", False),
        ("s3:GetObject.", "s3:GetObjectX", False),  # regex metacharacters are literal
    ],
)
def test_action_matches(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        ("*", "arn:aws:s3:::b/k", True),
        ("arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket/model.tar.gz", True),
        ("arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket", False),
        ("arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket", True),
        ("arn:aws:s3:::My-Bucket", "arn:aws:s3:::my-bucket", False),  # case-sensitive
        ("arn:aws:s3:::my-bucket*", "arn:aws:s3:::my-bucket/x", True),
        # A wildcard in region/account does not cross a colon...
        (
            "arn:aws:ecr:*:111111111111:repository/m",
            "arn:aws:ecr:us-east-1:111111111111:repository/m",
            True,
        ),
        ("arn:aws:ecr:*::repository/m", "arn:aws:ecr:us-east-1:111111111111:repository/m", False),
        # With fewer than five colons a pattern is not ARN-shaped: a plain glob.
        ("arn:aws:ecr:*:repository/m", "arn:aws:ecr:us-east-1:111111111111:repository/m", True),
        ("arn:aws:ecr:us-east-1:*:repository/*", "arn:aws:ecr:us-east-1:1:repository/a/b", True),
        ("arn:aws:ecr:us-east-?:1:repository/m", "arn:aws:ecr:us-east-1:1:repository/m", True),
        ("arn:aws:ecr:us-east-?:1:repository/m", "arn:aws:ecr:us-east-11:1:repository/m", False),
        # ... while the resource segment is globbed as a whole, colons included.
        (
            "arn:aws:logs:us-east-1:1:log-group:*",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s",
            True,
        ),
        (
            "arn:aws:sagemaker:us-east-1:2:model-package/grp/*",
            "arn:aws:sagemaker:us-east-1:2:model-package/grp/3",
            True,
        ),
        (
            "arn:aws:sagemaker:us-east-1:2:model-package/grp/*",
            "arn:aws:sagemaker:us-east-1:2:model-package-group/grp",
            False,
        ),
        # "arn:*" is not ARN-shaped (no five colons): a plain glob that crosses colons.
        ("arn:*", "arn:aws:s3:::b", True),
        ("arn:aws:s3:::b?", "arn:aws:s3:::b1", True),
        ("not-an-arn", "not-an-arn", True),
        ("not-*", "not-an-arn", True),
        ("arn:aws:s3:::b.c", "arn:aws:s3:::bXc", False),
    ],
)
def test_arn_matches(pattern: str, arn: str, expected: bool) -> None:
    assert arn_matches(pattern, arn) is expected


@pytest.mark.parametrize(
    ("policy", "request_pattern", "covers"),
    [
        ("a/*", "a/*", True),
        ("a/*", "a/b*", True),
        ("a/*", "a/?", True),
        ("a/?", "a/*", False),
        ("a/1*", "a/*", False),
        ("*", "a/*", True),
        ("a/*", "*", False),
        ("*?", "?*", True),  # both mean "at least one character"
        ("?*", "*?", True),
        ("*a*", "*a*a*", True),
        ("*a*a*", "*a*", False),
        ("a*b", "a*b*b", True),
        ("a*b", "a*", False),
        ("a??", "a?*", False),
        ("a?*", "a??", True),
        ("abc", "abc", True),
        ("abc", "ab?", False),
        ("ab?", "abc", True),
        (
            "arn:aws:sagemaker:*:222222222222:model-package/grp/*",
            "arn:aws:sagemaker:us-east-1:222222222222:model-package/grp/*",
            True,
        ),
        (
            "arn:aws:sagemaker:us-east-1:222222222222:model-package/grp/1",
            "arn:aws:sagemaker:us-east-1:222222222222:model-package/grp/*",
            False,
        ),
        (
            "arn:aws:sagemaker:us-east-1:222222222222:model-package/*",
            "arn:aws:sagemaker:us-east-1:222222222222:model-package/grp/*",
            True,
        ),
        # Segment-wise: a region wildcard in the request is not covered by a fixed region.
        ("arn:aws:s3:us-east-1:1:x", "arn:aws:s3:*:1:x", False),
    ],
)
def test_arn_pattern_covers(policy: str, request_pattern: str, covers: bool) -> None:
    assert arn_pattern_covers(policy, request_pattern) is covers


@pytest.mark.parametrize(
    ("left", "right", "intersect"),
    [
        ("a/*", "a/b*", True),
        ("a/1*", "a/*", True),
        ("a/1*", "a/2*", False),
        ("*x", "y*", True),  # "yx"
        ("a?", "abc", False),
        ("a*c", "ab*", True),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b", False),
        ("arn:aws:s3:::b*", "arn:aws:s3:::b", True),
        ("arn:aws:s3:us-east-1:1:x", "arn:aws:s3:*:1:x", True),
        ("arn:aws:s3:us-east-1:1:x", "arn:aws:s3:eu-*:1:x", False),
        ("*", "anything", True),
    ],
)
def test_arn_patterns_intersect(left: str, right: str, intersect: bool) -> None:
    assert arn_patterns_intersect(left, right) is intersect
    assert arn_patterns_intersect(right, left) is intersect


class TestResourcePatterns:
    """Resource patterns: wildcards stay in their colon-separated segment, but a ``*`` that
    ends one may run on; where the IAM docs allow two readings the answer is unknown."""

    @pytest.mark.parametrize(
        ("pattern", "arn", "expected"),
        [
            # Too few segments and no "*" to run on: no ARN matches (not a whole-string glob).
            ("arn:aws:s3:?:bucket-a", "arn:aws:s3:::bucket-a", Tri.FALSE),
            (
                "arn:aws:sqs:us-east-1?111111111111:queue-a",
                "arn:aws:sqs:us-east-1:111111111111:queue-a",
                Tri.FALSE,
            ),
            ("arn:aws:s3:::bucket-?", "arn:aws:s3:::bucket-:", Tri.UNKNOWN),
            # A "*" ending a segment runs past the colons.
            ("arn:aws:s3:::*", "arn:aws:s3:::b/k:with:colons", Tri.TRUE),
            (
                "arn:aws:sagemaker:*:*:*",
                "arn:aws:sagemaker:us-east-1:2:model-package/g/1",
                Tri.TRUE,
            ),
            ("arn:aws:sagemaker:*", "arn:aws:sagemaker:us-east-1:2:model-package/g/1", Tri.TRUE),
            ("arn:aws:sagemaker:us-*", "arn:aws:sagemaker:us-east-1:2:model-package/g", Tri.TRUE),
            ("arn:aws:sagemaker:us-*", "arn:aws:sagemaker:eu-west-1:2:model-package/g", Tri.FALSE),
            ("arn:aws:s3:*x", "arn:aws:s3:::bucket-x", Tri.FALSE),
            ("arn:aws:logs:r:1:log-group:*", "arn:aws:logs:r:1:log-group:g:log-stream:s", Tri.TRUE),
            # Well-formed patterns as before.
            (
                "arn:aws:ecr:*::repository/m",
                "arn:aws:ecr:us-east-1:111111111111:repository/m",
                Tri.FALSE,
            ),
            (
                "arn:aws:ecr:us-east-?:1:repository/m",
                "arn:aws:ecr:us-east-1:1:repository/m",
                Tri.TRUE,
            ),
            ("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/1/2/test/3/o.jpg", Tri.TRUE),
            ("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/1-test/o.jpg", Tri.FALSE),
            # Open readings: a missing account segment, a colon inside the resource part.
            ("arn:aws:logs:*:log-group:*", "arn:aws:logs:us-east-1:111:log-group:x", Tri.UNKNOWN),
            ("arn:aws:ecr:*:repository/m", "arn:aws:ecr:us-east-1:1:repository/m", Tri.UNKNOWN),
            ("arn:aws:s3:::b/*/model.tar.gz", "arn:aws:s3:::b/a:b/model.tar.gz", Tri.UNKNOWN),
            ("*", "arn:aws:s3:::b", Tri.TRUE),
        ],
    )
    def test_matches(self, pattern: str, arn: str, expected: Tri) -> None:
        assert resource_pattern_matches(pattern, arn) is expected

    def test_wildcard_requests(self) -> None:
        versions = "arn:aws:sagemaker:us-east-1:2:model-package/grp/*"
        assert resource_pattern_covers("arn:aws:sagemaker:*", versions) is Tri.TRUE
        assert resource_pattern_covers("arn:aws:sagemaker:*:*:*", versions) is Tri.TRUE
        assert resource_pattern_covers("arn:aws:sagemaker:?:2:model-package/*", versions) is (
            Tri.FALSE
        )
        other = "arn:aws:sagemaker:*:*:model-package/other/*"
        assert resource_patterns_intersect(other, versions) is Tri.FALSE
        assert resource_patterns_intersect(
            "arn:aws:s3:?:bucket-a/*", "arn:aws:s3:::bucket-a/*"
        ) is (Tri.FALSE)

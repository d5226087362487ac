"""AWS's size limits on policy documents: a plan whose policy AWS could not hold is refused
in one line, at the limit of its policy type, measured as AWS counts it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.plan.policy_size import measure, size_limits
from tests.plan.plan_files import (
    GROUP_ARN,
    KEY_ARN,
    REPOSITORY_ARN,
    TRAINING,
    loaded_with,
    refused,
    write_policy,
)

ROLE = f"arn:aws:iam::{TRAINING}:role/TrainingPipelineRole"
USER = f"arn:aws:iam::{TRAINING}:user/builder"


def sized(kind: str, size: int, *, resource: str = "*") -> dict[str, Any]:
    """A policy whose size, as ``kind``'s limit counts it, is exactly ``size``."""
    how = size_limits()[kind].measure
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Sid": ""}
    if kind not in ("repository",):
        statement["Resource"] = resource
    if kind in ("bucket", "key", "repository", "model_package_group"):
        statement["Principal"] = {"AWS": "arn:aws:iam::111111111111:root"}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    statement["Sid"] = "A" * (size - measure(document, how))
    assert measure(document, how) == size
    return document


RESOURCE_KINDS = [
    ("bucket", "s3_buckets", {"name": "my-bucket", "account": TRAINING}),
    ("repository", "ecr_repositories", {"arn": REPOSITORY_ARN}),
    ("key", "kms_keys", {"arn": KEY_ARN}),
    ("model_package_group", "model_package_groups", {"arn": GROUP_ARN}),
]


@pytest.mark.parametrize(("kind", "section", "item"), RESOURCE_KINDS)
def test_resource_policy_at_its_limit_is_read_and_one_past_is_refused(
    in_tmp: Path, kind: str, section: str, item: dict[str, Any]
) -> None:
    limit = size_limits()[kind].limit

    def with_policy(size: int) -> Any:
        def change(plan: dict[str, Any]) -> None:
            write_policy(in_tmp, "policies/p.json", sized(kind, size))
            plan["resources"] = {section: [{**item, "policy": "policies/p.json"}]}

        return change

    loaded_with(in_tmp, with_policy(limit))
    message = refused(in_tmp, with_policy(limit + 1))
    assert message.startswith("policies/p.json: $: the ")
    assert f"is {limit + 1:,} " in message
    assert f"AWS allows at most {limit:,} ({size_limits()[kind].source})" in message


def test_layout_is_not_counted(in_tmp: Path) -> None:
    # Pretty-printed, the document is far larger than the limit; compact, it fits.
    document = sized("bucket", size_limits()["bucket"].limit)
    text = json.dumps(document, indent=40)
    assert len(text) > size_limits()["bucket"].limit + 1_000
    (in_tmp / "policies").mkdir()
    (in_tmp / "policies" / "b.json").write_text(text, encoding="utf-8")

    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "s3_buckets": [{"name": "my-bucket", "account": TRAINING, "policy": "policies/b.json"}]
        }

    assert loaded_with(in_tmp, change).s3_buckets[0].policy is not None


def test_bytes_count_multibyte_characters(in_tmp: Path) -> None:
    # A key policy is limited in bytes: 20,000 "é" are 40,000 bytes.
    document = sized("key", 200)
    document["Statement"][0]["Sid"] = "é" * 20_000
    assert measure(document, "characters") < 32_768 < measure(document, "bytes")

    def change(plan: dict[str, Any]) -> None:
        write_policy(in_tmp, "policies/k.json", document)
        plan["resources"] = {"kms_keys": [{"arn": KEY_ARN, "policy": "policies/k.json"}]}

    assert "bytes as compact JSON; AWS allows at most 32,768" in refused(in_tmp, change)


def test_inline_document_is_named_by_its_plan_field(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "ecr_repositories": [{"arn": REPOSITORY_ARN, "policy": sized("repository", 10_241)}]
        }

    assert refused(in_tmp, change).startswith(
        "plan.yaml: resources.ecr_repositories[0].policy: the repository policy is 10,241 "
    )


@pytest.mark.parametrize(
    ("sizes", "accepted"),
    [
        ([6_144, 6_144, 6_144], True),  # each fits a managed policy
        ([10_240], True),  # one inline policy of the role
        ([6_000, 10_240], True),  # a managed one and an inline one
        ([10_241], False),
        ([6_145, 4_096], True),  # both inline, 10,241 in all, but the small one may be managed
        ([6_145, 6_145], False),  # both must be inline: 12,290 > 10,240
    ],
)
def test_role_policies_fit_a_managed_policy_or_the_inline_allowance(
    in_tmp: Path, sizes: list[int], accepted: bool
) -> None:
    def change(plan: dict[str, Any]) -> None:
        names = []
        for number, size in enumerate(sizes):
            names.append(f"policies/p{number}.json")
            write_policy(in_tmp, names[-1], sized("managed", size))
        plan["identities"] = [{"principal": ROLE, "policies": names}]

    if accepted:
        loaded_with(in_tmp, change)
    else:
        assert "AWS allows at most 10,240 of inline policies to a role" in refused(in_tmp, change)


def test_user_policy_past_a_managed_policy_is_refused(in_tmp: Path) -> None:
    # A user's inline policies share 2,048 characters: 6,145 fits neither kind.
    def change(plan: dict[str, Any]) -> None:
        write_policy(in_tmp, "policies/u.json", sized("managed", 6_145))
        plan["identities"] = [{"principal": USER, "policies": ["policies/u.json"]}]

    message = refused(in_tmp, change)
    assert message.startswith("policies/u.json: $: the identity policies of " + USER)
    assert "at most 2,048 of inline policies to a user" in message


def test_white_space_is_not_counted_for_iam(in_tmp: Path) -> None:
    document = sized("managed", 6_000)
    document["Statement"][0]["Sid"] += " " * 1_000  # IAM ignores white space, even here

    def change(plan: dict[str, Any]) -> None:
        write_policy(in_tmp, "policies/p.json", document)
        plan["identities"] = [
            {
                "principal": USER,
                "policies": ["policies/p.json"],
                "permissions_boundary": "policies/p.json",
            }
        ]

    loaded_with(in_tmp, change)


def test_permissions_boundary_is_a_managed_policy(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        write_policy(in_tmp, "policies/b.json", sized("managed", 6_145))
        plan["identities"] = [
            {"principal": ROLE, "policies": [], "permissions_boundary": "policies/b.json"}
        ]

    assert "the permissions boundary (a managed policy) is 6,145" in refused(in_tmp, change)


@pytest.mark.parametrize("key", ["service_control_policies", "resource_control_policies"])
def test_organization_policies_past_5120_characters_are_refused(in_tmp: Path, key: str) -> None:
    def change(size: int) -> Any:
        def apply(plan: dict[str, Any]) -> None:
            write_policy(in_tmp, "policies/o.json", sized("scp", size))
            plan[key] = {TRAINING: ["policies/o.json"]}

        return apply

    loaded_with(in_tmp, change(5_120))
    assert "AWS allows at most 5,120" in refused(in_tmp, change(5_121))


def test_aws_managed_policies_are_not_measured(in_tmp: Path) -> None:
    # AWS's own documents (bundled) may be larger than a customer managed policy may be.
    def change(plan: dict[str, Any]) -> None:
        plan["identities"] = [{"principal": ROLE, "policies": ["AmazonSageMakerFullAccess"]}]

    assert loaded_with(in_tmp, change).identities[0].policies


def test_every_limit_quotes_an_aws_page() -> None:
    limits = size_limits()
    assert set(limits) == {
        "bucket",
        "repository",
        "key",
        "model_package_group",
        "managed",
        "inline/role",
        "inline/user",
        "scp",
        "rcp",
    }
    for limit in limits.values():
        assert limit.source.startswith("https://docs.aws.amazon.com/")
        assert limit.measure in ("bytes", "characters", "non-whitespace")
        assert (
            f"{limit.limit:,}" in limit.says or str(limit.limit) in limit.says or "KB" in limit.says
        )

"""Read-only, enforced in code: every client xreg creates refuses any other operation.

The allow-list names each operation xreg calls, one by one, so that a new call has to be
added here (and to the IAM policy in ``docs/live.md``) on purpose. The refusal happens in
botocore's ``before-call`` event, before the request is built, signed or sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

READ_OPERATIONS: Mapping[str, frozenset[str]] = {
    # AssumeRole changes no resource: it is how the checking role is reached.
    "sts": frozenset({"GetCallerIdentity", "AssumeRole"}),
    "ecr": frozenset({"DescribeRepositories", "GetRepositoryPolicy", "DescribeImages"}),
    "s3": frozenset(
        {
            "ListBuckets",
            "HeadBucket",
            "GetBucketPolicy",
            "GetBucketEncryption",
            "GetBucketOwnershipControls",
            "GetBucketAcl",
            "HeadObject",
            "GetObjectAcl",
        }
    ),
    "kms": frozenset({"DescribeKey", "GetKeyPolicy", "ListGrants", "ListAliases"}),
    "sagemaker": frozenset(
        {
            "ListModelPackageGroups",
            "DescribeModelPackageGroup",
            "GetModelPackageGroupPolicy",
            "ListModelPackages",
            "DescribeModelPackage",
        }
    ),
    "iam": frozenset(
        {
            "GetRole",
            "ListRolePolicies",
            "GetRolePolicy",
            "ListAttachedRolePolicies",
            "GetUser",
            "ListUserPolicies",
            "GetUserPolicy",
            "ListAttachedUserPolicies",
            "ListGroupsForUser",
            "ListGroupPolicies",
            "GetGroupPolicy",
            "ListAttachedGroupPolicies",
            "GetPolicy",
            "GetPolicyVersion",
        }
    ),
    "organizations": frozenset(
        {
            "DescribeOrganization",
            "ListParents",
            "ListPoliciesForTarget",
            "DescribePolicy",
            # ``xreg audit --org-ou``: the accounts under an OU or the root.
            "ListAccounts",
            "ListAccountsForParent",
            "ListChildren",
        }
    ),
}

# The IAM action of each operation, where it differs from ``service:Operation``.
IAM_ACTION_OVERRIDES: Mapping[tuple[str, str], str] = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "HeadObject"): "s3:GetObject",
}


class WriteRefused(RuntimeError):
    """xreg tried an operation outside its read allow-list; nothing was sent."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"xreg is read-only: {service}:{operation} is not on its list of read operations "
            "and was not sent"
        )
        self.service = service
        self.operation = operation


def iam_actions() -> list[str]:
    """The IAM actions the allow-list needs, sorted: the checking role's minimal policy."""
    actions = {
        IAM_ACTION_OVERRIDES.get((service, operation), f"{service}:{operation}")
        for service, operations in READ_OPERATIONS.items()
        for operation in operations
    }
    return sorted(actions)


def guard_client(client: Any, allowed: Mapping[str, frozenset[str]] = READ_OPERATIONS) -> Any:
    """Make ``client`` refuse every operation not on the allow-list ``allowed`` (by service);
    returns the client."""
    service = client.meta.service_model.service_name
    operations = allowed.get(service, frozenset())

    def refuse_writes(model: Any, **_: Any) -> None:
        if model.name not in operations:
            raise WriteRefused(service, model.name)

    event = f"before-call.{client.meta.service_model.service_id.hyphenize()}"
    client.meta.events.register(event, refuse_writes, unique_id="xreg-read-only")
    return client

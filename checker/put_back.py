"""The AWS CLI commands that put a corrected policy back in its account, and the other
changes fixes make: a KMS grant created (and the one it replaces revoked), a bucket's Object
Ownership set.

A lint rule's fix and the fix planner's merged fix of one policy name the same command, so
each kind of policy (and change) has its command here once. Names are shell-quoted: a name
AWS accepts never needs it, and a plan that holds another one still gets a command the shell
reads as written. A policy's command reads the corrected document from ``file_name``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from shlex import quote
from typing import Any

# The inline policy an access fix adds to an identity that has none of its own in the plan.
NEW_IDENTITY_POLICY_NAME = "xreg-cross-account-access"


def slug(text: str) -> str:
    """The last part of a path or ARN, as a lower-case name safe in a file name."""
    out = "".join(ch if ch.isalnum() else "-" for ch in text.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return out.strip("-").lower() or "policy"


def inline_policy_name(source: str | None) -> str:
    """The name of an identity's inline policy: its plan file's stem (a new policy: xreg's)."""
    return NEW_IDENTITY_POLICY_NAME if source is None else slug(source.rsplit(".", 1)[0])


def bucket_policy(bucket: str, file_name: str) -> str:
    return f"aws s3api put-bucket-policy --bucket {quote(bucket)} --policy file://{file_name}"


def repository_policy(registry: str, region: str, repository: str, file_name: str) -> str:
    return (
        f"aws ecr set-repository-policy --registry-id {registry} --repository-name "
        f"{quote(repository)} --region {region} --policy-text file://{file_name}"
    )


def key_policy(key_arn: str, file_name: str) -> str:
    return (
        f"aws kms put-key-policy --key-id {quote(key_arn)} --policy-name default "
        f"--policy file://{file_name}"
    )


def model_package_group_policy(group: str, region: str, file_name: str) -> str:
    return (
        f"aws sagemaker put-model-package-group-policy --model-package-group-name {quote(group)} "
        f"--region {region} --resource-policy file://{file_name}"
    )


def identity_policy(kind: str, name: str, policy_name: str, file_name: str) -> str:
    """An inline policy of a role, or of a user (``kind`` user)."""
    verb = "put-user-policy --user-name" if kind == "user" else "put-role-policy --role-name"
    return (
        f"aws iam {verb} {quote(name)} --policy-name {quote(policy_name)} "
        f"--policy-document file://{file_name}"
    )


def permissions_boundary(file_name: str) -> str:
    # A boundary is a managed policy the plan gives as a document: its ARN is not in the plan.
    return (
        "aws iam create-policy-version --policy-arn BOUNDARY_POLICY_ARN "
        f"--policy-document file://{file_name} --set-as-default"
    )


def organization_policy(source: str, file_name: str) -> str:
    """An SCP or RCP, named by its plan file (the plan does not know the policy's id)."""
    stem = slug(source.rsplit(".", 1)[0])
    return (
        f"aws organizations update-policy --policy-id POLICY_ID_OF_{stem.upper()}"
        f" --content file://{file_name}"
    )


def create_grant(
    key_arn: str,
    principal: str,
    operations: Sequence[str],
    region: str,
    revoke: Mapping[str, Any] | None = None,
) -> str:
    """The grant of ``operations`` on the key to ``principal``; then, when it replaces one,
    the revocation of that one."""
    command = (
        f"aws kms create-grant --key-id {key_arn} --grantee-principal {principal} "
        f"--operations {' '.join(operations)} --region {region}"
    )
    if revoke is not None:
        command += "\n" + revoke_grant(key_arn, region, revoke)
    return command


def revoke_grant(key_arn: str, region: str, revoke: Mapping[str, Any]) -> str:
    """The commands that revoke a grant: by its id when the plan gives it, else the id
    looked up by the grantee the grant names."""
    grant_id = revoke.get("GrantId")
    lookup = ""
    if not grant_id:
        grantee = revoke["GranteePrincipal"]
        lookup = (
            f"GRANT_ID=$(aws kms list-grants --key-id {key_arn} --region {region} --query "
            f"\"Grants[?GranteePrincipal=='{grantee}'] | [0].GrantId\" --output text)\n"
        )
        grant_id = '"$GRANT_ID"'
    return (
        f"{lookup}aws kms revoke-grant --key-id {key_arn} --region {region} --grant-id {grant_id}"
    )


def bucket_owner_enforced(bucket: str) -> str:
    """Object Ownership ``BucketOwnerEnforced``: the bucket owner owns every object."""
    return (
        f"aws s3api put-bucket-ownership-controls --bucket {quote(bucket)} "
        "--ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'"
    )

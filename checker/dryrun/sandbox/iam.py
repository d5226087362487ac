"""The principals of the plan as IAM roles and users, with the identity policies it gives.

moto does not use them to authorize anything (xreg does); they make the sandbox the
accounts as the plan describes them, and give each principal credentials in its account.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from checker.aws.boto import ClientError
from checker.dryrun.emulator import Emulator
from checker.dryrun.sandbox.common import attempt, create_or_reuse, iam_name, policy_text
from checker.dryrun.sandbox.model import Sandbox
from checker.plan.identities import find_identity
from checker.plan.model import Identity, LoadedPolicy, Plan
from checker.refs import IamPrincipal


def _trust_policy(account: str, partition: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def build_principals(plan: Plan, emulator: Emulator, sandbox: Sandbox) -> None:
    for parsed in dict.fromkeys((plan.registrar_principal, *plan.consumer_principals)):
        if parsed.kind == "root":
            continue  # the account itself: no IAM entity stands for it
        _build_principal(plan, emulator, sandbox, parsed, find_identity(plan, parsed.arn))


def _build_principal(
    plan: Plan,
    emulator: Emulator,
    sandbox: Sandbox,
    principal: IamPrincipal,
    identity: Identity | None,
) -> None:
    iam = emulator.account_client("iam", principal.account)
    name = principal.name or ""
    is_user = principal.kind == "user"
    # Users and roles take the same calls with their own parameter names.
    entity = {"UserName": name} if is_user else {"RoleName": name}
    if is_user:
        create_or_reuse(iam.create_user, UserName=name, Path=principal.path)
    else:
        trust = _trust_policy(principal.account, plan.partition)
        create_or_reuse(
            iam.create_role, RoleName=name, Path=principal.path, AssumeRolePolicyDocument=trust
        )
    if identity is None:
        return
    for item in identity.policies:
        if isinstance(item, LoadedPolicy):
            policy_name = iam_name(PurePosixPath(item.source.split("#")[0]).stem)
            document = policy_text(item.document)
            attempt(
                sandbox,
                f"the policy {item.source} of {principal.arn}",
                iam.put_user_policy if is_user else iam.put_role_policy,
                **entity,
                PolicyName=policy_name,
                PolicyDocument=document,
            )
            continue
        arn = f"arn:{plan.partition}:iam::aws:policy/{item.name}"
        attach = iam.attach_user_policy if is_user else iam.attach_role_policy
        try:
            attach(**entity, PolicyArn=arn)
        except ClientError:
            sandbox.note(
                f"the AWS managed policy {item.name} of {principal.arn} is not in moto; "
                "xreg evaluates the document it ships, if any"
            )
    boundary = identity.permissions_boundary
    if boundary is not None:
        _set_boundary(iam, sandbox, principal, boundary, entity)


def _set_boundary(
    iam: Any,
    sandbox: Sandbox,
    principal: IamPrincipal,
    boundary: LoadedPolicy,
    entity: dict[str, str],
) -> None:
    if "UserName" in entity:
        sandbox.note(
            f"moto cannot hold the permissions boundary of a user ({principal.arn}): xreg "
            f"decides with {boundary.source} as always"
        )
        return
    name = iam_name(f"xreg-boundary-{principal.name}")
    attempt(
        sandbox,
        f"the permissions boundary {boundary.source}",
        create_or_reuse,
        iam.create_policy,
        PolicyName=name,
        PolicyDocument=policy_text(boundary.document),
    )
    attempt(
        sandbox,
        f"the permissions boundary {boundary.source}",
        iam.put_role_permissions_boundary,
        **entity,
        PermissionsBoundary=f"arn:{principal.partition}:iam::{principal.account}:policy/{name}",
    )

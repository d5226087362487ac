"""IAM: a principal's inline and attached policies (and its groups', for users) and its
permissions boundary. Managed policies, AWS managed ones included, are read as documents."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from typing import Any

from checker.aws.reads import ABSENT, Failure, attempt, paginate
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, IdentityState, PolicyDocument, file_stem
from checker.refs import IamPrincipal, parse_principal_arn


class IdentityUnreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read(operation: str, call: Callable[[], Any]) -> Any:
    outcome = attempt(operation, call, absent_codes=frozenset({"NoSuchEntity"}))
    if isinstance(outcome, Failure):
        raise IdentityUnreadable(outcome.reason)
    if outcome is ABSENT:
        raise IdentityUnreadable(f"{operation}: no such entity")
    return outcome


class ManagedPolicies:
    """Managed policy documents by ARN, read once per run (many roles share them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._documents: dict[str, PolicyDocument] = {}

    def get(self, iam: Any, arn: str) -> PolicyDocument:
        with self._lock:
            if arn in self._documents:
                return self._documents[arn]
        version = _read("iam:GetPolicy", lambda: iam.get_policy(PolicyArn=arn))["Policy"][
            "DefaultVersionId"
        ]
        document = _read(
            "iam:GetPolicyVersion",
            lambda: iam.get_policy_version(PolicyArn=arn, VersionId=version),
        )["PolicyVersion"]["Document"]
        owner, name = arn.split(":", 5)[4:6]
        stem = file_stem("iam", "aws-managed" if owner == "aws" else owner, name)
        found = PolicyDocument(stem, document)
        with self._lock:
            self._documents[arn] = found
        return found


def _inline(
    iam: Any, kind: str, name: str, account: str, lister: str, getter: str
) -> list[PolicyDocument]:
    names = _read(
        f"iam:{lister}",
        lambda: sorted(paginate(iam, _snake(lister), "PolicyNames", **{f"{kind}Name": name})),
    )
    getter_method = getattr(iam, _snake(getter))
    documents = []
    for policy_name in names:
        params = {f"{kind}Name": name, "PolicyName": policy_name}
        response = _read(f"iam:{getter}", functools.partial(getter_method, **params))
        stem = file_stem("iam", account, kind.lower(), name, "inline", policy_name)
        documents.append(PolicyDocument(stem, response["PolicyDocument"]))
    return documents


def _attached(
    iam: Any, kind: str, name: str, lister: str, managed: ManagedPolicies
) -> list[PolicyDocument]:
    arns = _read(
        f"iam:{lister}",
        lambda: sorted(
            entry["PolicyArn"]
            for entry in paginate(iam, _snake(lister), "AttachedPolicies", **{f"{kind}Name": name})
        ),
    )
    return [managed.get(iam, arn) for arn in arns]


def _snake(operation: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in operation).lstrip("_")


def _boundary(
    iam: Any, entity: Mapping[str, Any], managed: ManagedPolicies
) -> PolicyDocument | None:
    boundary = entity.get("PermissionsBoundary")
    if not boundary:
        return None
    return managed.get(iam, boundary["PermissionsBoundaryArn"])


def read_identity(
    account: AwsAccount, principal: IamPrincipal, managed: ManagedPolicies
) -> IdentityState:
    iam = account.client("iam")
    name = principal.name or ""
    policies: list[PolicyDocument] = []
    role: Mapping[str, Any] = {}
    if principal.kind in ("role", "assumed-role"):
        role = _read("iam:GetRole", lambda: iam.get_role(RoleName=name))["Role"]
        policies += _inline(
            iam, "Role", name, principal.account, "ListRolePolicies", "GetRolePolicy"
        )
        policies += _attached(iam, "Role", name, "ListAttachedRolePolicies", managed)
        boundary = _boundary(iam, role, managed)
    else:
        user = _read("iam:GetUser", lambda: iam.get_user(UserName=name))["User"]
        policies += _inline(
            iam, "User", name, principal.account, "ListUserPolicies", "GetUserPolicy"
        )
        policies += _attached(iam, "User", name, "ListAttachedUserPolicies", managed)
        groups = _read(
            "iam:ListGroupsForUser",
            lambda: sorted(
                entry["GroupName"]
                for entry in paginate(iam, "list_groups_for_user", "Groups", UserName=name)
            ),
        )
        for group in groups:
            policies += _inline(
                iam, "Group", group, principal.account, "ListGroupPolicies", "GetGroupPolicy"
            )
            policies += _attached(iam, "Group", group, "ListAttachedGroupPolicies", managed)
        boundary = _boundary(iam, user, managed)
    unique = {policy.stem: policy for policy in policies}
    # A session's policies are its role's: plans name the role, not the session.
    owner = role["Arn"] if principal.kind == "assumed-role" else principal.arn
    return IdentityState(owner, tuple(unique.values()), boundary)


def collect_identity(
    accounts: Mapping[str, AwsAccount], arn: str, managed: ManagedPolicies, into: Collection
) -> None:
    """Read one principal's identity policies; an account root has none to read (its side
    stays unverified), nor has a principal in an account xreg has no credentials for."""
    try:
        principal = parse_principal_arn(arn)
    except ValueError as error:
        into.cannot_read(arn, "identity", str(error))
        return
    if principal.kind == "root":
        return
    account = accounts.get(principal.account)
    if account is None:
        into.no_credentials(arn, "identity", principal.account)
        return
    try:
        state = read_identity(account, principal, managed)
    except IdentityUnreadable as error:
        into.cannot_read(arn, "identity", error.reason)
        return
    with into.lock:
        into.identities[state.principal] = state

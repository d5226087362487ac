"""IAM: a principal's inline and attached policies (and its groups', for users) and its
permissions boundary. Managed policies, AWS managed ones included, are read as documents."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from typing import Any

from checker.aws.boto import xform_name
from checker.aws.reads import ABSENT, Failure, attempt, paginate
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, IdentityState, PolicyDocument, file_stem
from checker.refs import IamPrincipal, arn_or_none, parse_principal_arn


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
        parsed = arn_or_none(arn)
        if parsed is None:
            raise IdentityUnreadable(f"{arn!r} is not a managed policy ARN")
        owner, name = parsed.account, parsed.resource
        stem = file_stem("iam", "aws-managed" if owner == "aws" else owner, name)
        found = PolicyDocument(stem, document)
        with self._lock:
            self._documents[arn] = found
        return found


def _inline(iam: Any, kind: str, name: str, account: str) -> list[PolicyDocument]:
    """The inline policies of the ``kind`` (``Role``, ``User``, ``Group``) named ``name``."""
    lister, getter = f"List{kind}Policies", f"Get{kind}Policy"
    entity = {f"{kind}Name": name}
    names = _read(
        f"iam:{lister}",
        lambda: sorted(paginate(iam, xform_name(lister), "PolicyNames", **entity)),
    )
    getter_method = getattr(iam, xform_name(getter))
    documents = []
    for policy_name in names:
        params = {**entity, "PolicyName": policy_name}
        response = _read(f"iam:{getter}", functools.partial(getter_method, **params))
        stem = file_stem("iam", account, kind.lower(), name, "inline", policy_name)
        documents.append(PolicyDocument(stem, response["PolicyDocument"]))
    return documents


def _attached(iam: Any, kind: str, name: str, managed: ManagedPolicies) -> list[PolicyDocument]:
    lister = f"ListAttached{kind}Policies"
    entity = {f"{kind}Name": name}
    arns = _read(
        f"iam:{lister}",
        lambda: sorted(
            entry["PolicyArn"]
            for entry in paginate(iam, xform_name(lister), "AttachedPolicies", **entity)
        ),
    )
    return [managed.get(iam, arn) for arn in arns]


def _policies(
    iam: Any, kind: str, name: str, account: str, managed: ManagedPolicies
) -> list[PolicyDocument]:
    """Inline, then attached: the order a snapshot lists them in."""
    return _inline(iam, kind, name, account) + _attached(iam, kind, name, managed)


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
    # A session's policies are its role's: plans name the role, not the session.
    kind = "Role" if principal.kind in ("role", "assumed-role") else "User"
    getter = f"Get{kind}"
    entity = _read(
        f"iam:{getter}", lambda: getattr(iam, xform_name(getter))(**{f"{kind}Name": name})
    )[kind]
    policies = _policies(iam, kind, name, principal.account, managed)
    if kind == "User":
        groups = _read(
            "iam:ListGroupsForUser",
            lambda: sorted(
                entry["GroupName"]
                for entry in paginate(iam, "list_groups_for_user", "Groups", UserName=name)
            ),
        )
        for group in groups:
            policies += _policies(iam, "Group", group, principal.account, managed)
    boundary = _boundary(iam, entity, managed)
    unique = {policy.stem: policy for policy in policies}
    owner = entity["Arn"] if principal.kind == "assumed-role" else principal.arn
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

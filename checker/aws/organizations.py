"""AWS Organizations: the organization id, and the SCPs / RCPs that apply to an account.

Only the management account (or a delegated administrator) may read policies; elsewhere the
read is denied and the account's organization side stays unknown, with the reason.
"""

from __future__ import annotations

import functools
from typing import Any

from checker.aws.policy_text import policy_document
from checker.aws.reads import ABSENT, Failure, attempt, paginate
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, PolicyDocument, file_stem

NOT_IN_ORGANIZATION = "AWSOrganizationsNotInUseException"
POLICY_FILTERS = {"scp": "SERVICE_CONTROL_POLICY", "rcp": "RESOURCE_CONTROL_POLICY"}


class _Unreadable(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _must(outcome: Any) -> Any:
    if isinstance(outcome, Failure):
        raise _Unreadable(outcome)
    return outcome


def _list_parents(organizations: Any, child: str) -> list[Any]:
    return list(paginate(organizations, "list_parents", "Parents", ChildId=child))


def _targets(organizations: Any, account_id: str) -> list[str]:
    """The account and its ancestors up to the root, root first (the order SCPs apply)."""
    chain = [account_id]
    child = account_id
    while True:
        parents = _must(
            attempt(
                "organizations:ListParents",
                functools.partial(_list_parents, organizations, child),
            )
        )
        if not parents:
            break
        child = parents[0]["Id"]
        chain.append(child)
        if parents[0]["Type"] == "ROOT":
            break
    return list(reversed(chain))


def _policies(organizations: Any, target: str, kind: str) -> list[PolicyDocument]:
    summaries = _must(
        attempt(
            "organizations:ListPoliciesForTarget",
            lambda: list(
                paginate(
                    organizations,
                    "list_policies_for_target",
                    "Policies",
                    TargetId=target,
                    Filter=POLICY_FILTERS[kind],
                )
            ),
        )
    )
    documents = []
    for summary in sorted(summaries, key=lambda entry: entry["Id"]):
        described = _must(
            attempt(
                "organizations:DescribePolicy",
                functools.partial(organizations.describe_policy, PolicyId=summary["Id"]),
            )
        )
        document = policy_document(
            "organizations:DescribePolicy",
            described["Policy"]["Content"],
            file_stem(kind, summary["Id"]),
        )
        documents.append(_must(document))
    return documents


def collect_organization(account: AwsAccount, into: Collection, *, kinds: tuple[str, ...]) -> None:
    """Record the account's organization id and its SCPs/RCPs (``kinds``: scp, rcp).

    The policies are kept by level (root, OUs, account), root first: each level must allow.
    An account outside any organization has none (no level: nothing restricts it).
    """
    account_id = account.account_id
    organizations = account.client("organizations")
    described = attempt(
        "organizations:DescribeOrganization",
        lambda: organizations.describe_organization()["Organization"]["Id"],
        absent_codes=frozenset({NOT_IN_ORGANIZATION}),
    )
    if described is ABSENT:
        with into.lock:
            for kind in kinds:
                getattr(into, f"{kind}s")[account_id] = ()
        return
    if isinstance(described, Failure):
        into.cannot_read(account_id, "organization", described.reason)
        return
    with into.lock:
        into.organization_ids[account_id] = described
    try:
        targets = _targets(organizations, account_id)
    except _Unreadable as error:
        for kind in kinds:
            into.cannot_read(account_id, f"{kind}s", error.failure.reason)
        return
    for kind in kinds:
        try:
            levels = tuple(tuple(_policies(organizations, target, kind)) for target in targets)
        except _Unreadable as error:
            into.cannot_read(account_id, f"{kind}s", error.failure.reason)
            continue
        empty = [target for target, level in zip(targets, levels, strict=True) if not level]
        if len(empty) == len(levels):
            levels = ()  # the policy type is not enabled: nothing restricts the account
        elif empty:
            # AWS keeps at least one policy at every node while the type is enabled; a node
            # with none cannot be evaluated faithfully, so the side stays unknown.
            into.cannot_read(
                account_id, f"{kind}s", f"no {kind.upper()} is attached to {', '.join(empty)}"
            )
            continue
        with into.lock:
            getattr(into, f"{kind}s")[account_id] = levels

"""From a requirement to the question the evaluator answers: which policies decide it."""

from __future__ import annotations

import functools
from typing import Any

from checker.engine.missing_facts import missing_reasons, unreadable_notes
from checker.engine.organization import organization_keys, rcp_exemption, scp_exemption
from checker.engine.policies import PolicyIndex, aws_managed_key_policy, resource_policy_target
from checker.matrix.expand import Requirement
from checker.plan.identities import find_identity
from checker.plan.model import KmsKey, OrganizationKind, Plan
from checker.policy import parse_policy
from checker.policy.context import request_context
from checker.policy.model import Policy, PolicyType
from checker.policy.request import AccessQuestion, Grant, Request
from checker.records import record


@record
class Question:
    access: AccessQuestion
    # Why a side could not be read from the plan (e.g. a fact a snapshot could not read).
    notes: tuple[str, ...] = ()
    # Why the resource does not exist, as a snapshot found (the access is then unknown).
    missing: tuple[str, ...] = ()
    # Why the resource itself is unknown (a key the plan does not name): the access is then
    # unknown whatever the policies say, since none of them can be matched against it.
    undecidable: tuple[str, ...] = ()


def _context_extra(
    plan: Plan, action: str, principal_account: str, resource_account: str
) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """The context keys the plan gives: the organization keys, ``kms:CallerAccount`` for KMS
    calls (the caller's account, which AWS managed key policies test) and the plan's
    ``context``, which wins (a ``null`` there: the key is absent). Values, and keys absent."""
    extra, absent = organization_keys(plan, principal_account, resource_account)
    missing = set(absent)
    if action.lower().startswith("kms:"):
        extra["kms:CallerAccount"] = (principal_account,)
    for key, value in plan.context.items():
        if value is None:
            missing.add(key.lower())
            extra = {k: v for k, v in extra.items() if k.lower() != key.lower()}
            continue
        missing.discard(key.lower())
        items = value if isinstance(value, list) else [value]
        extra[key] = tuple(
            ("true" if item else "false") if isinstance(item, bool) else str(item) for item in items
        )
    return extra, frozenset(missing)


def _levels(
    index: PolicyIndex, plan: Plan, account: str, kind: PolicyType
) -> tuple[tuple[tuple[Policy, ...], ...] | None, str | None]:
    """The organization policies of ``account`` by level, root first, and why they are not
    fully known (a snapshot could not read them, or a managed policy xreg does not ship)."""
    name: OrganizationKind = "scp" if kind is PolicyType.SCP else "rcp"
    reasons: list[str] = []
    unreadable = plan.snapshot.organization_unreadable(name, account)
    if unreadable is not None:
        reasons.append(f"the {name.upper()}s of account {account} could not be read: {unreadable}")
    given = plan.organization_levels(name, account)
    if not given:  # not given, or an empty list: nothing restricts the account
        return None, "; ".join(reasons) or None
    levels: list[tuple[Policy, ...]] = []
    for level in given:
        parsed: list[Policy] = []
        for item in level:
            policy = index.organization_policy(item, kind)
            if policy is None:
                reasons.append(
                    f"{name.upper()} {getattr(item, 'name', '?')} of account {account} is an "
                    "AWS managed policy xreg does not ship (give its document as a file)"
                )
                policy = _unknown_document(kind, plan.partition)
            parsed.append(policy)
        levels.append(tuple(parsed))
    return tuple(levels), "; ".join(reasons) or None


@functools.cache
def _unknown_document(kind: PolicyType, partition: str) -> Policy:
    """Stands in for an organization policy whose document is unknown. It allows everything,
    so that its level is not taken to deny for want of it; the side is marked unknown (the
    caller gives the reason), so this Allow never makes an access allowed, and the known
    policies' Denies still win."""
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if kind is PolicyType.RCP:
        statement["Principal"] = "*"
    return parse_policy(
        {"Version": "2012-10-17", "Statement": [statement]},
        source="(organization policy whose document is unknown)",
        policy_type=kind,
        partition=partition,
    )


@record
class _ResourceSide:
    policy: Policy | None
    state_known: bool  # False: the plan does not give the resource, so its policy is unknown
    applies: bool = True
    grants: tuple[Grant, ...] = ()


def _resource_side(
    plan: Plan, index: PolicyIndex, requirement: Requirement, notes: list[str]
) -> _ResourceSide:
    """The resource's side of ``requirement``; why it is unknown goes to ``notes``."""
    kind = requirement.spec.resource
    choice = requirement.key
    if kind == "any" or (kind == "repository" and requirement.aws_owned_image):
        return _ResourceSide(None, requirement.resource_owner is not None, applies=False)
    if kind == "artifact_key":
        if choice is None or choice.arn is None:
            return _ResourceSide(None, state_known=False)
        if choice.aws_managed:
            service = "sagemaker" if "aws/sagemaker" in choice.arn else "s3"
            managed = aws_managed_key_policy(
                choice.arn,
                service=service,
                account=choice.account,
                region=plan.region,
                partition=plan.partition,
            )
            return _ResourceSide(managed, state_known=True)
    target = resource_policy_target(requirement, plan.partition)
    if target is None:
        return _ResourceSide(None, state_known=False)
    policy: Policy | None = None
    if target.loaded is not None:
        policy = index.parse(target.loaded, target.policy_type, target.arn)
    key = choice.key if kind == "artifact_key" and choice is not None else None
    return _ResourceSide(policy, True, grants=_grants(key) if key is not None else ())


def _grants(key: KmsKey) -> tuple[Grant, ...]:
    return tuple(
        Grant(
            grantee_principal=grant.grantee_principal,
            operations=grant.operations,
            source=grant.plan_field,
            grant_id=grant.grant_id,
            constraints=grant.constraints,
        )
        for grant in key.grants
    )


def build_question(plan: Plan, index: PolicyIndex, requirement: Requirement) -> Question:
    principal = requirement.principal
    principal_account = requirement.principal_account
    resource_account = requirement.resource_owner or ""
    notes: list[str] = []

    identity = find_identity(plan, principal)
    identity_policies: tuple[Policy, ...] | None = None
    boundary: Policy | None = None
    if identity is not None:
        policies, missing = index.identity_policies(identity)
        if missing:
            notes.append(
                f"the identity side of {principal} was not verified: xreg does not ship the "
                f"AWS managed polic{'ies' if len(missing) > 1 else 'y'} {', '.join(missing)} "
                "(give the document as a file)"
            )
        else:
            identity_policies = policies
        if identity.permissions_boundary:
            boundary = index.parse(identity.permissions_boundary, PolicyType.BOUNDARY)

    exemptions: list[str] = []
    scp_exempt = scp_exemption(plan, principal, principal_account)
    scps, scps_unknown = (
        _levels(index, plan, principal_account, PolicyType.SCP)
        if scp_exempt is None
        else (None, None)
    )
    aws_managed_key = requirement.key is not None and requirement.key.aws_managed
    rcp_exempt = rcp_exemption(
        plan, principal, requirement.action, resource_account, aws_managed_key=aws_managed_key
    )
    rcps, rcps_unknown = (
        _levels(index, plan, resource_account, PolicyType.RCP)
        if rcp_exempt is None
        else (None, None)
    )
    exemptions.extend(reason for reason in (scp_exempt, rcp_exempt) if reason is not None)
    organization_unknown = "; ".join(filter(None, (scps_unknown, rcps_unknown))) or None

    side = _resource_side(plan, index, requirement, notes)

    extra, absent = _context_extra(plan, requirement.action, principal_account, resource_account)
    context = request_context(
        principal,
        resource_account=resource_account,
        role_arn=identity.principal if identity is not None else None,
        extra=extra,
        absent=absent,
        action=requirement.action,
    )
    access = AccessQuestion(
        request=Request(principal, requirement.action, requirement.resource, context),
        resource_account=resource_account,
        principal_account=principal_account,
        resource_policy=side.policy,
        resource_state_known=side.state_known,
        resource_side_applies=side.applies,
        identity_policies=identity_policies,
        permissions_boundary=boundary,
        scps=scps,
        rcps=rcps,
        grants=side.grants,
        organization_unknown=organization_unknown,
        organization_exempt="; ".join(exemptions) or None,
    )
    notes.extend(unreadable_notes(plan, requirement))
    choice = requirement.key
    undecidable = (choice.reason,) if choice is not None and choice.arn is None else ()
    return Question(access, tuple(notes), tuple(missing_reasons(plan, requirement)), undecidable)

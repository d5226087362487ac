"""Apply fix suggestions to a plan in memory: what the plan would say after the commands ran.

Used to prove that the suggestions close the gaps (tests, ``dry-run --with-fixes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from checker.plan.model import Identity, KmsGrant, LoadedPolicy, Plan
from checker.records import replace
from checker.refs import parse_principal_arn
from checker.results.model import Fix


def _replace_policy(loaded: LoadedPolicy | None, fix: Fix) -> LoadedPolicy | None:
    if loaded is None or fix.policy is None or loaded.plan_field != fix.plan_field:
        return loaded
    return replace(loaded, document=fix.policy, positions={})


def _new_policy(fix: Fix, plan_field: str) -> LoadedPolicy:
    assert fix.policy is not None
    source = fix.policy_file or f"{fix.id}.json"
    return LoadedPolicy(source=source, document=fix.policy, plan_field=plan_field)


def apply_fixes(plan: Plan, fixes: Iterable[Fix]) -> Plan:
    for fix in fixes:
        plan = apply_fix(plan, fix)
    return plan


def apply_fix(plan: Plan, fix: Fix) -> Plan:
    if fix.kind == "kms_grant" and fix.grant is not None:
        return _add_grant(plan, fix)
    if fix.kind == "manual" and (fix.plan_field or "").endswith(".object_ownership"):
        # put-bucket-ownership-controls BucketOwnerEnforced: the bucket owner owns every object
        return replace(
            plan,
            s3_buckets=tuple(
                replace(b, object_ownership="BucketOwnerEnforced")
                if fix.plan_field == f"{b.plan_field}.object_ownership"
                else b
                for b in plan.s3_buckets
            ),
        )
    if fix.policy is None:
        return plan  # manual fixes change things outside the plan's policies
    if fix.plan_field is None:
        return _attach_new_policy(plan, fix)
    return replace(
        plan,
        ecr_repositories=tuple(
            replace(r, policy=_replace_policy(r.policy, fix)) for r in plan.ecr_repositories
        ),
        s3_buckets=tuple(
            replace(b, policy=_replace_policy(b.policy, fix)) for b in plan.s3_buckets
        ),
        kms_keys=tuple(replace(k, policy=_replace_policy(k.policy, fix)) for k in plan.kms_keys),
        model_package_groups=tuple(
            replace(g, policy=_replace_policy(g.policy, fix)) for g in plan.model_package_groups
        ),
        identities=tuple(_identity_with(identity, fix) for identity in plan.identities),
        service_control_policies=_org_with(plan.service_control_policies, fix),
        resource_control_policies=_org_with(plan.resource_control_policies, fix),
    )


def _identity_with(identity: Identity, fix: Fix) -> Identity:
    policies = tuple(
        _replace_policy(p, fix) if isinstance(p, LoadedPolicy) else p for p in identity.policies
    )
    boundary = _replace_policy(identity.permissions_boundary, fix)
    return replace(identity, policies=policies, permissions_boundary=boundary)


def _org_with(mapping: Any, fix: Fix) -> Any:
    # Entries are replaced one for one, so the plan's scp_levels / rcp_levels still fit.
    if mapping is None:
        return None
    return {
        account: tuple(_replace_policy(p, fix) if isinstance(p, LoadedPolicy) else p for p in items)
        for account, items in mapping.items()
    }


def _attach_new_policy(plan: Plan, fix: Fix) -> Plan:
    """A new identity policy (or a resource policy where there was none)."""
    if fix.kind == "identity_policy" and fix.principal is not None:
        identities = list(plan.identities)
        for position, identity in enumerate(identities):
            if identity.principal == fix.principal:
                field = f"{identity.plan_field}.policies[{len(identity.policies)}]"
                identities[position] = replace(
                    identity, policies=(*identity.policies, _new_policy(fix, field))
                )
                return replace(plan, identities=tuple(identities))
        field = f"identities[{len(identities)}]"
        # A plan's principal, or the role of one of its sessions (an ARN built from its parts).
        parsed = plan.principal(fix.principal) or parse_principal_arn(fix.principal)
        identities.append(
            Identity(fix.principal, (_new_policy(fix, f"{field}.policies[0]"),), field, parsed)
        )
        return replace(plan, identities=tuple(identities))
    resource = fix.resource or ""
    return replace(
        plan,
        ecr_repositories=tuple(
            replace(r, policy=_new_policy(fix, f"{r.plan_field}.policy"))
            if r.arn == resource and r.policy is None
            else r
            for r in plan.ecr_repositories
        ),
        s3_buckets=tuple(
            replace(b, policy=_new_policy(fix, f"{b.plan_field}.policy"))
            if b.arn(plan.partition) == resource and b.policy is None
            else b
            for b in plan.s3_buckets
        ),
        model_package_groups=tuple(
            replace(g, policy=_new_policy(fix, f"{g.plan_field}.policy"))
            if g.arn == resource and g.policy is None
            else g
            for g in plan.model_package_groups
        ),
    )


def _add_grant(plan: Plan, fix: Fix) -> Plan:
    assert fix.grant is not None
    keys = []
    revoke = fix.revoke_grant or {}
    for key in plan.kms_keys:
        if key.arn == fix.resource:
            if revoke:
                key = replace(key, grants=tuple(g for g in key.grants if not _revoked(g, revoke)))
            grant = KmsGrant(
                grantee_principal=str(fix.grant["GranteePrincipal"]),
                operations=tuple(fix.grant["Operations"]),
                plan_field=f"{key.plan_field}.grants[{len(key.grants)}]",
            )
            key = replace(key, grants=(*key.grants, grant))
        keys.append(key)
    return replace(plan, kms_keys=tuple(keys))


def _revoked(grant: KmsGrant, revoke: dict[str, Any]) -> bool:
    grant_id = revoke.get("GrantId")
    if grant_id:
        return grant.grant_id == str(grant_id)
    return grant.grantee_principal == str(revoke.get("GranteePrincipal"))

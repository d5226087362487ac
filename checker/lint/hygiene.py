"""Hygiene rules: grants wider than the registration needs, and documents too large to put."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.lint.context import Hit, LintContext, PolicyUnit
from checker.lint.registry import rule
from checker.lint.spec import RuleSpec
from checker.lint.statements import (
    has_organization_condition,
    is_public,
    is_restricted,
    other_accounts,
    with_condition,
)
from checker.matrix.spec import needed_actions
from checker.policy.model import PolicyType, Statement


def _root(partition: str, account: str) -> str:
    return f"arn:{partition}:iam::{account}:root"


@rule("PUBLIC-PRINCIPAL")
def public_principal(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.effect != "Allow" or not is_public(statement) or is_restricted(statement):
                continue
            # Who the registration needs here: the registrar for the group, else the consumers.
            reader = (
                plan.training_account
                if unit.type is PolicyType.MODEL_PACKAGE_GROUP
                else plan.registry_account
            )
            fixed = {
                **unit.raw_statement(statement),
                "Principal": {"AWS": _root(plan.partition, reader)},
            }
            yield unit.hit(
                f'statement {statement.label} of the {unit.target} allows Principal "*" with no '
                "condition that limits who may call: anyone, in any account, anonymous "
                "callers included",
                statement,
                path=(*unit.statement_path(statement), "Principal"),
                fix=unit.statement_fix(
                    statement, fixed, f"name account {reader} instead of everyone"
                ),
            )


def _broad_actions(statement: Statement) -> list[str]:
    if statement.not_action is not None:
        return [f"NotAction {', '.join(statement.not_action)}"]
    return [
        pattern
        for pattern in statement.action or ()
        if pattern == "*" or (pattern.count(":") == 1 and pattern.split(":")[1] == "*")
    ]


def _narrowed(
    unit: PolicyUnit, statement: Statement, broad: list[str], all_resources: bool
) -> dict[str, Any] | None:
    # A broad grant's fix narrows it to what the registration needs (the permission matrix).
    needed = needed_actions().get(unit.type)
    if not needed:
        return None
    fixed = dict(unit.raw_statement(statement))
    if broad:
        if statement.not_action is not None:
            return None
        actions = [a for a in statement.action or () if a not in broad]
        actions.extend(action for action in needed if action not in actions)
        fixed["Action"] = actions[0] if len(actions) == 1 else actions
    if all_resources:
        fixed["Resource"] = f"{unit.attached_to}/*"
    return fixed


@rule("BROAD-CROSS-ACCOUNT")
def broad_cross_account(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.effect != "Allow" or is_public(statement):
                continue
            accounts = other_accounts(statement, unit.owner)
            if not accounts:
                continue
            broad = _broad_actions(statement)
            all_resources = unit.type is PolicyType.BUCKET and any(
                r == "*" or r.endswith(":s3:::*") for r in statement.resource or ()
            )
            if not broad and not all_resources:
                continue
            what = []
            if broad:
                what.append(", ".join(broad))
            if all_resources:
                what.append('on Resource "*"')
            fixed = _narrowed(unit, statement, broad, all_resources)
            fix = None
            if fixed is not None:
                fix = unit.statement_fix(statement, fixed, "grant only what the registration needs")
            yield unit.hit(
                f"statement {statement.label} of the {unit.target} grants {' '.join(what)} to "
                f"account {', '.join(accounts)}: far more than a cross-account registration needs",
                statement,
                fix=fix,
            )


@rule("MISSING-ORG-CONDITION")
def missing_org_condition(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    organization = context.plan.organization_id
    if not organization:
        return
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.effect != "Allow" or is_public(statement):
                continue
            accounts = other_accounts(statement, unit.owner)
            if not accounts or has_organization_condition(statement):
                continue
            if any(account in context.plan.outside_organization for account in accounts):
                continue  # the condition would lock out an account the plan puts outside
            fixed = with_condition(
                unit.raw_statement(statement), "StringEquals", "aws:PrincipalOrgID", organization
            )
            yield unit.hit(
                f"statement {statement.label} of the {unit.target} allows account "
                f"{', '.join(accounts)} without an aws:PrincipalOrgID condition, though the plan "
                f"names the organization {organization}",
                statement,
                fix=unit.statement_fix(
                    statement, fixed, f"allow the account only while it is in {organization}"
                ),
            )

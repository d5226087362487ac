"""Rules that read the IAM catalog: unknown services, actions and condition keys, actions on
resources they do not act on, and what wildcard actions really grant."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from checker import catalog
from checker.catalog.arn_templates import bind, instantiate
from checker.lint.context import Hit, LintContext, PolicyUnit
from checker.lint.registry import rule
from checker.lint.spec import RuleSpec
from checker.lint.statements import action_services
from checker.policy.model import PolicyType, Statement

_LISTED = 12  # how many expanded actions a message names before "and N more"


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _action_elements(statement: Statement) -> Iterator[tuple[str, int, str]]:
    """(element, position in it, action pattern) for Action and NotAction."""
    for element, patterns in (("Action", statement.action), ("NotAction", statement.not_action)):
        for index, pattern in enumerate(patterns or ()):
            yield element, index, pattern


def _element_path(
    unit: PolicyUnit, statement: Statement, element: str, index: int
) -> tuple[str | int, ...]:
    raw = unit.raw_statement(statement).get(element)
    base = (*unit.statement_path(statement), element)
    return (*base, index) if isinstance(raw, list) else base


def _replace_action(
    unit: PolicyUnit, statement: Statement, element: str, old: str, new: Sequence[str]
) -> dict[str, Any]:
    raw = dict(unit.raw_statement(statement))
    items = raw[element] if isinstance(raw[element], list) else [raw[element]]
    replaced: list[str] = []
    kept: set[str] = set()
    for item in items:
        for value in new if item == old else [item]:
            if value not in kept:
                kept.add(value)
                replaced.append(value)
    raw[element] = replaced[0] if len(replaced) == 1 else replaced
    return raw


def _did_you_mean(suggestions: Sequence[str]) -> str:
    return f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""


@rule("UNKNOWN-SERVICE")
def unknown_service(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            for element, index, pattern in _action_elements(statement):
                if pattern == "*":
                    continue
                if pattern.count(":") != 1:
                    reason = "is not of the form service:action"
                    suggestions: list[str] = []
                else:
                    prefix = pattern.split(":")[0]
                    if _has_wildcard(prefix) or catalog.service_exists(prefix):
                        continue
                    reason = f"names no AWS service ({prefix!r})"
                    suggestions = context.suggest_action(pattern)
                yield _unknown_action_hit(
                    unit, statement, element, index, pattern, reason, suggestions
                )


@rule("UNKNOWN-ACTION")
def unknown_action(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            for element, index, pattern in _action_elements(statement):
                if pattern == "*" or pattern.count(":") != 1:
                    continue
                prefix, name = pattern.split(":")
                if _has_wildcard(prefix) or not catalog.service_exists(prefix):
                    continue
                if _has_wildcard(name):
                    if catalog.expand_action(pattern):
                        continue
                    reason = f"matches no action of {prefix.lower()}"
                    suggestions: list[str] = []
                else:
                    if catalog.action(pattern) is not None:
                        continue
                    reason = f"is not an action of {prefix.lower()}"
                    suggestions = context.suggest_action(pattern)
                yield _unknown_action_hit(
                    unit, statement, element, index, pattern, reason, suggestions
                )


def _unknown_action_hit(
    unit: PolicyUnit,
    statement: Statement,
    element: str,
    index: int,
    pattern: str,
    reason: str,
    suggestions: list[str],
) -> Hit:
    """The finding for an action the catalog does not know, fixed with the closest name."""
    fix = None
    if suggestions:
        fixed = _replace_action(unit, statement, element, pattern, [suggestions[0]])
        fix = unit.statement_fix(statement, fixed, f"use {suggestions[0]}")
    return unit.hit(
        f"{pattern} in statement {statement.label} of the {unit.target} {reason}"
        f"{_did_you_mean(suggestions)}",
        statement,
        path=_element_path(unit, statement, element, index),
        detail=pattern,
        fix=fix,
    )


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _kinds(types: Sequence[catalog.ResourceType]) -> str:
    """``a bucket (arn:${Partition}:s3:::${BucketName}) or an accesspoint (…)``."""
    return " or ".join(f"{_article(t.name)} ({t.arn})" for t in types)


def _listed_kinds(service: str, resources: Sequence[str]) -> str:
    """`` (an object)``: what the statement's resources are, when the catalog can tell."""
    names = sorted(
        {t.name for t in catalog.resource_types(service) for r in resources if t.may_match(r)}
    )
    return f" ({' or '.join(_article(name) for name in names)})" if names else ""


# Variables a fix can fill in from another resource type's variables: the versions of a model
# package group, the objects of a bucket.
_DERIVED_VARIABLES = {
    "ModelPackageName": ("ModelPackageGroupName", "{}/*"),
    "ObjectName": ("BucketName", "*"),
}


def _resources_for(info: catalog.ActionInfo, resources: Sequence[str]) -> list[str]:
    """ARNs of the action's resource types, derived from the statement's own resources."""
    service_types = catalog.resource_types(info.service)
    found: list[str] = []
    for resource in resources:
        for source_type in service_types:
            binding = bind(source_type.arn, resource)
            if binding is None:
                continue
            values = dict(binding.values)
            for name, (origin, form) in _DERIVED_VARIABLES.items():
                if name not in values and origin in values:
                    values[name] = form.format(values[origin])
            for target in info.resource_types:
                candidate = instantiate(target.arn, values)
                new = candidate and candidate not in resources and candidate not in found
                if new and candidate and target.may_match(candidate):
                    found.append(candidate)
    return found


@rule("ACTION-RESOURCE-MISMATCH")
def action_resource_mismatch(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            resources = statement.resource
            if not resources or "*" in resources:
                continue
            for index, pattern in enumerate(statement.action or ()):
                if _has_wildcard(pattern):
                    continue
                info = catalog.action(pattern)
                if info is None:
                    continue
                listed = ", ".join(resources)
                verb = "grants" if statement.effect == "Allow" else "denies"
                if not info.resource_types:
                    message = (
                        f"{info.full_name} has no resource-level permissions (it takes only "
                        f'Resource "*"), but statement {statement.label} of the {unit.target} '
                        f"lists only {listed}: it {verb} nothing"
                    )
                    yield unit.hit(
                        message,
                        statement,
                        path=_element_path(unit, statement, "Action", index),
                        detail=info.full_name,
                    )
                    continue
                if any(t.may_match(r) for t in info.resource_types for r in resources):
                    continue
                what = _listed_kinds(info.service, resources)
                message = (
                    f"{info.full_name} acts on {_kinds(info.resource_types)}, but statement "
                    f"{statement.label} of the {unit.target} lists only {listed}{what}: "
                    f"it {verb} {info.full_name} on nothing"
                )
                additions = _resources_for(info, resources)
                fix = None
                if additions:
                    fixed = dict(unit.raw_statement(statement))
                    fixed["Resource"] = [*resources, *additions]
                    fix = unit.statement_fix(
                        statement, fixed, f"add {', '.join(additions)} to the statement's Resource"
                    )
                yield unit.hit(
                    message,
                    statement,
                    path=_element_path(unit, statement, "Action", index),
                    detail=info.full_name,
                    fix=fix,
                )


def _names(infos: Sequence[catalog.ActionInfo]) -> str:
    names = [info.name for info in infos]
    shown = ", ".join(names[:_LISTED])
    return shown if len(names) <= _LISTED else f"{shown} and {len(names) - _LISTED} more"


@rule("ACTION-WILDCARD")
def action_wildcard(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.effect != "Allow":
                continue
            for index, pattern in enumerate(statement.action or ()):
                if pattern.count(":") != 1:
                    continue
                prefix, name = pattern.split(":")
                if name == "*" or not _has_wildcard(name) or _has_wildcard(prefix):
                    continue
                expanded = catalog.expand_action(pattern)
                if not expanded:
                    continue
                if unit.type is PolicyType.REPOSITORY and not all(map(_repository_level, expanded)):
                    continue  # REPOSITORY-REGISTRY-ACTION reports this entry, with its expansion
                plural = "s" if len(expanded) != 1 else ""
                yield unit.hit(
                    f"{pattern} in statement {statement.label} of the {unit.target} grants "
                    f"{len(expanded)} action{plural}: {_names(expanded)}",
                    statement,
                    path=_element_path(unit, statement, "Action", index),
                    detail=pattern,
                )


def _repository_level(info: catalog.ActionInfo) -> bool:
    return any(t.name == "repository" for t in info.resource_types)


@rule("REPOSITORY-REGISTRY-ACTION")
def repository_registry_action(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.effect != "Allow":
                continue
            for index, pattern in enumerate(statement.action or ()):
                if pattern in ("*", "ecr:*") or pattern.count(":") != 1:
                    continue
                if pattern.split(":")[0].lower() != "ecr":
                    message = (
                        f"{pattern} in statement {statement.label} of the {unit.target} is not "
                        "an ECR action: a repository policy grants only ecr: actions"
                    )
                    yield unit.hit(
                        message,
                        statement,
                        path=_element_path(unit, statement, "Action", index),
                        detail=pattern,
                    )
                    continue
                expanded = catalog.expand_action(pattern)
                registry = [info for info in expanded if not _repository_level(info)]
                if not registry:
                    continue
                keep = [info.full_name for info in expanded if _repository_level(info)]
                fixed = _replace_action(unit, statement, "Action", pattern, keep)
                fix = (
                    unit.statement_fix(
                        statement, fixed, f"list the repository actions {pattern} was meant for"
                    )
                    if keep
                    else None
                )
                covers = "also covers" if len(expanded) > 1 else "is"
                yield unit.hit(
                    f"{pattern} in statement {statement.label} of the {unit.target} {covers} "
                    f"{_names(registry)}, which act on the registry, not a repository: a "
                    "repository policy cannot grant them (only the caller's identity policy can)",
                    statement,
                    path=_element_path(unit, statement, "Action", index),
                    detail=pattern,
                    fix=fix,
                )


_KEY_PROBLEMS = {
    catalog.ConditionKeyStatus.UNKNOWN_GLOBAL: "is not an AWS global condition key",
    catalog.ConditionKeyStatus.UNKNOWN_SERVICE: "belongs to no AWS service",
    catalog.ConditionKeyStatus.UNKNOWN_FOR_SERVICE: "is not a condition key of its service",
}


@rule("UNKNOWN-CONDITION-KEY")
def unknown_condition_key(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            services = action_services(statement)
            for condition in statement.conditions:
                status = catalog.condition_key_status(condition.key, services)
                if status is catalog.ConditionKeyStatus.KNOWN:
                    continue
                if status is catalog.ConditionKeyStatus.OTHER_SERVICE:
                    problem = (
                        f"is a key of {condition.key.split(':')[0].lower()}, but the statement's "
                        f"actions are of {', '.join(sorted(services))}: the key is never in "
                        "their requests"
                    )
                    suggestions: list[str] = []
                else:
                    problem = _KEY_PROBLEMS[status]
                    suggestions = context.suggest_condition_key(condition.key)
                yield unit.hit(
                    f"condition key {condition.key} in statement {statement.label} of the "
                    f"{unit.target} {problem}{_did_you_mean(suggestions)}",
                    statement,
                    path=(
                        *unit.statement_path(statement),
                        "Condition",
                        condition.operator,
                        condition.key,
                    ),
                    detail=f"{condition.operator}/{condition.key}",
                )


@rule("UNKNOWN-MANAGED-POLICY")
def unknown_managed_policy(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    from checker.catalog.managed_policies import is_aws_managed_policy, suggest_managed_policy
    from checker.errors import parse_field_path
    from checker.plan.model import ManagedPolicyRef

    for identity in context.plan.identities:
        for entry in identity.policies:
            if not isinstance(entry, ManagedPolicyRef) or is_aws_managed_policy(entry.name):
                continue
            suggestions = suggest_managed_policy(entry.name)
            yield context.plan_hit(
                f"{entry.plan_field} names {entry.name!r}, which is not an AWS managed policy"
                f"{_did_you_mean(suggestions)}: the identity side of {identity.principal} "
                "cannot be verified (give a customer managed policy's document as a file)",
                parse_field_path(entry.plan_field),
                resource=identity.principal,
                detail=entry.name,
            )

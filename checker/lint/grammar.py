"""Grammar rules: what AWS would reject, or read differently than the author meant.

Each rule knows the policy's type: an ECR repository policy has no ``Resource`` (ECR refuses
one) and a key policy's ``"Resource": "*"`` means "this key", so neither is flagged there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.errors import parse_field_path
from checker.lint.context import Hit, LintContext, PolicyUnit
from checker.lint.registry import rule
from checker.lint.spec import RuleSpec
from checker.lint.statements import with_condition
from checker.plan.model import FieldPath
from checker.policy.model import PolicyType, Statement
from checker.policy.principals import PrincipalKind, parse_principal
from checker.records import replace
from checker.refs import group_versions_arn, is_account_id
from checker.results.model import Fix

CURRENT_VERSION = "2012-10-17"


@rule("POLICY-INVALID")
def policy_invalid(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit in context.units:
        if unit.error is None or unit.type.value not in spec.applies_to:
            continue
        path = parse_field_path(unit.error.path)
        yield unit.hit(
            f"AWS would refuse this {unit.target}: {unit.error.path}: {unit.error.reason}",
            path=path,
            detail=unit.error.reason,
        )


@rule("POLICY-VERSION")
def policy_version(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        version = policy.version
        if version == CURRENT_VERSION:
            continue
        said = "has no Version" if version is None else f"has Version {version}"
        fixed = {
            "Version": CURRENT_VERSION,
            **{k: v for k, v in unit.document.items() if k != "Version"},
        }
        yield unit.hit(
            f"the {unit.target} {said}: policy variables such as ${{aws:username}} are then "
            f'read as literal text; use "Version": "{CURRENT_VERSION}"',
            path=("Version",) if version is not None else (),
            fix=unit.fix(
                statement=None, policy=fixed, description=f'set "Version": "{CURRENT_VERSION}"'
            ),
        )


@rule("POLICY-SID")
def policy_sid(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        first_index: dict[str, int] = {}
        for statement in policy.statements:
            sid = unit.raw_statement(statement).get("Sid")
            if sid is None:
                continue
            if sid == "":
                yield unit.hit(
                    f"statement #{statement.index} of the {unit.target} has an empty Sid",
                    statement,
                    path=(*unit.statement_path(statement), "Sid"),
                    fix=_sid_fix(unit, statement, None),
                )
            elif sid in first_index:
                yield unit.hit(
                    f"Sid {sid!r} of statement #{statement.index} repeats the Sid of statement "
                    f"#{first_index[sid]}; Sids must be unique within a policy",
                    statement,
                    path=(*unit.statement_path(statement), "Sid"),
                    fix=_sid_fix(unit, statement, f"{sid}{statement.index}"),
                )
            else:
                first_index[sid] = statement.index


def _sid_fix(unit: PolicyUnit, statement: Statement, new_sid: str | None) -> Fix:
    fixed = _without(unit, statement, "Sid")
    if new_sid is not None:
        fixed = {"Sid": new_sid, **fixed}
    return unit.statement_fix(
        statement, fixed, "give the statement a unique Sid" if new_sid else "remove the empty Sid"
    )


def _without(unit: PolicyUnit, statement: Statement, *keys: str) -> dict[str, Any]:
    return {k: v for k, v in unit.raw_statement(statement).items() if k not in keys}


@rule("IDENTITY-PRINCIPAL")
def identity_principal(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    yield from _refused_elements(
        context,
        spec,
        ("Principal", "NotPrincipal"),
        "an identity policy applies to the principal it is attached to, and AWS refuses the "
        "element",
    )


@rule("RESOURCE-POLICY-PRINCIPAL")
def resource_policy_principal(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.principal is None and statement.not_principal is None:
                yield unit.hit(
                    f"statement {statement.label} of the {unit.target} names no Principal: a "
                    "resource policy must say whom it applies to, and AWS refuses it without one",
                    statement,
                )


@rule("NOTPRINCIPAL-ALLOW")
def not_principal_allow(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.effect == "Allow" and statement.not_principal is not None:
                yield unit.hit(
                    f"statement {statement.label} of the {unit.target} allows with NotPrincipal: "
                    "it grants every principal not listed, anonymous callers included",
                    statement,
                    path=(*unit.statement_path(statement), "NotPrincipal"),
                )


def _spared_by_principal_arn(statement: Statement) -> set[str]:
    """The role ARNs a Deny's ``ArnNotEquals`` / ``ArnNotLike`` / ``StringNotEquals`` on
    ``aws:PrincipalArn`` leaves out, whichever of the role's sessions asks (a session's
    ``aws:PrincipalArn`` is its role's ARN)."""
    negated = ("arnnotequals", "arnnotlike", "stringnotequals", "stringnotlike")
    return {
        value
        for condition in statement.conditions
        if condition.key.lower() == "aws:principalarn"
        and condition.operator.lower().removesuffix("ifexists") in negated
        for value in condition.values
    }


@rule("NOTPRINCIPAL-ROLE-SESSIONS")
def not_principal_role_sessions(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.effect != "Deny" or statement.not_principal is None:
                continue
            listed = [parse_principal(entry) for entry in statement.not_principal.aws]
            sessions = {(p.account, p.name) for p in listed if p.kind is PrincipalKind.SESSION}
            spared = _spared_by_principal_arn(statement)
            for role in listed:
                if role.kind is not PrincipalKind.ROLE or role.arn in spared:
                    continue
                if (role.account, role.name) not in sessions:
                    yield unit.hit(
                        f"statement {statement.label} of the {unit.target} denies with "
                        f"NotPrincipal listing {role.arn} but none of its sessions: every "
                        "session of the role, which is what makes requests, is still denied",
                        statement,
                        path=(*unit.statement_path(statement), "NotPrincipal"),
                    )


def _principal_entries(raw: Any) -> list[tuple[FieldPath, str]]:
    """(path inside the element, ARN) of every ``AWS`` entry of a Principal element."""
    if not isinstance(raw, dict) or "AWS" not in raw:
        return []
    entries = raw["AWS"]
    if isinstance(entries, str):
        return [(("AWS",), entries)]
    if isinstance(entries, list):
        return [(("AWS", i), e) for i, e in enumerate(entries) if isinstance(e, str)]
    return []


@rule("PRINCIPAL-WILDCARD-ARN")
def principal_wildcard_arn(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            raw = unit.raw_statement(statement)
            for element in ("Principal", "NotPrincipal"):
                for inner, entry in _principal_entries(raw.get(element)):
                    if entry == "*" or not any(c in entry for c in "*?"):
                        continue
                    yield unit.hit(
                        f"statement {statement.label} of the {unit.target} has a wildcard inside "
                        f'the principal {entry!r}: a principal is "*" or an exact ARN; match '
                        "patterns with an ArnLike condition on aws:PrincipalArn",
                        statement,
                        path=(*unit.statement_path(statement), element, *inner),
                        detail=entry,
                        fix=_wildcard_principal_fix(unit, statement, element, entry),
                    )


def _wildcard_principal_fix(
    unit: PolicyUnit, statement: Statement, element: str, entry: str
) -> Fix | None:
    principal = parse_principal(entry)
    if element != "Principal" or not is_account_id(principal.account):
        return None
    root = f"arn:{principal.partition}:iam::{principal.account}:root"
    named = {**unit.raw_statement(statement), "Principal": {"AWS": root}}
    fixed = with_condition(named, "ArnLike", "aws:PrincipalArn", entry)
    return unit.statement_fix(
        statement, fixed, "name the account; match the pattern with ArnLike on aws:PrincipalArn"
    )


def _resource_entries(raw: Any) -> list[tuple[FieldPath, str]]:
    if isinstance(raw, str):
        return [((), raw)]
    if isinstance(raw, list):
        return [((i,), e) for i, e in enumerate(raw) if isinstance(e, str)]
    return []


def resource_pattern_problem(pattern: str, *, variables: bool) -> str | None:
    """Why IAM reads the Resource pattern otherwise than written, or ``None``."""
    if not pattern.startswith("arn:"):
        return None
    segments = pattern.split(":", 5)
    if len(segments) < 6:
        return (
            f"has {len(segments)} colon-separated segments where an ARN has six "
            "(arn:partition:service:region:account:resource); IAM reads it segment by "
            "segment and no wildcard but a final * stands for a missing colon: write the six "
            "segments"
        )
    head = ":".join(segments[:5])
    if variables and "${" in head:
        return (
            "has a policy variable before the fifth colon, where IAM does not substitute it: "
            "the text is matched as written, so it matches no ARN"
        )
    return None


@rule("RESOURCE-ARN-SEGMENTS")
def resource_arn_segments(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        variables = policy.version == CURRENT_VERSION
        for statement in policy.statements:
            raw = unit.raw_statement(statement)
            for element in ("Resource", "NotResource"):
                for inner, pattern in _resource_entries(raw.get(element)):
                    problem = resource_pattern_problem(pattern, variables=variables)
                    if problem is None:
                        continue
                    yield unit.hit(
                        f"statement {statement.label} of the {unit.target}: {element} "
                        f"{pattern!r} {problem}",
                        statement,
                        path=(*unit.statement_path(statement), element, *inner),
                        detail=pattern,
                    )


@rule("ECR-RESOURCE-ELEMENT")
def ecr_resource_element(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    yield from _refused_elements(
        context,
        spec,
        ("Resource", "NotResource"),
        "a repository policy applies to its repository and ECR refuses the element",
    )


def _default_resources(unit: PolicyUnit) -> list[str] | str | None:
    if unit.type is PolicyType.KEY:
        return "*"
    if unit.type is PolicyType.BUCKET:
        return [unit.attached_to, f"{unit.attached_to}/*"]
    if unit.type is PolicyType.MODEL_PACKAGE_GROUP and ":model-package-group/" in unit.attached_to:
        return [unit.attached_to, group_versions_arn(unit.attached_to)]
    return None


@rule("MISSING-RESOURCE")
def missing_resource(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            if statement.resource is not None or statement.not_resource is not None:
                continue
            resources = _default_resources(unit)
            fix = None
            if resources is not None:
                fixed = {**unit.raw_statement(statement), "Resource": resources}
                fix = unit.statement_fix(
                    statement, fixed, "name the resources the statement is about"
                )
            yield unit.hit(
                f"statement {statement.label} of the {unit.target} has no Resource: AWS refuses "
                "it, and an Allow without a Resource grants nothing",
                statement,
                fix=fix,
            )


def _refused_elements(
    context: LintContext, spec: RuleSpec, pair: tuple[str, str], why: str
) -> Iterator[Hit]:
    """Statements with either element of ``pair``, which this policy type refuses; each is
    fixed by removing both."""
    for unit, policy in context.policies_for(spec.applies_to):
        for statement in policy.statements:
            raw = unit.raw_statement(statement)
            element = next((name for name in pair if name in raw), None)
            if element is None:
                continue
            fixed = _without(unit, statement, *pair)
            yield unit.hit(
                f"statement {statement.label} of the {unit.target} has a {element}: {why}",
                statement,
                path=(*unit.statement_path(statement), element),
                fix=unit.statement_fix(statement, fixed, f"remove {element}"),
            )


def _is_rcp_full_access(unit: PolicyUnit) -> bool:
    """The AWS managed RCPFullAWSAccess, given as a file: the one RCP with an Allow."""
    statements = unit.raw_statements()
    return len(statements) == 1 and statements[0] == {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "*",
        "Resource": "*",
    }


@rule("RCP-SYNTAX")
def rcp_syntax(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for unit, policy in context.policies_for(spec.applies_to):
        if _is_rcp_full_access(unit):
            continue
        for statement in policy.statements:
            raw = unit.raw_statement(statement)
            path = unit.statement_path(statement)
            label = f"statement {statement.label} of the {unit.target}"
            if statement.effect == "Allow":
                yield unit.hit(
                    f"{label} allows: AWS accepts Allow in no RCP but RCPFullAWSAccess, so the "
                    "policy would not attach; xreg evaluated its Deny statements and took the "
                    "Allow to grant nothing (RCPFullAWSAccess already passes what no RCP denies)",
                    statement,
                    path=(*path, "Effect"),
                    fix=_allow_fix(unit, statement),
                )
            if "NotAction" in raw:
                yield unit.hit(
                    f"{label} uses NotAction, which RCPs do not support, so the policy would "
                    "not attach; xreg evaluated it as written (a Deny of every action not "
                    "listed)",
                    statement,
                    path=(*path, "NotAction"),
                )
            if statement.action is not None and "*" in statement.action:
                yield unit.hit(
                    f'{label} has "Action": "*", which a customer RCP cannot use, so the policy '
                    'would not attach; xreg evaluated it as written ("*": every action); name '
                    'the services, e.g. "s3:*"',
                    statement,
                    path=(*path, "Action"),
                )


def _allow_fix(unit: PolicyUnit, statement: Statement) -> Fix:
    statements = [s for i, s in enumerate(unit.raw_statements()) if i != statement.index]
    if not statements:
        fix = unit.fix(
            statement=None,
            policy=None,
            description="detach and delete the policy: RCPFullAWSAccess already lets through "
            "what it allows",
        )
        return replace(
            fix,
            command="aws organizations detach-policy --policy-id POLICY-ID --target-id TARGET-ID"
            " && aws organizations delete-policy --policy-id POLICY-ID",
            policy_file=None,
        )
    return unit.fix(
        statement=None,
        policy={**unit.document, "Statement": statements},
        description="remove the Allow statement",
    )

"""One corrected document per policy: lint's corrections and the access fixes, merged.

Lint's fixes are applied first, one per policy at a time and the plan linted again, until
none is left (each correction is computed on the document the previous ones left). The
access fixes are then planned on that corrected plan, so that the document a policy's fix
gives holds both, under one file name and one command, and a gap names every fix that
makes it pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from checker.engine.policies import PolicyIndex
from checker.fix.apply import apply_fixes
from checker.fix.suggest import FixPlanner, fix_order, stable_id
from checker.plan.model import Plan
from checker.policy.request import AccessQuestion
from checker.records import field, record, replace
from checker.results.model import Finding, Fix

if TYPE_CHECKING:
    from checker.engine.decide import Decided

RowKey = tuple[str, str, str]
Redecide = Callable[[Plan], tuple[PolicyIndex, Sequence["Decided"]]]
Relint = Callable[[Plan], Sequence[Finding]]

_POLICY_KINDS = frozenset({"resource_policy", "identity_policy", "boundary", "scp", "rcp"})
# Each round applies at most one correction per policy; a plan's policies rarely need more
# than a few, and the bound keeps a correction that never settles from running on.
_LINT_ROUNDS = 8


@record
class FixOutcome:
    fixes: list[Fix]  # every fix, each once, in report order
    by_row: dict[RowKey, list[Fix]]  # every fix each row needs
    findings: list[Finding]  # the findings, each fix replaced by its policy's merged fix


@record(frozen=False)
class _Corrections:
    plan: Plan
    # plan fields of corrected policies, with the rules whose fixes were applied
    policy_fields: dict[str, list[str]] = field(default_factory=dict)
    grants: list[Fix] = field(default_factory=list)


def _applies_to_plan(fix: Fix) -> bool:
    if fix.kind == "kms_grant":
        return fix.grant is not None and fix.resource is not None
    return fix.kind in _POLICY_KINDS and fix.policy is not None and fix.plan_field is not None


def _slot(fix: Fix) -> str:
    if fix.kind == "kms_grant":
        return f"grant|{fix.resource}|{json.dumps(fix.revoke_grant, sort_keys=True)}"
    return f"policy|{fix.plan_field}"


def lint_corrected(plan: Plan, findings: Sequence[Finding], relint: Relint | None) -> _Corrections:
    """The plan with every lint correction applied (suppressed findings are left alone)."""
    corrections = _Corrections(plan)
    pending: Sequence[Finding] = findings
    seen: set[tuple[str, str]] = set()
    for _ in range(_LINT_ROUNDS):
        chosen: dict[str, Fix] = {}
        rules: dict[int, str] = {}
        for finding in pending:
            fix = finding.fix
            if finding.suppressed or fix is None or not _applies_to_plan(fix):
                continue
            if chosen.setdefault(_slot(fix), fix) is fix:
                rules[id(fix)] = finding.rule
        fresh = []
        for slot, fix in chosen.items():
            content = json.dumps(fix.policy or fix.grant, sort_keys=True)
            if (slot, content) not in seen:
                seen.add((slot, content))
                fresh.append(fix)
        if not fresh:
            break
        corrections.plan = apply_fixes(corrections.plan, fresh)
        for fix in fresh:
            if fix.kind == "kms_grant":
                corrections.grants.append(fix)
            else:
                found = corrections.policy_fields.setdefault(str(fix.plan_field), [])
                if rules[id(fix)] not in found:
                    found.append(rules[id(fix)])
        if relint is None:
            break
        pending = relint(corrections.plan)
    return corrections


def _consulted(question: AccessQuestion) -> set[str]:
    """The sources of every policy a question reads."""
    sources = set()
    if question.resource_policy is not None:
        sources.add(question.resource_policy.source)
    for policy in question.identity_policies or ():
        sources.add(policy.source)
    if question.permissions_boundary is not None:
        sources.add(question.permissions_boundary.source)
    for levels in (question.scps, question.rcps):
        for level in levels or ():
            sources.update(policy.source for policy in level)
    return sources


def plan_fixes(
    plan: Plan,
    index: PolicyIndex,
    decided: Sequence[Decided],
    findings: Sequence[Finding],
    *,
    redecide: Redecide,
    relint: Relint | None,
    fix_documented: bool = False,
) -> FixOutcome:
    corrections = lint_corrected(plan, findings, relint)
    corrected_index, corrected_decided = index, decided
    if corrections.plan is not plan:
        corrected_index, corrected_decided = redecide(corrections.plan)
    planner = FixPlanner(corrections.plan, corrected_index, fix_documented=fix_documented)
    for item in corrected_decided:
        if not item.decision.decision.is_denied:
            continue
        # An object another account owns: fixes work from the question as if the bucket
        # owner owned it, and the bucket owner takes the object over.
        planner.plan_requirement(
            item.requirement,
            item.fix_question or item.question,
            item.fix_decision or item.decision,
        )
        if item.ownership_fix:
            planner.plan_object_ownership(item.requirement)
    # The lint corrections' own edits (a policy no access fix touches still gets its fix).
    lint_keys: dict[str, tuple[str, str]] = {}  # plan field → edit key
    edit_sources: dict[tuple[str, str], str] = {}
    for plan_field, rules in corrections.policy_fields.items():
        edit = planner.corrected_by_lint(plan_field, rules)
        if edit is not None:
            lint_keys[plan_field] = edit.key
            if edit.loaded is not None:
                edit_sources[edit.key] = edit.loaded.source
    grant_keys = {id(fix): planner.lint_grant(fix) for fix in corrections.grants}
    by_key = planner.build()
    fixes_by_row = {
        row_key: [by_key[key] for key in keys if key in by_key]
        for row_key, keys in planner.assigned.items()
    }
    # A gap that lint's correction of a policy it reads closes (or changes) names that fix.
    corrected = {item.requirement.row_key: item.decision for item in corrected_decided}
    for item in decided:
        row_key = item.requirement.row_key
        if not item.decision.decision.is_denied:
            continue
        after = corrected.get(row_key)
        if after is not None and after == item.decision:
            continue
        row_fixes = fixes_by_row.setdefault(row_key, [])
        sources = _consulted(item.question)
        for key, source in edit_sources.items():
            fix = by_key.get(key)
            if fix is not None and source in sources and fix not in row_fixes:
                row_fixes.append(fix)
        for grant_fix in corrections.grants:
            fix = by_key.get(grant_keys[id(grant_fix)])
            on_key = grant_fix.resource == item.requirement.resource
            if fix is not None and on_key and fix not in row_fixes:
                row_fixes.append(fix)
    for row_key, row_fixes in fixes_by_row.items():
        fixes_by_row[row_key] = sorted(row_fixes, key=fix_order)
    merged_findings = [_with_merged_fix(finding, lint_keys, by_key) for finding in findings]
    ordered = sorted(by_key.values(), key=fix_order)
    return FixOutcome(
        fixes=ordered,
        by_row={key: value for key, value in fixes_by_row.items() if value},
        findings=merged_findings,
    )


def _with_merged_fix(
    finding: Finding,
    lint_keys: dict[str, tuple[str, str]],
    by_key: dict[tuple[str, str], Fix],
) -> Finding:
    """The finding with its policy's one fix; a fix outside the plan's policies keeps its own
    content and gets an id derived from what it changes."""
    fix = finding.fix
    if fix is None:
        return finding
    merged: Fix | None = None
    if fix.kind in _POLICY_KINDS and fix.plan_field in lint_keys:
        merged = by_key.get(lint_keys[str(fix.plan_field)])
        if merged is not None:
            # The finding shows the statement it is about; the document is the merged one.
            merged = replace(merged, statement=fix.statement or merged.statement)
    elif fix.kind == "kms_grant" and fix.grant is not None and fix.resource is not None:
        key = ("grant", f"{fix.resource}|{fix.grant['GranteePrincipal']}")
        merged = by_key.get(key)
    if merged is None:
        merged = replace(
            fix, id=fix.id or stable_id((finding.rule, fix.kind, fix.target, fix.command))
        )
    return replace(finding, fix=merged)

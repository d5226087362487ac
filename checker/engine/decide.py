"""Every requirement of a plan with its decision: the matrix expanded, each access put to the
evaluator. What the fix planner needs of the engine (``Decided``, ``decide_requirements``)
lives here, below both the planner and ``checker.check``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from checker.engine.missing_facts import unknown_when_missing
from checker.engine.objects import decide_object, object_owner
from checker.engine.policies import PolicyIndex
from checker.engine.questions import Question, build_question
from checker.matrix.expand import Requirement, expand
from checker.matrix.references import References, collect_references
from checker.matrix.spec import load_matrix
from checker.matrix.validity import invalid_fields
from checker.plan.model import Plan
from checker.policy import decide_access
from checker.policy.decision import AccessDecision, Decision, SideResult
from checker.policy.request import AccessQuestion
from checker.records import field, record, replace
from checker.results.model import Finding, RequirementResult


def _is_aws_owned_image(account: str, region: str) -> bool:
    """Whether an image's registry is one of AWS's own SageMaker registries (catalog data,
    imported on first use so that a plan without images does not load the catalog)."""
    from checker.catalog import is_aws_owned_image_account

    return is_aws_owned_image_account(account, region)


@record
class CheckOptions:
    strict: bool = False
    fail_on: str = "error"  # error | warning | never
    lint: bool = True
    # Hooks for layers above the core (lint, baseline) so the core does not import them.
    extra_findings: Callable[[Plan, PolicyIndex], Sequence[Finding]] | None = None
    postprocess_findings: Callable[[list[Finding]], list[Finding]] | None = None
    postprocess_requirements: (
        Callable[[list[RequirementResult]], list[RequirementResult]] | None
    ) = None
    is_aws_owned_image: Callable[[str, str], bool] = field(default=_is_aws_owned_image)
    rules_checked: tuple[str, ...] = ()  # the lint rules that ran, for reports that list them
    fix_documented: bool = False  # also fix what only the documentation asks for


@record
class Decided:
    requirement: Requirement
    question: AccessQuestion
    decision: AccessDecision
    notes: tuple[str, ...]
    # What fixes work from, when it differs from the decision (an object another account
    # owns: the question as if the bucket owner owned it), and whether the bucket owner must
    # take the object over.
    fix_question: AccessQuestion | None = None
    fix_decision: AccessDecision | None = None
    ownership_fix: bool = False
    # The question as built from the plan, with what it could not read: a corrected plan
    # that asks the same question of the same requirement has the same decision.
    asked: Question | None = field(default=None, compare=False, hash=False, repr=False)


def decide(question: AccessQuestion, *, strict: bool) -> AccessDecision:
    """``decide_access`` with ``--strict``'s rule: an access left unverified is unknown."""
    decision = decide_access(question, strict=strict)
    if strict and decision.decision is Decision.UNVERIFIED:
        decision = replace(
            decision,
            decision=Decision.UNKNOWN,
            because=f"{decision.because} (--strict: an unverified side is unknown)",
        )
    return decision


def decide_requirements(
    plan: Plan,
    options: CheckOptions,
    *,
    earlier_index: PolicyIndex | None = None,
    earlier: Sequence[Decided] = (),
) -> tuple[PolicyIndex, list[Decided], References]:
    """Every requirement of ``plan`` with its decision, and what the request references.
    References that cannot be followed (an image outside ECR, a malformed URI) make no
    requirement; the lint rules report them.

    ``earlier_index`` and ``earlier`` are the parses and decisions of a plan this one was
    corrected from: a policy both hold keeps its parse, and a requirement both have that
    asks the same question keeps its decision (deciding is a function of the two)."""
    index = PolicyIndex(plan, earlier=earlier_index)
    index.parse_all()
    references = collect_references(plan)
    requirements = expand(
        plan,
        references,
        load_matrix(),
        is_aws_owned_image=options.is_aws_owned_image,
        invalid=invalid_fields(plan, references),
    )
    before = {item.requirement.row_key: item for item in earlier}
    decided: list[Decided] = []
    for requirement in requirements:
        same = before.get(requirement.row_key) if before else None
        decided.append(_decide_requirement(plan, index, requirement, options, same))
    return index, decided, references


def _decide_requirement(
    plan: Plan,
    index: PolicyIndex,
    requirement: Requirement,
    options: CheckOptions,
    earlier: Decided | None = None,
) -> Decided:
    question = build_question(plan, index, requirement)
    if earlier is not None and earlier.asked == question and earlier.requirement == requirement:
        return earlier
    if requirement.invalid is not None:
        # What the policies say decides nothing: AWS refuses the request before.
        decision = _undecidable(requirement.invalid)
        return Decided(requirement, question.access, decision, (), asked=question)
    access = question.access
    fix_question: AccessQuestion | None = None
    fix_decision: AccessDecision | None = None
    ownership_fix = False
    owner = object_owner(plan, requirement)
    if owner is None:
        decision = decide(access, strict=options.strict)
    else:
        judged = decide_object(
            plan, requirement, owner, access, lambda q: decide(q, strict=options.strict)
        )
        decision, access = judged.decision, judged.question
        fix_question, fix_decision = judged.fix_question, judged.fix_decision
        ownership_fix = judged.ownership_fix
    decision, missing_notes = unknown_when_missing(decision, question.missing)
    if question.undecidable:
        because = "; ".join(question.undecidable)
        decision = replace(
            decision,
            decision=Decision.UNKNOWN,
            because=because,
            resource_policy=SideResult(Decision.UNKNOWN, because),
            evidence=(),
        )
    notes = question.notes + missing_notes
    if plan.source_facts is not None:
        from checker.engine.source_effects import with_source_facts

        decision, source_notes = with_source_facts(
            plan, plan.source_facts, requirement, access, decision
        )
        notes += source_notes
    return Decided(
        requirement,
        access,
        decision,
        notes,
        fix_question,
        fix_decision,
        ownership_fix,
        asked=question,
    )


def _undecidable(reason: str) -> AccessDecision:
    side = SideResult(Decision.UNKNOWN, reason)
    return AccessDecision(Decision.UNKNOWN, reason, side, side, side)

"""Authorize one replayed call with xreg's own evaluator, from the plan's requirement rows.

The rows are the ones ``xreg check`` decides (``decide_requirements``): the same policies,
grants, SCPs and request context. A call is matched to its row by (principal, action,
resource). ``CreateModelPackage`` is the one call decided again on a concrete ARN: its row
names every future version (``model-package/GROUP/*``), the call creates one
(``model-package/GROUP/N``). Every other call keeps its row's decision, which for an S3
prefix covers every object under it: stricter than the one placeholder object read.
"""

from __future__ import annotations

from checker.engine.decide import CheckOptions, Decided, decide, decide_requirements
from checker.matrix.references import References
from checker.plan.model import Plan
from checker.policy.decision import AccessDecision, Decision, SideResult
from checker.policy.request import AccessQuestion
from checker.records import record, replace

_NOT_GIVEN = SideResult(Decision.NOT_APPLICABLE, "not evaluated")


@record
class Authorization:
    """The decision for one call and the question that produced it (``None``: no row)."""

    decision: AccessDecision
    question: AccessQuestion | None
    notes: tuple[str, ...] = ()

    @property
    def because(self) -> str:
        text = self.decision.because
        return f"{text} ({'; '.join(self.notes)})" if self.notes else text


class Authorizer:
    def __init__(self, plan: Plan, options: CheckOptions) -> None:
        self.plan = plan
        self.strict = options.strict
        _, decided, references = decide_requirements(plan, options)
        # What the request references, as the check collected it: the sandbox builds these.
        self.references: References = references
        self._rows: dict[tuple[str, str, str], Decided] = {
            item.requirement.row_key: item for item in decided
        }

    def decide(
        self, principal: str, action: str, row_resource: str, concrete: str | None = None
    ) -> Authorization:
        """The decision for ``principal`` calling ``action`` under the requirement row on
        ``row_resource``; with ``concrete``, decided again on that one ARN of the row."""
        row = self._rows.get((principal, action.lower(), row_resource))
        if row is None:
            # A call with no row is one xreg did not plan to decide: never let it pass.
            return Authorization(
                AccessDecision(
                    Decision.UNKNOWN,
                    f"xreg has no requirement for {action} by {principal} on {row_resource}",
                    _NOT_GIVEN,
                    _NOT_GIVEN,
                    _NOT_GIVEN,
                ),
                None,
            )
        if concrete is None or concrete == row_resource:
            return Authorization(row.decision, row.question, row.notes)
        question = replace(row.question, request=replace(row.question.request, resource=concrete))
        decision = decide(question, strict=self.strict)
        return Authorization(decision, question, row.notes)

"""The dry-run trace: numbered steps, who checked each one, and how the replay ended."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from checker.policy.decision import Decision, Evidence
from checker.records import field, record


class CheckedBy(StrEnum):
    """Who stands behind a step's outcome."""

    MOTO = "emulated by moto"  # the call reached moto, which holds the state and the shapes
    XREG = "decided by xreg"  # xreg's evaluator (or request validation) decided it
    NOT_CHECKED = "not checked"  # nobody: a side the plan does not give, or a call not sent


class StepStatus(StrEnum):
    SUCCEEDED = "succeeded"
    DENIED = "denied"  # failed as AWS fails it: AccessDenied(Exception)
    UNKNOWN = "unknown"  # xreg cannot decide it; the call was held back
    INVALID = "invalid"  # the request fails validation (ValidationException)
    FAILED = "failed"  # another error from the emulated service
    NOT_REACHED = "not_reached"  # an earlier step stopped the replay


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    DENIED = "denied"
    UNKNOWN = "unknown"
    INVALID = "invalid"
    FAILED = "failed"

    @property
    def passed(self) -> bool:
        return self is Outcome.SUCCEEDED


# A probe passes when it read what it meant to, or when there was nothing it could read
# (an S3 prefix names no one object to head).
PROBE_PASSES = frozenset({"succeeded", "skipped"})

_STEP_TO_OUTCOME = {
    StepStatus.DENIED: Outcome.DENIED,
    StepStatus.UNKNOWN: Outcome.UNKNOWN,
    StepStatus.INVALID: Outcome.INVALID,
    StepStatus.FAILED: Outcome.FAILED,
}


@record
class TraceStep:
    """One replayed call.

    ``target`` is the ARN the call acts on as the plan names it (a sandbox KMS key is shown
    by the plan's key ARN). ``routed_to``: the account xreg sent the call to moto as, when moto
    cannot route it across accounts itself. ``error_code``/``error_message`` are the error
    exactly as the caller's boto3 client raised it.
    """

    number: int
    call: str  # "ecr.batch_get_image"
    principal: str
    action: str
    target: str
    status: StepStatus
    checked_by: tuple[CheckedBy, ...]
    decision: Decision | None = None
    because: str = ""
    evidence: tuple[Evidence, ...] = ()
    result: str = ""
    error_code: str | None = None
    error_message: str | None = None
    routed_to: str | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "step": self.number,
            "call": self.call,
            "principal": self.principal,
            "action": self.action,
            "target": self.target,
            "status": self.status.value,
            "decision": self.decision.value if self.decision is not None else None,
            "checked_by": [label.value for label in self.checked_by],
            "because": self.because,
            "evidence": [item.as_dict() for item in self.evidence],
        }
        optional = {
            "result": self.result or None,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "routed_to": self.routed_to,
            "notes": list(self.notes) or None,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


@record
class Trace:
    steps: tuple[TraceStep, ...]
    emulator: str  # "moto in-process" | "moto server at http://…"
    model_package_arn: str | None = None
    sandbox_notes: tuple[str, ...] = ()
    applied_fixes: tuple[str, ...] = ()
    probes: tuple[dict[str, Any], ...] = field(default=())

    @property
    def outcome(self) -> Outcome:
        for step in self.steps:
            if step.status in _STEP_TO_OUTCOME:
                return _STEP_TO_OUTCOME[step.status]
        if self.model_package_arn is None:
            return Outcome.FAILED
        return Outcome.SUCCEEDED

    @property
    def stopped_at(self) -> TraceStep | None:
        return next((step for step in self.steps if step.status in _STEP_TO_OUTCOME), None)

    @property
    def failed_steps(self) -> tuple[TraceStep, ...]:
        """Every step that failed (the replay goes on past those that others do not need)."""
        return tuple(step for step in self.steps if step.status in _STEP_TO_OUTCOME)

    @property
    def probes_passed(self) -> bool:
        return all(probe.get("status") in PROBE_PASSES for probe in self.probes)

    def to_dict(self) -> dict[str, Any]:
        stopped = self.stopped_at
        data: dict[str, Any] = {
            "outcome": self.outcome.value,
            "emulator": self.emulator,
            "model_package_arn": self.model_package_arn,
            "stopped_at": stopped.number if stopped else None,
            "failed_steps": [step.number for step in self.failed_steps],
            "steps": [step.to_dict() for step in self.steps],
            "sandbox": list(self.sandbox_notes),
        }
        if self.applied_fixes:
            data["applied_fixes"] = list(self.applied_fixes)
        if self.probes:
            data["probes"] = [dict(probe) for probe in self.probes]
        return data

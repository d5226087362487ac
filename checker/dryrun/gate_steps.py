"""From what the gate recorded to a trace step: status, who checked it, what nobody did."""

from __future__ import annotations

from collections.abc import Callable

from checker.aws.boto import ClientError, error_details
from checker.dryrun.gate import GateRecord
from checker.dryrun.targets import NOT_EMULATED
from checker.dryrun.trace_model import CheckedBy, StepStatus, TraceStep
from checker.policy.decision import Decision
from checker.records import record, replace

# How the notes of what nobody checked begin, by kind (the console groups them so).
IDENTITY_NOTE = "the identity policies of"
CALL_NOTE = "the call itself:"


class StepFailed(Exception):
    """The emulated service answered, but not with what the step needs (e.g. no image)."""


@record
class PlannedStep:
    call: str
    principal: str
    action: str
    target: str  # as known before the call; the gate's record replaces it once run
    run: Callable[[], str]
    # ``key`` names the step for the steps that need it (``needs``): a step runs only when
    # every step it needs succeeded (a layer's URL needs the manifest that lists the layer).
    key: str = ""
    needs: tuple[str, ...] = ()


def undecidable(number: int, step: PlannedStep, reason: str) -> TraceStep:
    """A call xreg cannot even place (e.g. a request that names no group): not sent."""
    return TraceStep(
        number,
        step.call,
        step.principal,
        step.action,
        step.target,
        StepStatus.UNKNOWN,
        (CheckedBy.NOT_CHECKED,),
        decision=Decision.UNKNOWN,
        because=f"xreg cannot tell what the call acts on: {reason}",
    )


def refused_by_botocore(number: int, step: PlannedStep, message: str) -> TraceStep:
    return TraceStep(
        number,
        step.call,
        step.principal,
        step.action,
        step.target,
        StepStatus.INVALID,
        (CheckedBy.XREG,),
        because="botocore's client-side validation refused the request",
        error_code="ParamValidationError",
        error_message=message,
    )


def not_reached(number: int, step: PlannedStep, blocker: TraceStep) -> TraceStep:
    """``step`` not run: it needs what ``blocker`` (an earlier step) did not get."""
    return TraceStep(
        number,
        step.call,
        step.principal,
        step.action,
        step.target,
        StepStatus.NOT_REACHED,
        (CheckedBy.NOT_CHECKED,),
        because=(
            f"not reached: it needs step {blocker.number} ({blocker.call}), "
            f"which is {blocker.status.value.replace('_', ' ')}"
        ),
    )


def _checked_by(record: GateRecord | None, status: StepStatus) -> tuple[list[CheckedBy], list[str]]:
    """Who vouches for the step, and what nobody checked."""
    labels: list[CheckedBy] = []
    notes: list[str] = []
    decision = record.authorization.decision if record and record.authorization else None
    if status is StepStatus.UNKNOWN or decision is None:
        return ([CheckedBy.XREG] if record and record.invalid else [CheckedBy.NOT_CHECKED]), notes
    unchecked_identity = f"{IDENTITY_NOTE} {record.principal if record else '?'} " + (
        "(the plan gives none)"
    )
    if decision.decision is Decision.UNVERIFIED:
        notes.append(unchecked_identity)
    else:
        labels.append(CheckedBy.XREG)
        if decision.identity_policy.decision is Decision.UNVERIFIED:
            notes.append(unchecked_identity)
    if status is StepStatus.DENIED:
        # The side that refused decides; what nobody checked could not have allowed it.
        return labels, []
    target = record.target if record else None
    if target is not None and not target.emulated:
        notes.append(_not_emulated_note(target.action))
    else:
        labels.append(CheckedBy.MOTO)
    if notes:
        labels.append(CheckedBy.NOT_CHECKED)
    return labels, notes


def _not_emulated_note(action: str) -> str:
    service, operation = action.split(":", 1)
    if (service, operation) in NOT_EMULATED:
        return f"{CALL_NOTE} moto does not implement {operation}, so xreg did not send it"
    return f"{CALL_NOTE} the sandbox holds nothing for {action} to act on, so xreg did not send it"


def traced(
    number: int,
    step: PlannedStep,
    record: GateRecord | None,
    status: StepStatus,
    *,
    result: str = "",
    error: tuple[str, str] | None = None,
) -> TraceStep:
    labels, notes = _checked_by(record, status)
    authorization = record.authorization if record else None
    return TraceStep(
        number=number,
        call=step.call,
        principal=step.principal,
        action=record.target.action if record else step.action,
        target=record.target.resource if record else step.target,
        status=status,
        checked_by=tuple(labels),
        decision=authorization.decision.decision if authorization else None,
        because=authorization.because if authorization else "",
        evidence=authorization.decision.evidence if authorization else (),
        result=result,
        error_code=error[0] or None if error else None,
        error_message=error[1] if error else None,
        routed_to=record.routed_to if record else None,
        notes=tuple(notes),
    )


def traced_error(
    number: int, step: PlannedStep, record: GateRecord | None, error: ClientError
) -> TraceStep:
    code, message = error_details(error)
    if record is not None and record.invalid is not None:
        status = StepStatus.INVALID
    elif (
        record is not None
        and record.authorization
        and record.authorization.decision.decision.is_denied
    ):
        status = StepStatus.DENIED
    else:
        status = StepStatus.FAILED  # the emulated service refused it
    step_trace = traced(number, step, record, status, error=(code, message))
    if status is StepStatus.INVALID:
        # Checked by xreg alone, as traced says of an invalid call (it was never authorized).
        because = "the request fails SageMaker's validation (checked before sending)"
        return replace(step_trace, because=because)
    return step_trace

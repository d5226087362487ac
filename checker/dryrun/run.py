"""A dry-run from plan to report: fixes (optionally), sandbox, replay, report with the trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.check import check_plan
from checker.dryrun.authorize import Authorizer
from checker.dryrun.emulator import Emulator
from checker.dryrun.gate import Gate
from checker.dryrun.replay import Replay
from checker.dryrun.sandbox import build_sandbox
from checker.dryrun.sandbox.sagemaker import next_version
from checker.dryrun.trace_model import Trace
from checker.engine.decide import CheckOptions
from checker.errors import InputError
from checker.fix.apply import apply_fixes
from checker.matrix.references import References
from checker.plan.model import Plan
from checker.records import record, replace
from checker.results.model import Fix, Report


@record
class DryRunOptions:
    endpoint_url: str | None = None  # a moto server; None: moto in-process
    with_fixes: bool = False
    strict: bool = False


def check_options(options: DryRunOptions) -> CheckOptions:
    return CheckOptions(strict=options.strict, lint=False)


def plan_with_fixes(plan: Plan, options: DryRunOptions) -> tuple[Plan, tuple[Fix, ...]]:
    """The plan as it would be once xreg's own fix commands ran."""
    fixes: tuple[Fix, ...] = tuple(check_plan(plan, check_options(options)).extra["fixes"])
    return apply_fixes(plan, fixes), fixes


def replay_plan(plan: Plan, options: DryRunOptions) -> Trace:
    """Build both accounts in moto and replay the registration and the deployment reads."""
    from checker.aws.boto import BotoCoreError

    authorizer = Authorizer(plan, check_options(options))
    try:
        return _replay(plan, options, authorizer, authorizer.references)
    except BotoCoreError as error:
        # Connection failures and the like: the emulator, not the plan, is at fault.
        where = options.endpoint_url or "moto"
        raise InputError(where, "$", f"cannot reach the emulator: {error}") from error


def _replay(
    plan: Plan, options: DryRunOptions, authorizer: Authorizer, references: References
) -> Trace:
    with Emulator(region=plan.region, endpoint_url=options.endpoint_url) as emulator:
        sandbox = build_sandbox(plan, references, emulator)
        gate = Gate(
            plan,
            authorizer,
            sandbox,
            emulator,
            next_version=lambda: next_version(emulator, sandbox),
        )
        replay = Replay(plan, sandbox, gate)
        steps = replay.run()
        return Trace(
            steps=tuple(steps),
            emulator=emulator.description,
            model_package_arn=replay.model_package_arn,
            sandbox_notes=tuple(sandbox.notes),
        )


def dry_run(
    plan: Plan,
    options: DryRunOptions,
    probe: Callable[[Plan], tuple[dict[str, Any], ...]] | None = None,
) -> Report:
    """The report of a dry-run: the check's rows for the replayed plan, and the trace.

    ``verdict`` is the replay's: pass when the registration went through and no step was
    refused or undecidable (and, with ``probe``, every live probe succeeded).
    """
    applied: tuple[Fix, ...] = ()
    if options.with_fixes:
        plan, applied = plan_with_fixes(plan, options)
    trace = replay_plan(plan, options)
    if applied:
        trace = replace(trace, applied_fixes=tuple(f"{fix.id}: {fix.target}" for fix in applied))
    if probe is not None:
        trace = replace(trace, probes=probe(plan))
    report = check_plan(plan, check_options(options))
    passed = trace.outcome.passed and trace.probes_passed
    return replace(
        report,
        command="dry-run",
        verdict="pass" if passed else "fail",
        extra={**report.extra, "trace": trace.to_dict()},
    )

"""The terminal view of a dry-run: the numbered trace, the sandbox, then how it ended.

It reads the report's ``trace`` as the JSON report carries it, so both views say the same.
Built as styled lines (``checker.report.lines``) like the check's view: a terminal gets
them coloured, a pipe or ``NO_COLOR`` the same characters as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from checker.dryrun.gate_steps import CALL_NOTE, IDENTITY_NOTE
from checker.dryrun.trace_model import PROBE_PASSES
from checker.report.console import short_arn
from checker.report.lines import Line, line, wrap
from checker.report.terminal import MAX_WIDTH, print_view
from checker.results.model import Fix, Report, RequirementResult

_MARKS: dict[str, tuple[str, str]] = {
    "succeeded": ("✔", "green"),
    "denied": ("✘", "bold red"),
    "invalid": ("✘", "bold red"),
    "failed": ("✘", "red"),
    "unknown": ("?", "yellow"),
    "not_reached": ("·", "dim"),
    "skipped": ("·", "dim"),
}
_INDENT = 5


def _mark(step: Mapping[str, Any]) -> tuple[str, str]:
    if step["status"] == "succeeded" and "not checked" in step["checked_by"]:
        return "~", "cyan"  # it went through, but part of it nobody checked
    return _MARKS[step["status"]]


class _View:
    """The lines of a dry-run view as they are added, wrapped to one width."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[Line] = []

    def add(self, spans: Line | str = "", indent: int = 0, style: str = "") -> None:
        if not spans:
            self.lines.append(line())
        else:
            self.lines += wrap(spans, self.width, indent, style)

    def detail(self, text: str, style: str = "") -> None:
        self.add(text, _INDENT, style)


def _evidence(step: Mapping[str, Any]) -> str:
    return ", ".join(f"{item['source']} ({item['statement']})" for item in step["evidence"])


def _row_for(report: Report, step: Mapping[str, Any]) -> RequirementResult | None:
    """The check's requirement row a step belongs to (a pattern row covers its ARNs)."""
    for row in report.requirements:
        if row.principal != step["principal"] or row.action.lower() != step["action"].lower():
            continue
        if row.resource == step["target"] or (
            row.resource.endswith("*") and step["target"].startswith(row.resource[:-1])
        ):
            return row
    return None


def _add_step(view: _View, report: Report, step: Mapping[str, Any]) -> None:
    symbol, style = _mark(step)
    head = line(
        (f"{step['step']:>3} ", "bold"),
        (f"{symbol} ", style),
        (step["call"], "bold"),
        f"  as {short_arn(step['principal'])}",
    )
    if step["status"] == "not_reached":
        view.add((*head, ("  (not reached)", "dim")))
        return
    view.add(head)
    target = f"on {step['target']}"
    if step.get("routed_to"):
        target += f" (sent to moto as {step['routed_to']})"
    view.detail(target)
    if step.get("error_code") or step.get("error_message"):
        error = ": ".join(
            part for part in (step.get("error_code"), step.get("error_message")) if part
        )
        view.detail(error, "red")
    if step.get("decision"):
        view.detail(f"{step['decision'].replace('_', ' ')}: {step['because']}")
    elif step.get("because"):
        view.detail(step["because"])
    if step["evidence"]:
        view.detail(f"statements: {_evidence(step)}", "dim")
    for note in step.get("notes", []):
        view.detail(f"not checked: {note}", "cyan")
    view.detail(" · ".join(step["checked_by"]), "dim")
    if step.get("result"):
        view.detail(f"= {step['result']}", "green")
    if step["status"] in ("denied", "unknown"):
        row = _row_for(report, step)
        if row is not None and row.fix is not None:
            _add_fix(view, row.fix)


def _add_fix(view: _View, fix: Fix) -> None:
    view.detail(f"fix {fix.id}: {fix.target} in account {fix.account}", "yellow")
    view.detail(fix.command, "yellow")


def _numbers(steps: Sequence[Mapping[str, Any]]) -> str:
    numbers = [str(step["step"]) for step in steps]
    return f"step{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"


def _unchecked_notes(view: _View, steps: Sequence[Mapping[str, Any]]) -> None:
    """Say what nobody checked, each kind with its own reason: an identity side the plan
    does not give (``--strict`` stops there), or a call xreg decided and did not send."""
    identity = [s for s in steps if any(n.startswith(IDENTITY_NOTE) for n in s.get("notes", []))]
    unsent = [s for s in steps if any(n.startswith(CALL_NOTE) for n in s.get("notes", []))]
    if identity:
        text = (
            f"{_numbers(identity)} rest on identity policies the plan does not give (see the "
            "notes); --strict stops at such a step"
        )
        view.add(text, 2)
    if unsent:
        actions = ", ".join(dict.fromkeys(str(s["action"]) for s in unsent))
        text = (
            f"{_numbers(unsent)} ({actions}) xreg decided itself with its evaluator and did not "
            "send: moto cannot emulate them (see the notes)"
        )
        view.add(text, 2)


def _failure(step: Mapping[str, Any]) -> str:
    return (
        f"step {step['step']}: {step['action']} by {short_arn(step['principal'])} is "
        f"{step['status'].replace('_', ' ')}"
    )


def _add_ending(view: _View, trace: Mapping[str, Any], steps: Sequence[Mapping[str, Any]]) -> None:
    arn = trace.get("model_package_arn")
    view.add()
    if trace["outcome"] == "succeeded":
        view.add(f"DRY-RUN SUCCEEDED  {arn}", 0, "bold green")
        _unchecked_notes(view, [s for s in steps if "not checked" in s["checked_by"]])
    else:
        numbers = trace.get("failed_steps") or [trace.get("stopped_at")]
        failed = [s for s in steps if s["step"] in numbers]
        what = "DRY-RUN FAILED"
        if failed:
            what += f" at {_failure(failed[0])}"
        view.add(what, 0, "bold red")
        if len(failed) > 1:
            view.add(f"{len(failed)} steps failed, each on its own:", 2, "red")
            for step in failed:
                view.add(f"{_failure(step)} on {step['target']}", 4, "red")
        skipped = [s for s in steps if s["status"] == "not_reached"]
        if skipped:
            view.add(f"{_numbers(skipped)} not reached: they need a step that failed", 2)
        if arn:
            view.add(f"the registration itself went through: {arn}", 2)
        hint = "xreg dry-run --with-fixes replays with xreg's fixes applied"
        view.add(hint, 2, "dim")
    failed_probes = [p for p in trace.get("probes", []) if p["status"] not in PROBE_PASSES]
    if failed_probes:
        text = f"LIVE PROBES FAILED: {len(failed_probes)} of {len(trace['probes'])} did not succeed"
        view.add(text, 0, "bold red")


def dry_run_lines(report: Report, width: int = MAX_WIDTH) -> list[Line]:
    """The whole dry-run view as styled lines at most ``width`` wide."""
    view = _View(width)
    trace: Mapping[str, Any] = report.extra["trace"]
    steps: Sequence[Mapping[str, Any]] = trace["steps"]
    view.add(line((f"xreg dry-run {report.plan}  ({trace['emulator']})", "bold")))
    for applied in trace.get("applied_fixes", []):
        view.add(f"with fix {applied}", 2, "dim")
    view.add()
    for step in steps:
        _add_step(view, report, step)
    if trace.get("sandbox"):
        view.add()
        view.add(line(("Sandbox", "bold underline")))
        for note in trace["sandbox"]:
            view.add(f"- {note}", 1)
    probes: Sequence[Mapping[str, Any]] = trace.get("probes", [])
    if probes:
        view.add()
        view.add(line(("Live probes (read-only)", "bold underline")))
        for probe in probes:
            symbol, style = _MARKS.get(probe["status"], ("✘", "red"))
            where = f"{probe['call']} as {short_arn(probe['principal'])} on {probe['target']}"
            view.add(line((f"{symbol} ", style), where), 1)
            if probe.get("detail"):
                view.detail(probe["detail"])
    _add_ending(view, trace, steps)
    return view.lines


def print_dry_run(report: Report, file: IO[str]) -> None:
    print_view(lambda width: dry_run_lines(report, width), file)

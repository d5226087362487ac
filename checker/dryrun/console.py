"""The terminal view of a dry-run: the numbered trace, the sandbox, then how it ended.

It reads the report's ``trace`` as the JSON report carries it, so both views say the same.
Built as styled lines (``checker.report.lines``) like the check's view: a terminal gets
them coloured, a pipe or ``NO_COLOR`` the same characters as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from checker.dryrun.trace import PROBE_PASSES
from checker.report.console import short_arn
from checker.report.lines import Line, line, wrap
from checker.report.model import Fix, Report, RequirementResult
from checker.report.terminal import MAX_WIDTH, print_view

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


def _add_ending(view: _View, trace: Mapping[str, Any], steps: Sequence[Mapping[str, Any]]) -> None:
    arn = trace.get("model_package_arn")
    view.add()
    if trace["outcome"] == "succeeded":
        view.add(f"DRY-RUN SUCCEEDED  {arn}", 0, "bold green")
        unchecked = [str(s["step"]) for s in steps if "not checked" in s["checked_by"]]
        if unchecked:
            text = (
                f"step{'s' if len(unchecked) > 1 else ''} {', '.join(unchecked)} rest on "
                "something nobody checked (see the notes); --strict stops at a step whose "
                "identity policies the plan does not give"
            )
            view.add(text, 2)
    else:
        stopped = next((s for s in steps if s["step"] == trace.get("stopped_at")), None)
        what = "DRY-RUN FAILED"
        if stopped is not None:
            what += (
                f" at step {stopped['step']}: {stopped['action']} by "
                f"{short_arn(stopped['principal'])} is {stopped['status'].replace('_', ' ')}"
            )
        view.add(what, 0, "bold red")
        if arn:
            view.add(f"the registration itself went through: {arn}", 2)
        hint = "xreg dry-run --with-fixes replays with xreg's fixes applied"
        view.add(hint, 2, "dim")
    failed = [p for p in trace.get("probes", []) if p["status"] not in PROBE_PASSES]
    if failed:
        text = f"LIVE PROBES FAILED: {len(failed)} of {len(trace['probes'])} did not succeed"
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

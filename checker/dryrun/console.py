"""The terminal view of a dry-run: the numbered trace, the sandbox, then how it ended.

It reads the report's ``trace`` as the JSON report carries it, so both views say the same.
Fits 100 columns; no colour off a terminal or with ``NO_COLOR`` (``make_console``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from checker.dryrun.trace import PROBE_PASSES
from checker.report.console import short_arn
from checker.report.model import Fix, Report, RequirementResult
from checker.report.terminal import make_console

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


def _indented(console: Console, text: Text, indent: int) -> None:
    """Wrap ``text`` to fit beside ``indent`` spaces, with no padding after it."""
    for line in text.wrap(console, console.width - indent, overflow="fold"):
        line.rstrip()
        console.print(Text(" " * indent) + line, soft_wrap=True)


def _detail(console: Console, text: str, style: str = "") -> None:
    _indented(console, Text(text, style=style), _INDENT)


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


def _print_step(console: Console, report: Report, step: Mapping[str, Any]) -> None:
    symbol, style = _mark(step)
    head = Text(f"{step['step']:>3} ", style="bold")
    head.append(f"{symbol} ", style=style)
    head.append(step["call"], style="bold")
    head.append(f"  as {short_arn(step['principal'])}")
    if step["status"] == "not_reached":
        head.append("  (not reached)", style="dim")
        console.print(head)
        return
    console.print(head)
    target = f"on {step['target']}"
    if step.get("routed_to"):
        target += f" (sent to moto as {step['routed_to']})"
    _detail(console, target)
    if step.get("error_code") or step.get("error_message"):
        error = ": ".join(
            part for part in (step.get("error_code"), step.get("error_message")) if part
        )
        _detail(console, error, "red")
    if step.get("decision"):
        _detail(console, f"{step['decision'].replace('_', ' ')}: {step['because']}")
    elif step.get("because"):
        _detail(console, step["because"])
    if step["evidence"]:
        _detail(console, f"statements: {_evidence(step)}", "dim")
    for note in step.get("notes", []):
        _detail(console, f"not checked: {note}", "cyan")
    _detail(console, " · ".join(step["checked_by"]), "dim")
    if step.get("result"):
        _detail(console, f"= {step['result']}", "green")
    if step["status"] in ("denied", "unknown"):
        row = _row_for(report, step)
        if row is not None and row.fix is not None:
            _print_fix(console, row.fix)


def _print_fix(console: Console, fix: Fix) -> None:
    _detail(console, f"fix {fix.id}: {fix.target} in account {fix.account}", "yellow")
    _detail(console, fix.command, "yellow")


def _print_ending(
    console: Console, trace: Mapping[str, Any], steps: Sequence[Mapping[str, Any]]
) -> None:
    arn = trace.get("model_package_arn")
    console.print()
    if trace["outcome"] == "succeeded":
        _indented(console, Text(f"DRY-RUN SUCCEEDED  {arn}", style="bold green"), 0)
        unchecked = [str(s["step"]) for s in steps if "not checked" in s["checked_by"]]
        if unchecked:
            text = (
                f"step{'s' if len(unchecked) > 1 else ''} {', '.join(unchecked)} rest on "
                "something nobody checked (see the notes); --strict stops at a step whose "
                "identity policies the plan does not give"
            )
            _indented(console, Text(text), 2)
    else:
        stopped = next((s for s in steps if s["step"] == trace.get("stopped_at")), None)
        what = "DRY-RUN FAILED"
        if stopped is not None:
            what += (
                f" at step {stopped['step']}: {stopped['action']} by "
                f"{short_arn(stopped['principal'])} is {stopped['status'].replace('_', ' ')}"
            )
        _indented(console, Text(what, style="bold red"), 0)
        if arn:
            _indented(console, Text(f"the registration itself went through: {arn}"), 2)
        hint = "xreg dry-run --with-fixes replays with xreg's fixes applied"
        _indented(console, Text(hint, style="dim"), 2)
    failed = [p for p in trace.get("probes", []) if p["status"] not in PROBE_PASSES]
    if failed:
        text = f"LIVE PROBES FAILED: {len(failed)} of {len(trace['probes'])} did not succeed"
        _indented(console, Text(text, style="bold red"), 0)


def print_dry_run(report: Report, file: IO[str]) -> None:
    console = make_console(file)
    trace: Mapping[str, Any] = report.extra["trace"]
    steps: Sequence[Mapping[str, Any]] = trace["steps"]
    console.print(Text(f"xreg dry-run {report.plan}  ({trace['emulator']})", style="bold"))
    for applied in trace.get("applied_fixes", []):
        _indented(console, Text(f"with fix {applied}", style="dim"), 2)
    console.print()
    for step in steps:
        _print_step(console, report, step)
    if trace.get("sandbox"):
        console.print()
        console.print(Text("Sandbox", style="bold underline"))
        for note in trace["sandbox"]:
            _indented(console, Text(f"- {note}"), 1)
    probes: Sequence[Mapping[str, Any]] = trace.get("probes", [])
    if probes:
        console.print()
        console.print(Text("Live probes (read-only)", style="bold underline"))
        for probe in probes:
            symbol, style = _MARKS.get(probe["status"], ("✘", "red"))
            line = Text(f"{symbol} ", style=style)
            line.append(f"{probe['call']} as {short_arn(probe['principal'])} on {probe['target']}")
            _indented(console, line, 1)
            if probe.get("detail"):
                _detail(console, probe["detail"])
    _print_ending(console, trace, steps)

"""``xreg check PLAN``: decide every access of a plan offline and report the gaps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from checker.report.model import Report

CONSOLE = "console"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="decide every cross-account access of a registration plan",
        description=(
            "Decide every access a cross-account model registration and deployment need, "
            "with AWS's policy evaluation logic, and suggest fixes for the gaps."
        ),
    )
    parser.add_argument("plan", help="the registration plan (YAML or JSON)")
    add_output_arguments(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat a side the plan does not describe (unverified) as unknown",
    )
    parser.add_argument("--no-lint", action="store_true", help="decide accesses only, no lint")
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="suppress the findings listed in FILE (default: the configuration's baseline)",
    )
    parser.set_defaults(run=run)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        "-f",
        action="append",
        default=None,
        metavar="FORMAT",
        help="console, json, sarif, junit, markdown, html; repeat or comma-separate for several",
    )
    parser.add_argument(
        "-o",
        "--output",
        action="append",
        default=None,
        metavar="FILE",
        help="where the Nth non-console format goes (- for standard output); "
        "default reports/xreg-report.<ext>",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default=None,
        help="the finding severity that fails the run (default error; never: always exit 0)",
    )


def requested_formats(args: argparse.Namespace) -> list[str]:
    from checker.errors import InputError
    from checker.report.formats import FORMATS

    names: list[str] = []
    for item in args.format or [CONSOLE]:
        names.extend(part.strip() for part in item.split(",") if part.strip())
    for name in names:
        if name != CONSOLE and name not in FORMATS:
            known = ", ".join([CONSOLE, *FORMATS])
            raise InputError("--format", "$", f"unknown format {name!r} (known: {known})")
    return names


def write_outputs(report: Report, args: argparse.Namespace) -> None:
    from checker.errors import InputError
    from checker.report.formats import FORMATS

    formats = requested_formats(args)
    outputs = list(args.output or [])
    file_formats = [name for name in formats if name != CONSOLE]
    if len(outputs) > len(file_formats):
        raise InputError("-o", "$", f"{len(outputs)} outputs for {len(file_formats)} file formats")
    for position, name in enumerate(file_formats):
        text = FORMATS[name].renderer()(report)
        target = outputs[position] if position < len(outputs) else None
        if target == "-":
            sys.stdout.write(text)
            continue
        path = Path(target) if target else Path("reports") / FORMATS[name].default_file
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InputError(str(path), "$", f"cannot write the report: {error.strerror}") from None
        if CONSOLE not in formats and target is None:
            print(f"xreg: wrote {path}", file=sys.stderr)
    if CONSOLE in formats:
        from checker.report.console import print_console

        print_console(report, sys.stdout)


def exit_status(report: Report, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    return 0 if report.verdict == "pass" else 1


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from checker.engine import check_plan
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan

    requested_formats(args)  # refuse an unknown format before doing any work
    plan = load_plan(args.plan)
    config = load_config(Path(args.plan), args.fail_on)
    if args.baseline:
        config = replace(config, baseline=Path(args.baseline))
    options = check_options(config, strict=args.strict, lint=not args.no_lint)
    report = check_plan(plan, options)
    write_outputs(report, args)
    return exit_status(report, config.fail_on)

"""``xreg check PLAN``: decide every access of a plan offline and report the gaps."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from checker.commands.outputs import (
    add_output_arguments,
    exit_status,
    requested_formats,
    write_outputs,
)


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


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from checker.engine import check_plan
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan
    from checker.report.console import print_console

    requested_formats(args)  # refuse an unknown format before doing any work
    plan = load_plan(args.plan)
    config = load_config(Path(args.plan), args.fail_on)
    if args.baseline:
        config = replace(config, baseline=Path(args.baseline))
    options = check_options(config, strict=args.strict, lint=not args.no_lint)
    report = check_plan(plan, options)
    write_outputs(report, args, print_console)
    return exit_status(report, config.fail_on)

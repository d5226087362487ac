"""``xreg fix PLAN -o DIR``: check the plan and write its fixes, ready to apply."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    from checker.commands.check import add_fix_arguments

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "fix",
        help="write the corrected policies of a plan and a script that applies them",
        description=(
            "Check PLAN, then write each corrected policy document under the file name its "
            "command reads, and apply-fixes.sh with the commands, into DIR."
        ),
    )
    parser.add_argument("plan", help="the registration plan (YAML or JSON)")
    parser.add_argument(
        "-o", "--output", dest="write_fixes", required=True, metavar="DIR", help="where to write"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat a side the plan does not describe (unverified) as unknown",
    )
    add_fix_arguments(parser, folder_flag="")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from checker.check import check_plan
    from checker.commands.check import write_fixes_for
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan

    plan_path = Path(args.plan)
    plan = load_plan(plan_path)
    config = load_config(plan_path)
    options = check_options(config, strict=args.strict, fix_documented=args.fix_documented)
    report = check_plan(plan, options)
    write_fixes_for(args, report, plan)
    return 0

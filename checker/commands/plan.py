"""``xreg plan PLAN -o FILE``: write the plan xreg derives from the plan's sources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from checker.commands.check import add_pipeline_parameter_argument
from checker.errors import InputError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "plan",
        help="write the plan derived from a plan's infrastructure-as-code sources",
        description=(
            "Read a plan's sources (CloudFormation, CDK, Terraform plans, SageMaker pipelines) "
            "and write the plan xreg derives from them, each value with its origin."
        ),
    )
    parser.add_argument("plan", help="the plan (YAML or JSON) whose sources to read")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    add_pipeline_parameter_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import yaml

    from checker.commands.check import pipeline_parameters
    from checker.plan.loader import load_plan
    from checker.sources.writer import derived_plan

    plan = load_plan(Path(args.plan), pipeline_parameters=pipeline_parameters(args))
    text = yaml.safe_dump(derived_plan(plan), sort_keys=False, allow_unicode=True, width=100)
    if args.output:
        output = Path(args.output)
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InputError(str(output), "$", f"cannot write: {error.strerror}") from None
        print(f"xreg: wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0

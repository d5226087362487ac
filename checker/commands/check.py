"""``xreg check PLAN``: decide every access of a plan offline and report the gaps."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import Any

from checker.commands.outputs import (
    add_output_arguments,
    exit_status,
    requested_formats,
    write_outputs,
)
from checker.commands.snapshot import (
    add_account_arguments,
    add_subject_arguments,
    snapshot_options,
)
from checker.errors import InputError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="decide every cross-account access of a registration plan",
        description=(
            "Decide every access a cross-account model registration and deployment need, "
            "with AWS's policy evaluation logic, and suggest fixes for the gaps."
        ),
    )
    parser.add_argument(
        "plan",
        nargs="?",
        help="the registration plan (YAML or JSON); with --live, a plan whose resources to refresh",
    )
    add_output_arguments(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat a side the plan does not describe (unverified) as unknown",
    )
    parser.add_argument("--no-lint", action="store_true", help="decide accesses only, no lint")
    add_fix_arguments(parser)
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="KIND:FILE[,OPTION=VALUE…]",
        help=(
            "add a source to the plan's sources: cloudformation, cdk, terraform_plan or "
            "sagemaker_pipeline, e.g. cloudformation:infra/t.yaml,account=222222222222"
            " (stacks=A+B for several CDK stacks)"
        ),
    )
    add_pipeline_parameter_argument(parser)
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="suppress the findings listed in FILE (default: the configuration's baseline)",
    )
    live = parser.add_argument_group(
        "live check (read-only): snapshot both accounts, then check the snapshot"
    )
    live.add_argument("--live", action="store_true", help="collect the plan from the accounts")
    live.add_argument("--request", metavar="REQUEST", help="the create_model_package input")
    live.add_argument(
        "--snapshot-dir",
        metavar="DIR",
        help="keep the snapshot here (default: xreg-snapshot/ beside the first report file, "
        "else reports/xreg-snapshot/)",
    )
    add_subject_arguments(live)
    add_account_arguments(parser)
    parser.set_defaults(run=run)


def add_fix_arguments(
    parser: argparse.ArgumentParser, *, folder_flag: str = "--write-fixes"
) -> None:
    """The options that say which fixes to make and where to write them."""
    parser.add_argument(
        "--fix-documented",
        action="store_true",
        help="also fix what only the AWS documentation asks for (config: fix-documented)",
    )
    if folder_flag:
        parser.add_argument(
            folder_flag,
            dest="write_fixes",
            metavar="DIR",
            help="write each corrected document and a script of the commands (apply-fixes.sh) "
            "into DIR",
        )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="with the fixes written, also write each corrected document over the plan's own "
        "policy file (the original is kept as FILE.orig)",
    )


def write_fixes_for(args: argparse.Namespace, report: Any, plan: Any) -> None:
    """Write the fixes where ``--write-fixes`` (or ``fix -o``) says, and say what was written."""
    if not getattr(args, "write_fixes", None):
        return
    import sys

    # Here: the writer brings shutil (and with it bz2, lzma, zlib), which a check that
    # writes nothing should not load.
    from checker.fix.write import write_fixes

    written = write_fixes(report, Path(args.write_fixes), plan, in_place=args.in_place)
    print(
        f"xreg: wrote {len(written.documents)} corrected "
        f"document{'s' if len(written.documents) != 1 else ''} and {written.script}",
        file=sys.stderr,
    )
    for policy_file, kept in written.replaced:
        print(f"xreg: rewrote {policy_file} (original kept as {kept})", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    requested_formats(args)  # refuse an unknown format before doing any work
    if args.in_place and not args.write_fixes:
        raise InputError("--in-place", "$", "needs --write-fixes DIR")
    if args.live:
        return _run_live(args)
    if args.plan is None:
        raise InputError("check", "$", "give a PLAN, or --live with --request or a plan")
    return _check_file(args, Path(args.plan))


def _check_file(args: argparse.Namespace, plan_path: Path) -> int:
    from checker.check import check_plan
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan
    from checker.records import replace
    from checker.report.console import print_console

    plan = load_plan(
        plan_path,
        pipeline_parameters=pipeline_parameters(args),
        extra_sources=command_line_sources(args, plan_path),
    )
    config = load_config(plan_path, args.fail_on)
    if args.baseline:
        config = replace(config, baseline=Path(args.baseline))
    options = check_options(
        config,
        strict=args.strict,
        lint=not args.no_lint,
        fix_documented=getattr(args, "fix_documented", False),
    )
    report = check_plan(plan, options)
    detail = "quiet" if args.quiet else "verbose" if args.verbose else "normal"
    write_outputs(report, args, partial(print_console, detail=detail))
    write_fixes_for(args, report, plan)
    return exit_status(report, config.fail_on)


_SOURCE_KINDS = ("cloudformation", "cdk", "terraform_plan", "sagemaker_pipeline")


def command_line_sources(args: argparse.Namespace, plan_path: Path) -> list[dict[str, Any]]:
    """``--source KIND:FILE,OPTION=VALUE…`` as entries of the plan's ``sources:`` (paths made
    relative to the plan's folder, where the plan's own sources live)."""
    import os

    entries: list[dict[str, Any]] = []
    for text in getattr(args, "source", None) or []:
        kind, colon, rest = text.partition(":")
        if not colon or kind not in _SOURCE_KINDS or not rest:
            raise InputError(
                "--source",
                "$",
                f"{text!r}: expected KIND:FILE with KIND one of " + ", ".join(_SOURCE_KINDS),
            )
        path, *options = rest.split(",")
        folder = plan_path.resolve().parent
        entry: dict[str, Any] = {kind: os.path.relpath(Path(path).resolve(), folder)}
        for option in options:
            key, equals, value = option.partition("=")
            if not equals or not key:
                raise InputError("--source", "$", f"{option!r}: expected OPTION=VALUE")
            entry[key] = value.split("+") if key == "stacks" else value
        entries.append(entry)
    return entries


def add_pipeline_parameter_argument(parser: argparse.ArgumentParser) -> None:
    """``--pipeline-parameter NAME=VALUE``, for the commands that read a plan's sources."""
    parser.add_argument(
        "--pipeline-parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a parameter of the plan's sagemaker_pipeline source (repeatable)",
    )


def pipeline_parameters(args: argparse.Namespace) -> dict[str, str]:
    values: dict[str, str] = {}
    for text in getattr(args, "pipeline_parameter", None) or []:
        name, equals, value = text.partition("=")
        if not equals or not name.strip():
            raise InputError("--pipeline-parameter", "$", f"{text!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def _run_live(args: argparse.Namespace) -> int:
    """Snapshot both accounts read-only, then check the snapshot exactly as a file."""
    import sys

    from checker.aws.snapshot import snapshot_to_dir

    if not args.request and not args.plan:
        raise InputError("--live", "$", "needs --request REQUEST or a PLAN to refresh")
    if args.request and args.plan:
        raise InputError("--live", "$", "give --request or a PLAN, not both")
    # Every location of the reports names a file of the snapshot: it stays where they are.
    folder = Path(args.snapshot_dir) if args.snapshot_dir else default_snapshot_dir(args)
    plan_path = snapshot_to_dir(snapshot_options(args, folder))
    print(f"xreg: snapshot kept in {plan_path.parent}", file=sys.stderr)
    return _check_file(args, plan_path)


def default_snapshot_dir(args: argparse.Namespace) -> Path:
    """``xreg-snapshot/`` beside the first report file (default ``reports/``)."""
    files = [target for target in args.output or [] if target != "-"]
    return (Path(files[0]).parent if files else Path("reports")) / "xreg-snapshot"

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
        help="keep the snapshot here (default: a temporary folder, removed afterwards)",
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
    import sys

    from checker.fix.write import write_fixes

    if not getattr(args, "write_fixes", None):
        return
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
    from checker.engine import check_plan
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan
    from checker.records import replace
    from checker.report.console import print_console

    plan = load_plan(plan_path)
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


def _run_live(args: argparse.Namespace) -> int:
    """Snapshot both accounts read-only, then check the snapshot exactly as a file."""
    import sys
    import tempfile

    from checker.aws.snapshot import snapshot_to_dir

    if not args.request and not args.plan:
        raise InputError("--live", "$", "needs --request REQUEST or a PLAN to refresh")
    if args.request and args.plan:
        raise InputError("--live", "$", "give --request or a PLAN, not both")
    if args.snapshot_dir:
        plan_path = snapshot_to_dir(snapshot_options(args, Path(args.snapshot_dir)))
        print(f"xreg: snapshot kept in {plan_path.parent}", file=sys.stderr)
        return _check_file(args, plan_path)
    with tempfile.TemporaryDirectory(prefix="xreg-live-") as folder:
        plan_path = snapshot_to_dir(snapshot_options(args, Path(folder)))
        return _check_file(args, plan_path)

"""``xreg audit``: every model package group of a registry account, and whether each
version can still be deployed today."""

from __future__ import annotations

import argparse
import json
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from checker.commands.outputs import (
    add_output_arguments,
    exit_status,
    requested_formats,
    write_outputs,
)
from checker.commands.snapshot import account_access, add_account_arguments
from checker.errors import InputError
from checker.records import replace

if TYPE_CHECKING:
    from checker.aws.session import AccountAccess
    from checker.results.model import Report

SHARD = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "audit",
        help="audit every model package group of a registry account",
        description=(
            "For every model package group of the registry account: who may register, its "
            "versions, and whether the registry's consumers can still deploy each of them "
            "(decided with the owners' policies where a profile for the owner is given)."
        ),
    )
    parser.add_argument("--group", metavar="PATTERN", help="only groups whose name or ARN matches")
    parser.add_argument(
        "--shard", metavar="I/N", help="audit only shard I of N (1-based; by hash of group ARN)"
    )
    parser.add_argument("--since", metavar="OLD.json", help="show what changed since that audit")
    parser.add_argument(
        "--consumer",
        action="append",
        default=[],
        metavar="ARN",
        help="a principal of the registry account that deploys (repeatable)",
    )
    parser.add_argument("--jobs", type=int, default=8, help="concurrent reads (default 8)")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat a side the audit cannot describe (unverified) as unknown",
    )
    add_output_arguments(parser)
    add_account_arguments(parser, training_many=True)
    parser.set_defaults(run=run)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    match = SHARD.fullmatch(text)
    if not match or int(match[1]) > int(match[2]):
        raise InputError("--shard", "$", f"{text!r} is not I/N with 1 <= I <= N")
    return int(match[1]), int(match[2])


def read_report(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(path, "$", f"cannot read the report: {error.strerror}") from None
    except ValueError as error:
        raise InputError(path, "$", f"not valid JSON: {error}") from None


def print_audit_console(report: Report, file: IO[str]) -> None:
    from checker.aws.audit.console import print_audit
    from checker.report.json_report import report_to_dict

    print_audit(report_to_dict(report), file)


def owner_accesses(args: argparse.Namespace, pool: int) -> list[AccountAccess]:
    """The accounts that own images, artifacts and keys: one per ``--training-profile``, and
    one per ``--training-role-arn`` (assumed with the environment's credentials)."""
    accesses = [
        account_access(args, "training", profile=profile, pool=pool)
        for profile in args.training_profile
    ]
    environment = replace(
        account_access(args, "registry", pool=pool),
        label="--training-role-arn",
        profile=None,
        external_id=args.training_external_id,
    )
    accesses += [replace(environment, role_arn=arn) for arn in args.training_role_arn]
    return accesses


def run(args: argparse.Namespace) -> int:
    from checker.aws.audit.changes import audit_changes
    from checker.aws.audit.progress import audit_progress
    from checker.aws.audit.sweep import AuditSettings, Shard, audit
    from checker.aws.session import AwsAccount
    from checker.report.json_report import report_to_dict

    requested_formats(args)  # refuse an unknown format before doing any work
    shard = parse_shard(args.shard)
    old = read_report(args.since) if args.since else None
    fail_on = args.fail_on or "error"
    jobs = max(1, args.jobs)
    registry = AwsAccount(account_access(args, "registry", pool=jobs * 2))
    owners = [AwsAccount(access) for access in owner_accesses(args, jobs * 2)]
    with ExitStack() as stack:
        progress = audit_progress(stack, sys.stderr, args.shard)
        settings = AuditSettings(
            group_pattern=args.group,
            shard=Shard(*shard) if shard else None,
            consumers=tuple(args.consumer),
            jobs=jobs,
            strict=args.strict,
            fail_on="error" if fail_on == "never" else fail_on,
            progress=progress.bar,
            account_log=progress.account,
        )
        report = audit(registry, owners, settings)
    if old is not None:
        changes = audit_changes(old, report_to_dict(report))
        report = replace(report, extra={**report.extra, "changes": changes})
    write_outputs(report, args, print_audit_console)
    return exit_status(report, fail_on)

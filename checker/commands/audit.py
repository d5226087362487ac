"""``xreg audit``: every model package group of a registry account, and whether each
version can still be deployed today."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from checker.commands.outputs import write_text_output
from checker.commands.snapshot import account_access, add_account_arguments
from checker.errors import InputError

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
        "--format", "-f", default="console", choices=("console", "json"), help="output format"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here (- stdout)")
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


def _progress(stack: ExitStack) -> Callable[[str, int], Callable[[], None]] | None:
    """A rich progress bar on a terminal; nothing in CI logs or pipes."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    progress = stack.enter_context(Progress(transient=True))

    def start(label: str, total: int) -> Callable[[], None]:
        task = progress.add_task(label, total=total)
        return lambda: progress.advance(task)

    return start


def write_report(data: dict[str, Any], args: argparse.Namespace) -> None:
    if args.format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if write_text_output(text, "-" if args.output is None else args.output):
            print(f"xreg: wrote {args.output}", file=sys.stderr)
        return
    from checker.aws.audit_console import print_audit

    print_audit(data, sys.stdout)


def run(args: argparse.Namespace) -> int:
    from checker.aws.audit import AuditSettings, Shard, audit
    from checker.aws.audit_diff import audit_changes
    from checker.aws.session import AwsAccount
    from checker.report.json_report import report_to_dict

    shard = parse_shard(args.shard)
    old = read_report(args.since) if args.since else None
    jobs = max(1, args.jobs)
    registry = AwsAccount(account_access(args, "registry", pool=jobs * 2))
    owners = [
        AwsAccount(account_access(args, "training", profile=profile, pool=jobs * 2))
        for profile in args.training_profile
    ]
    with ExitStack() as stack:
        settings = AuditSettings(
            group_pattern=args.group,
            shard=Shard(*shard) if shard else None,
            consumers=tuple(args.consumer),
            jobs=jobs,
            progress=_progress(stack),
        )
        report = audit(registry, owners, settings)
    data = report_to_dict(report)
    if old is not None:
        data["changes"] = audit_changes(old, data)
    write_report(data, args)
    return 0 if data["verdict"] == "pass" else 1

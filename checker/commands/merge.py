"""``xreg merge``: join the JSON reports of audit shards into one report, in any of the
check's formats."""

from __future__ import annotations

import argparse
from typing import Any

from checker.commands.outputs import (
    add_output_arguments,
    exit_status,
    requested_formats,
    write_outputs,
)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "merge",
        help="join the JSON reports of audit shards (xreg audit --shard I/N)",
        description=(
            "Join audit shard reports into one report, the same as the audit run unsharded; "
            "a missing or duplicated shard, or shards of different inputs, are refused."
        ),
    )
    parser.add_argument("reports", nargs="+", metavar="REPORT", help="shard reports (JSON)")
    add_output_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker.aws.audit.merge import merge_reports
    from checker.aws.audit.report_reader import report_from_dict
    from checker.commands.audit import print_audit_console, read_report
    from checker.records import replace
    from checker.results.outcome import finding_fails

    requested_formats(args)  # refuse an unknown format before doing any work
    if args.format is None and args.output:
        args.format = ["json"]  # ``merge A B -o merged.json``: the JSON, as before
    merged = merge_reports([(path, read_report(path)) for path in args.reports])
    report = report_from_dict(merged)
    fail_on = args.fail_on or "error"
    if fail_on != "never" and any(finding_fails(finding, fail_on) for finding in report.findings):
        report = replace(report, verdict="fail")
    write_outputs(report, args, print_audit_console)
    return exit_status(report, fail_on)

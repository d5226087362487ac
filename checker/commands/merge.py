"""``xreg merge``: join the JSON reports of audit shards into one report."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "merge",
        help="join the JSON reports of audit shards (xreg audit --shard I/N)",
        description="Join audit shard reports into one JSON report; a missing shard fails it.",
    )
    parser.add_argument("reports", nargs="+", metavar="REPORT", help="shard reports (JSON)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="merged report")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from checker.aws.audit_merge import merge_reports
    from checker.commands.audit import read_report
    from checker.commands.outputs import write_text_output

    merged = merge_reports([(path, read_report(path)) for path in args.reports])
    text = json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
    write_text_output(text, args.output, make_parents=False)
    for count, indices in merged.get("shards_missing", {}).items():
        print(f"xreg: shards missing of {count}: {indices}", file=sys.stderr)
    return 0 if merged["verdict"] == "pass" else 1

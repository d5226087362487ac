"""``xreg baseline PLAN -o FILE``: accept the current findings of a plan for a while.

Every finding of the check (lint and core alike) is written to FILE by fingerprint, with one
reason and one expiry date. Point ``baseline:`` in ``.xreg.yaml`` at the file to apply it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # every command module is imported to build the parser: keep them light
    import datetime as dt


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "baseline",
        help="write a baseline that suppresses the plan's current findings",
        description=(
            "Run the check on PLAN and write every finding's fingerprint to FILE with a reason "
            "and an expiry date. Point `baseline:` in .xreg.yaml at FILE to apply it; an expired "
            "entry stops suppressing and its finding reappears with a note."
        ),
    )
    parser.add_argument("plan", help="the registration plan (YAML or JSON)")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the baseline to write"
    )
    parser.add_argument(
        "--reason",
        default=None,
        help='why the findings are accepted (default: "accepted when the baseline was written")',
    )
    parser.add_argument(
        "--expires",
        default=None,
        metavar="YYYY-MM-DD",
        help="last day the suppressions hold (default: 90 days from today)",
    )
    parser.set_defaults(run=run)


def _expiry(text: str | None, today: dt.date) -> dt.date:
    import datetime as dt

    from checker.errors import InputError
    from checker.lint.baseline import DEFAULT_DAYS

    if text is None:
        return today + dt.timedelta(days=DEFAULT_DAYS)
    try:
        expires = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("--expires", "$", f"must be a date as YYYY-MM-DD, not {text!r}") from None
    if expires < today:
        raise InputError("--expires", "$", f"{text} is in the past")
    return expires


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from checker.check import check_plan
    from checker.errors import InputError
    from checker.lint.baseline import write_baseline
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan
    from checker.policy.decision import Decision
    from checker.results.model import Level

    today = dt.date.today()
    expires = _expiry(args.expires, today)
    reason = args.reason or f"accepted when the baseline was written ({today.isoformat()})"
    if not reason.strip():
        raise InputError("--reason", "$", "a suppression needs a reason")
    plan = load_plan(args.plan)
    config = load_config(Path(args.plan))
    # The existing baseline is not applied: the new one lists everything found today.
    report = check_plan(plan, check_options(config, use_baseline=False))
    output = Path(args.output)
    denied = [row for row in report.requirements if row.decision.is_denied]
    try:
        count = write_baseline(
            report.findings, output, reason=reason.strip(), expires=expires, denied=denied
        )
    except OSError as error:
        raise InputError(str(output), "$", f"cannot write the baseline: {error.strerror}") from None
    print(
        f"xreg: wrote {count} suppression{'s' if count != 1 else ''} to {output} "
        f"(expire after {expires.isoformat()})",
        file=sys.stderr,
    )
    for row in report.requirements:
        if row.decision is Decision.UNKNOWN and row.level is Level.REQUIRED:
            print(
                f"xreg: cannot suppress {row.id}: {row.action} by {row.principal} on "
                f"{row.resource} is unknown, not denied: give the plan the facts it lacks",
                file=sys.stderr,
            )
    return 0

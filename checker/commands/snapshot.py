"""``xreg snapshot``: read both accounts (read-only) and write a plan that replays offline.

The account options are shared with ``xreg audit`` and ``xreg check --live``:
``add_account_arguments`` declares them, ``account_access`` turns them into credentials
settings (inside a run, where boto3 may be imported).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.aws.session import AccountAccess
    from checker.aws.snapshot import SnapshotOptions, SnapshotResult


def add_account_arguments(parser: argparse.ArgumentParser, *, training_many: bool = False) -> None:
    """Credentials per account: a named profile (SSO included) or the environment, and
    optionally a role to assume in it."""
    group = parser.add_argument_group("credentials (per account)")
    if training_many:
        group.add_argument(
            "--training-profile",
            action="append",
            default=[],
            metavar="PROFILE",
            help="profile of an account that owns images, artifacts or keys (repeatable)",
        )
        group.add_argument(
            "--training-role-arn",
            action="append",
            default=[],
            metavar="ARN",
            help="a role to assume (with the environment's credentials) in an account that "
            "owns images, artifacts or keys (repeatable)",
        )
        group.add_argument("--training-external-id", metavar="ID", help="external id for them")
    else:
        group.add_argument("--training-profile", metavar="PROFILE", help="training account profile")
        group.add_argument("--training-role-arn", metavar="ARN", help="role to assume there")
        group.add_argument("--training-external-id", metavar="ID", help="external id for it")
    group.add_argument("--registry-profile", metavar="PROFILE", help="registry account profile")
    group.add_argument("--registry-role-arn", metavar="ARN", help="role to assume there")
    group.add_argument("--registry-external-id", metavar="ID", help="external id for it")
    group.add_argument(
        "--session-name", default="xreg-readonly", help="role session name (default xreg-readonly)"
    )
    group.add_argument("--region", help="region (default: the group ARN's, else the profile's)")
    group.add_argument(
        "--endpoint-url", help="send every AWS call here instead (e.g. a moto server)"
    )
    group.add_argument(
        "--read-timeout", type=float, default=30.0, help="seconds per read (default 30)"
    )
    group.add_argument(
        "--connect-timeout", type=float, default=5.0, help="seconds to connect (default 5)"
    )
    group.add_argument(
        "--max-attempts",
        type=int,
        default=8,
        help="attempts per call, throttling retried with exponential backoff (default 8)",
    )
    group.add_argument(
        "--retry-budget",
        type=int,
        default=100,
        metavar="N",
        help="retries in all per account, over every call and thread of it; once spent, a "
        "throttled read is unreadable (default 100)",
    )


def account_access(
    args: argparse.Namespace, side: str, *, profile: str | None = None, pool: int = 16
) -> AccountAccess:
    """The credentials settings of one side (``training`` or ``registry``) from its options:
    ``--SIDE-profile`` (or ``profile``: one of audit's repeatable ``--training-profile``),
    and ``--SIDE-role-arn`` and ``--SIDE-external-id`` where the command has them."""
    from checker.aws.session import AccountAccess
    from checker.errors import InputError

    if args.retry_budget < 0:
        raise InputError("--retry-budget", "$", f"{args.retry_budget} is not 0 or more")
    role_arn = getattr(args, f"{side}_role_arn", None)
    return AccountAccess(
        label=f"--{side}-profile",
        profile=profile if profile is not None else getattr(args, f"{side}_profile"),
        # audit's repeatable --training-role-arn gives one account each, not this one's role
        role_arn=role_arn if isinstance(role_arn, str) else None,
        external_id=getattr(args, f"{side}_external_id", None),
        session_name=args.session_name,
        region=args.region,
        endpoint_url=args.endpoint_url,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        max_attempts=args.max_attempts,
        max_pool_connections=pool,
        retry_budget=args.retry_budget,
    )


def add_subject_arguments(parser: argparse._ActionsContainer) -> None:
    parser.add_argument(
        "--registrar", metavar="ARN", help="the principal that calls CreateModelPackage"
    )
    parser.add_argument(
        "--consumer",
        action="append",
        default=[],
        metavar="ARN",
        help="a principal of the registry account that deploys (repeatable)",
    )
    parser.add_argument("--jobs", type=int, default=4, help="concurrent reads (default 4)")


def snapshot_options(args: argparse.Namespace, output_dir: Path) -> SnapshotOptions:
    """The snapshot settings of parsed arguments (also used by ``xreg check --live``)."""
    from checker.aws.snapshot import SnapshotOptions

    return SnapshotOptions(
        output_dir=output_dir,
        training=account_access(args, "training"),
        registry=account_access(args, "registry"),
        request=Path(args.request) if getattr(args, "request", None) else None,
        plan=Path(args.plan) if getattr(args, "plan", None) else None,
        registrar=args.registrar,
        consumers=tuple(args.consumer),
        region=args.region,
        jobs=max(1, args.jobs),
    )


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "snapshot",
        help="read both accounts (read-only) and write a plan that replays offline",
        description=(
            "Collect, read-only, every policy and setting a registration depends on in the "
            "training and registry accounts, and write DIR/plan.yaml and DIR/policies/ so "
            "that `xreg check DIR/plan.yaml` gives the live verdict offline."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--request", metavar="REQUEST", help="the create_model_package input (JSON or YAML)"
    )
    source.add_argument("--plan", metavar="PLAN", help="a plan whose resources to refresh")
    parser.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="folder for plan.yaml and policies/"
    )
    add_subject_arguments(parser)
    add_account_arguments(parser)
    parser.set_defaults(run=run)


def print_summary(result: SnapshotResult, file: IO[str]) -> None:
    """What was written, what could not be read (it stays unknown in the plan), and what
    the request names that does not exist."""
    print(f"xreg: wrote {result.plan}", file=file)
    if result.unreadable:
        count = len(result.unreadable)
        print(f"xreg: could not read {count}, unknown in the plan:", file=file)
        for resource, what, reason in result.unreadable:
            print(f"  {resource} ({what}): {reason}", file=file)
    if result.missing:
        print(f"xreg: {len(result.missing)} named by the request do not exist:", file=file)
        for resource, reason in result.missing:
            print(f"  {resource}: {reason}", file=file)


def run(args: argparse.Namespace) -> int:
    """Exit 0 when everything was read, 1 when the plan was written but some reads failed
    (listed, and unknown in the plan), 2 on bad input or credentials."""
    from checker.aws.snapshot import take_snapshot

    with reading_status(sys.stderr):
        result = take_snapshot(snapshot_options(args, Path(args.output)))
    print_summary(result, sys.stderr)
    return 1 if result.unreadable else 0


@contextmanager
def reading_status(file: IO[str]) -> Iterator[None]:
    """A spinner while both accounts are read, on a terminal only."""
    if not file.isatty():
        yield
        return
    from rich.console import Console

    with Console(file=file).status("reading the training and registry accounts (read-only)…"):
        yield

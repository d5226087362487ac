"""``xreg audit``: every model package group of a registry account, and whether each
version can still be deployed today."""

from __future__ import annotations

import argparse
import json
import os
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
    from checker.aws.audit.items import Item
    from checker.aws.audit.sharding import Shard
    from checker.aws.audit.sweep import AuditSettings
    from checker.aws.session import AccountAccess
    from checker.results.model import Report


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "audit",
        help="audit every model package group of a registry account",
        description=(
            "For every model package group of the registry account (or of every account of "
            "--accounts / --org-ou): who may register, its versions, and whether the "
            "registry's consumers can still deploy each of them (decided with the owners' "
            "policies where xreg can read the owner)."
        ),
    )
    parser.add_argument("--group", metavar="PATTERN", help="only groups whose name or ARN matches")
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="audit only shard I of N (1-based; by a stable hash of account, region and group)",
    )
    parser.add_argument(
        "--shards",
        metavar="N",
        help="the number of shards, when the index comes from JOB_COMPLETION_INDEX (a "
        "Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (an AWS Batch array job)",
    )
    fleet = parser.add_argument_group("many accounts")
    fleet.add_argument(
        "--accounts",
        metavar="FILE",
        help="audit every account of this file (YAML or JSON, c7n-org's accounts.yml shape: "
        "accounts: [{account_id, role, regions, name, tags, external_id}])",
    )
    fleet.add_argument(
        "--org-ou",
        metavar="OU_ID",
        help="audit every active account under this OU (ou-…) or root (r-…) of AWS "
        "Organizations (read with the environment's credentials: the management or a "
        "delegated administrator account)",
    )
    fleet.add_argument(
        "--role-name",
        metavar="PATTERN",
        help="the role to assume in each account: a name, or a pattern with {account_id} "
        "and {name} (for --org-ou, and for accounts file entries without a role)",
    )
    fleet.add_argument(
        "--items",
        metavar="FILE",
        help="audit only these (account, region) items: a JSON array, JSON lines, or an "
        'ItemBatcher batch {"Items": [...]}; - reads stdin (Step Functions Distributed Map)',
    )
    fleet.add_argument(
        "--list-items",
        action="store_true",
        help="print the (account, region) items, one JSON object a line, and audit nothing",
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


def _refuse_combinations(args: argparse.Namespace) -> None:
    """Options that cannot go together: one line, exit 2, before anything is read."""
    if args.accounts is not None and args.org_ou is not None:
        raise InputError("--accounts", "$", "give the accounts file or --org-ou, not both")
    fleet = args.accounts is not None or args.org_ou is not None
    for name in ("registry_profile", "registry_role_arn", "registry_external_id"):
        if fleet and getattr(args, name):
            option = "--" + name.replace("_", "-")
            raise InputError(
                option, "$", "each account's role comes from --accounts or --org-ou: drop it"
            )
    if args.org_ou is not None and not args.role_name:
        raise InputError("--org-ou", "$", "give --role-name: the role to assume in each account")
    if not fleet:
        for option, given in (
            ("--items", args.items),
            ("--list-items", args.list_items),
            ("--role-name", args.role_name),
        ):
            if given:
                raise InputError(option, "$", "needs --accounts FILE or --org-ou OU_ID")
    if args.list_items and (args.items or args.shard or args.shards):
        raise InputError("--list-items", "$", "lists every item: drop --items, --shard, --shards")


def audit_options(args: argparse.Namespace, fail_on: str) -> dict[str, Any]:
    """The options that change an audit's result (its input digest covers them)."""
    return {
        "group": args.group,
        "consumers": sorted(args.consumer),
        "strict": args.strict,
        # ``never`` changes the exit status only, not the report: the same digest as ``error``.
        "fail_on": "error" if fail_on == "never" else fail_on,
        "training_profiles": sorted(args.training_profile),
        "training_role_arns": sorted(args.training_role_arn),
    }


def read_items_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(path, "$", f"cannot read the items: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(path, "$", "the items are not UTF-8 text") from None


def run(args: argparse.Namespace) -> int:
    requested_formats(args)  # refuse an unknown format before doing any work
    _refuse_combinations(args)
    from checker.aws.audit.sharding import choose_shard

    shard = None if args.list_items else choose_shard(args.shard, args.shards, os.environ)
    if shard is not None and args.items:
        raise InputError("--items", "$", f"the items are the batch: drop {shard.chosen_by}")
    if shard is not None:
        print(f"xreg: shard {shard.label} (chosen by {shard.chosen_by})", file=sys.stderr)
    old = read_report(args.since) if args.since else None
    fail_on = args.fail_on or "error"
    if args.accounts is not None or args.org_ou is not None:
        report = run_fleet(args, shard, fail_on)
        if report is None:
            return 0
    else:
        report = run_registry(args, shard, fail_on)
    if old is not None:
        from checker.aws.audit.changes import audit_changes
        from checker.report.json_report import report_to_dict

        changes = audit_changes(old, report_to_dict(report))
        report = replace(report, extra={**report.extra, "changes": changes})
    write_outputs(report, args, print_audit_console)
    return exit_status(report, fail_on)


def _settings(
    args: argparse.Namespace, shard: Shard | None, fail_on: str, stack: ExitStack
) -> AuditSettings:
    from checker.aws.audit.progress import audit_progress
    from checker.aws.audit.sweep import AuditSettings

    progress = audit_progress(stack, sys.stderr, shard.label if shard else None)
    return AuditSettings(
        group_pattern=args.group,
        shard=shard,
        consumers=tuple(args.consumer),
        jobs=max(1, args.jobs),
        strict=args.strict,
        fail_on="error" if fail_on == "never" else fail_on,
        progress=progress.bar,
        account_log=progress.account,
    )


def run_registry(args: argparse.Namespace, shard: Shard | None, fail_on: str) -> Report:
    """One registry account (``--registry-profile`` and friends), as before."""
    from checker import __version__
    from checker.aws.audit.merge import stamp_counts
    from checker.aws.audit.sharding import input_digest
    from checker.aws.audit.sweep import audit
    from checker.aws.session import AwsAccount
    from checker.report.json_report import report_to_dict

    jobs = max(1, args.jobs)
    registry = AwsAccount(account_access(args, "registry", pool=jobs * 2))
    owners = [AwsAccount(access) for access in owner_accesses(args, jobs * 2)]
    with ExitStack() as stack:
        report = audit(registry, owners, _settings(args, shard, fail_on, stack))
    if shard is not None:
        accounts = [{"account_id": registry.account_id, "region": registry.region}]
        accounts += [{"account_id": owner.account_id} for owner in owners]
        stamp = {
            **report.extra["shard"],
            "chosen_by": shard.chosen_by,
            "input_digest": input_digest(accounts, audit_options(args, fail_on), __version__),
            "counts": stamp_counts(report_to_dict(report)),
        }
        report = replace(report, extra={**report.extra, "shard": stamp})
    return report


def run_fleet(args: argparse.Namespace, shard: Shard | None, fail_on: str) -> Report | None:
    """Every account of ``--accounts`` or ``--org-ou`` (``None``: the items were listed)."""
    from checker import __version__
    from checker.aws.audit.accounts import ROLE_ARN, load_accounts
    from checker.aws.audit.fleet import LazyAccounts, audit_fleet, entry_access, targets_of
    from checker.aws.audit.items import item_lines, parse_items
    from checker.aws.audit.merge import stamp_counts
    from checker.aws.audit.report_reader import report_from_dict
    from checker.aws.audit.sharding import input_digest
    from checker.aws.session import AwsAccount

    jobs = max(1, args.jobs)
    template = replace(account_access(args, "registry", pool=jobs * 2), role_arn=None, profile=None)
    base = AwsAccount(replace(template, label="--org-ou" if args.org_ou else "--accounts"))
    if args.org_ou is not None:
        from checker.aws.audit.discovery import discover_accounts

        entries = discover_accounts(base, args.org_ou, args.role_name)
        source = f"--org-ou {args.org_ou}"
    else:
        entries = load_accounts(args.accounts, args.role_name)
        source = args.accounts
    targets = targets_of(entries, base.region)
    if args.list_items:
        sys.stdout.write(item_lines(targets))
        return None
    roles = {entry.account_id: entry.role for entry in entries}
    digest = input_digest(
        [{**target.as_dict(), "role": roles[target.account_id]} for target in targets],
        audit_options(args, fail_on),
        __version__,
    )
    chosen = targets
    stamp: dict[str, Any] | None = None
    if args.items:
        chosen = _chosen_items(
            parse_items(read_items_text(args.items), args.items), targets, args.items
        )
        print(f"xreg: {len(chosen)} of {len(targets)} items (chosen by --items)", file=sys.stderr)
        stamp = {
            "chosen_by": "--items",
            "items": sorted(item.key for item in chosen),
            "of": len(targets),
        }
    elif shard is not None:
        stamp = {"index": shard.index, "count": shard.count, "chosen_by": shard.chosen_by}
    # A role name becomes an ARN in the caller's partition (one GetCallerIdentity).
    needs_partition = any(not ROLE_ARN.fullmatch(entry.role) for entry in entries)
    partition = base.partition if needs_partition else "aws"
    accesses = {
        entry.account_id: entry_access(entry, template, partition, f"{source}: {entry.account_id}")
        for entry in entries
    }
    extra = {owner.account_id: owner for owner in map(AwsAccount, owner_accesses(args, jobs * 2))}
    accounts = LazyAccounts(
        accesses, {key: value for key, value in extra.items() if key not in accesses}
    )
    with ExitStack() as stack:
        data = audit_fleet(chosen, accounts, _settings(args, shard, fail_on, stack))
    if stamp is not None:
        data["shard"] = {**stamp, "input_digest": digest, "counts": stamp_counts(data)}
    return report_from_dict(data)


def _chosen_items(items: list[Item], targets: list[Item], source: str) -> list[Item]:
    known = {target.key: target for target in targets}
    for number, item in enumerate(items):
        if item.key not in known:
            raise InputError(
                source, f"[{number}]", f"{item.key} is not an (account, region) of the accounts"
            )
    return [known[item.key] for item in items]

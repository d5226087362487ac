"""An audit of many accounts: each (account, region) swept as a registry with the account's
own role, each referenced resource read with its owner's role (unknown when the owner is not
one of the accounts), and the parts joined as ``xreg merge`` joins shards.

Accounts are reached lazily: a role is assumed only in the accounts something is read in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from checker.aws.audit.accounts import ROLE_ARN, AccountEntry
from checker.aws.audit.items import Item
from checker.aws.audit.merge import combine, fleet_report
from checker.aws.audit.sweep import AuditSettings, sweep_target
from checker.aws.s3 import BucketOwners
from checker.aws.session import AccountAccess, AwsAccount
from checker.records import replace
from checker.refs import arn_or_none


class LazyAccounts(Mapping[str, AwsAccount]):
    """Account id → connected account, each connected on first use (thread-safe)."""

    def __init__(
        self, accesses: Mapping[str, AccountAccess], ready: Mapping[str, AwsAccount]
    ) -> None:
        self._accesses = dict(accesses)
        self._made: dict[str, AwsAccount] = dict(ready)
        self._keys = sorted(set(self._accesses) | set(self._made))
        self._lock = threading.Lock()

    def __getitem__(self, account_id: str) -> AwsAccount:
        with self._lock:
            if account_id not in self._made:
                self._made[account_id] = AwsAccount(self._accesses[account_id])
            return self._made[account_id]

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._accesses or account_id in self._made

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def targets_of(entries: Sequence[AccountEntry], default_region: str) -> list[Item]:
    """Every (account, region) the accounts name, in order."""
    return sorted(
        Item(entry.account_id, region, entry.name)
        for entry in entries
        for region in (entry.regions or (default_region,))
    )


def entry_access(
    entry: AccountEntry, template: AccountAccess, partition: str, label: str
) -> AccountAccess:
    match = ROLE_ARN.fullmatch(entry.role)
    role_partition = match.group(1) if match else partition
    return replace(
        template,
        label=label,
        profile=None,
        role_arn=entry.role_arn(role_partition),
        external_id=entry.external_id,
        region=entry.regions[0] if entry.regions else template.region,
        account_id=entry.account_id,
        partition=role_partition,
    )


def _consumers_of(account_id: str, consumers: tuple[str, ...]) -> tuple[str, ...]:
    """The ``--consumer`` principals of one registry account (a consumer deploys from its
    own account's registry)."""
    return tuple(
        arn for arn in consumers if (parsed := arn_or_none(arn)) and parsed.account == account_id
    )


def audit_fleet(
    targets: Sequence[Item],
    accounts: LazyAccounts,
    settings: AuditSettings,
) -> dict[str, Any]:
    """The joined JSON report of ``targets``, read through ``accounts``."""
    owners = BucketOwners(accounts)
    parts: list[tuple[str, Any]] = []
    from checker.report.json_report import report_to_dict

    for target in sorted(targets):
        registry = accounts[target.account_id]
        own = replace(settings, consumers=_consumers_of(target.account_id, settings.consumers))
        report = sweep_target(
            registry, target.region, accounts, own, bucket_owners=owners, involved_only=True
        )
        part = report_to_dict(report)
        part["accounts"] = [target.as_dict()]
        parts.append((target.key, part))
    joined = combine(parts)
    joined.setdefault("accounts", [])
    return fleet_report(joined)

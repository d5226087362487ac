"""The active accounts under an OU (or the root) of AWS Organizations, read-only, from the
management account or a delegated administrator: ``ListAccounts`` for the root,
``ListAccountsForParent`` and ``ListChildren`` down the OUs below an OU."""

from __future__ import annotations

import re
from typing import Any

from checker.aws.audit.accounts import AccountEntry, expand_role_pattern
from checker.aws.reads import Failure, attempt, paginate
from checker.aws.session import AwsAccount
from checker.errors import InputError

PARENT_ID = re.compile(r"r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
OPTION = "--org-ou"


def _read(organizations: Any, operation: str, method: str, key: str, **params: Any) -> list[Any]:
    outcome = attempt(
        f"organizations:{operation}",
        lambda: list(paginate(organizations, method, key, **params)),
    )
    if isinstance(outcome, Failure):
        # Without the list there is nothing to audit: the run stops, saying why.
        raise InputError(OPTION, "$", f"cannot list the organization's accounts: {outcome.reason}")
    return outcome if isinstance(outcome, list) else []


def _active(account: dict[str, Any]) -> bool:
    # ``State`` replaces the deprecated ``Status``; either says ACTIVE for an open account.
    return str(account.get("State") or account.get("Status") or "") == "ACTIVE"


def discover_accounts(base: AwsAccount, parent: str, role_pattern: str) -> list[AccountEntry]:
    """Every active account under ``parent``, its role named by ``role_pattern``."""
    if not PARENT_ID.fullmatch(parent):
        raise InputError(OPTION, "$", f"{parent!r} is neither a root id (r-…) nor an OU id (ou-…)")
    organizations = base.client("organizations")
    found: list[dict[str, Any]] = []
    if parent.startswith("r-"):
        found = _read(organizations, "ListAccounts", "list_accounts", "Accounts")
    else:
        pending = [parent]
        while pending:
            current = pending.pop()
            found += _read(
                organizations,
                "ListAccountsForParent",
                "list_accounts_for_parent",
                "Accounts",
                ParentId=current,
            )
            children = _read(
                organizations,
                "ListChildren",
                "list_children",
                "Children",
                ParentId=current,
                ChildType="ORGANIZATIONAL_UNIT",
            )
            pending += sorted(child["Id"] for child in children)
    entries = {}
    for account in found:
        if not _active(account):
            continue
        account_id, name = str(account["Id"]), account.get("Name") or None
        role = expand_role_pattern(
            role_pattern, account_id, name, f"{OPTION} {parent}: {account_id}"
        )
        entries[account_id] = AccountEntry(account_id, role, name)
    if not entries:
        raise InputError(OPTION, "$", f"no active account under {parent}")
    return [entries[key] for key in sorted(entries)]

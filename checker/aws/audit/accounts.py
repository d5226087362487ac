"""The accounts of an organization-wide audit: an accounts file in the shape of c7n-org's
``accounts.yml`` (YAML or JSON), or the accounts AWS Organizations lists under an OU.

Every entry names an account, the role xreg assumes in it and, optionally, its regions, a
name and tags. Each account is audited as a registry (its own groups, read with its role)
and read as an owner of the images, artifacts and keys any version references.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from checker.errors import InputError, field_path, json_type_name
from checker.records import record

ACCOUNT_ID = re.compile(r"[0-9]{12}")
ROLE_ARN = re.compile(r"arn:(aws[a-z-]*):iam::([0-9]{12}):role/(.+)")
# What c7n-org's accounts.yml may hold; xreg reads the first six and ignores the rest.
READ_KEYS = ("account_id", "name", "role", "regions", "tags", "external_id")
IGNORED_KEYS = ("email", "display_name", "org_id", "vars")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("account_id", "name")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")


@record
class AccountEntry:
    """One account: ``role`` is an ARN, or a role name turned into one in the caller's
    partition when the account is reached."""

    account_id: str
    role: str
    name: str | None = None
    regions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    external_id: str | None = None

    def role_arn(self, partition: str) -> str:
        if self.role.startswith("arn:"):
            return self.role
        return f"arn:{partition}:iam::{self.account_id}:role/{self.role}"

    def digest_form(self) -> dict[str, Any]:
        """What the input digest covers of it (not the external id: a secret)."""
        return {"account_id": self.account_id, "role": self.role, "regions": list(self.regions)}


def expand_role_pattern(pattern: str, account_id: str, name: str | None, where: str) -> str:
    """``--role-name`` for one account: ``{account_id}`` and ``{name}`` filled in."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in PLACEHOLDERS:
            raise InputError(
                "--role-name",
                "$",
                f"unknown placeholder {{{key}}} (use {{account_id}} or {{name}})",
            )
        if key == "name" and not name:
            raise InputError(where, "name", "--role-name uses {name} but the account has no name")
        return account_id if key == "account_id" else str(name)

    return _PLACEHOLDER.sub(fill, pattern)


def _fail(source: str, path: Sequence[str | int], reason: str) -> InputError:
    return InputError(source, field_path(list(path)), reason)


def _account_id(value: Any, source: str, path: list[str | int]) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(source, path, f"must be a 12-digit account id, not {json_type_name(value)}")
    text = str(value)
    if isinstance(value, int) and len(text) != 12:
        # YAML reads 012345678901 as a number and drops its leading zero.
        raise _fail(source, path, f"{text} is not 12 digits: quote the account id")
    if not ACCOUNT_ID.fullmatch(text):
        raise _fail(source, path, f"{text!r} is not a 12-digit account id")
    return text


def _text(value: Any, source: str, path: list[str | int]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, path, f"must be a non-empty string, not {json_type_name(value)}")
    return value


def _strings(value: Any, source: str, path: list[str | int]) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(source, path, f"must be a list, not {json_type_name(value)}")
    return tuple(_text(item, source, [*path, number]) for number, item in enumerate(value))


def _role(value: Any, account_id: str, source: str, path: list[str | int]) -> str:
    role = _text(value, source, path)
    if role.startswith("arn:"):
        match = ROLE_ARN.fullmatch(role)
        if match is None:
            raise _fail(source, path, f"{role!r} is not an IAM role ARN")
        if match.group(2) != account_id:
            raise _fail(source, path, f"the role is in account {match.group(2)}, not {account_id}")
    elif any(char.isspace() for char in role) or role.startswith("/"):
        raise _fail(source, path, f"{role!r} is neither a role ARN nor a role name")
    return role


def _regions(value: Any, source: str, path: list[str | int]) -> tuple[str, ...]:
    regions = _strings(value, source, path)
    for number, region in enumerate(regions):
        if not _REGION.fullmatch(region):
            raise _fail(source, [*path, number], f"{region!r} is not a region name")
    if len(set(regions)) != len(regions):
        raise _fail(source, path, "names a region twice")
    return regions


def read_entry(
    raw: Any, source: str, path: list[str | int], role_pattern: str | None
) -> AccountEntry:
    if not isinstance(raw, Mapping):
        raise _fail(source, path, f"must be an object, not {json_type_name(raw)}")
    for key in raw:
        if key not in READ_KEYS and key not in IGNORED_KEYS:
            known = ", ".join(READ_KEYS)
            raise _fail(source, [*path, str(key)], f"unknown field (known: {known})")
    if "account_id" not in raw:
        raise _fail(source, [*path, "account_id"], "missing: every account needs its id")
    account_id = _account_id(raw["account_id"], source, [*path, "account_id"])
    name = _text(raw["name"], source, [*path, "name"]) if raw.get("name") is not None else None
    if raw.get("role") is not None:
        role = _role(raw["role"], account_id, source, [*path, "role"])
    elif role_pattern is not None:
        role = expand_role_pattern(role_pattern, account_id, name, f"{source}: {field_path(path)}")
    else:
        raise _fail(source, [*path, "role"], "missing: give the role to assume, or --role-name")
    regions = (
        _regions(raw["regions"], source, [*path, "regions"])
        if raw.get("regions") is not None
        else ()
    )
    tags = _strings(raw["tags"], source, [*path, "tags"]) if raw.get("tags") is not None else ()
    external = raw.get("external_id")
    external_id = _text(external, source, [*path, "external_id"]) if external is not None else None
    return AccountEntry(account_id, role, name, regions, tags, external_id)


def parse_accounts(document: Any, source: str, role_pattern: str | None) -> list[AccountEntry]:
    if not isinstance(document, Mapping):
        raise _fail(
            source, [], f"must be an object with 'accounts', not {json_type_name(document)}"
        )
    if "accounts" not in document:
        raise _fail(source, ["accounts"], "missing: the file lists its accounts under 'accounts'")
    listed = document["accounts"]
    if not isinstance(listed, list) or not listed:
        raise _fail(source, ["accounts"], "must be a non-empty list of accounts")
    entries = [
        read_entry(raw, source, ["accounts", number], role_pattern)
        for number, raw in enumerate(listed)
    ]
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries):
        if entry.account_id in seen:
            raise _fail(
                source,
                ["accounts", number, "account_id"],
                f"{entry.account_id} is listed twice (also accounts[{seen[entry.account_id]}])",
            )
        seen[entry.account_id] = number
    return sorted(entries, key=lambda entry: entry.account_id)


def load_accounts(path: str, role_pattern: str | None = None) -> list[AccountEntry]:
    """The accounts of ``path`` (YAML, or JSON), sorted by id; bad input is an InputError
    naming the field."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(path, "$", f"cannot read the accounts file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(path, "$", "the accounts file is not UTF-8 text") from None
    if text.lstrip().startswith(("{", "[")):
        try:
            document = json.loads(text)
        except ValueError as error:
            raise InputError(path, "$", f"not valid JSON: {error}") from None
    else:
        import yaml

        from checker.yaml_io import safe_loader

        try:
            document = yaml.load(text, Loader=safe_loader())
        except yaml.YAMLError as error:
            reason = " ".join(str(error).split())
            raise InputError(path, "$", f"not valid YAML: {reason}") from None
    return parse_accounts(document, path, role_pattern)

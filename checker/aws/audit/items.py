"""Work items: one (account, region) to audit each, as Step Functions Distributed Map hands
a batch of them to one worker.

``xreg audit --list-items`` writes them one JSON object a line (an ItemReader manifest, JSONL);
``--items FILE`` (or ``-``, stdin) reads a JSON array, JSON lines, or the
``{"Items": [...], "BatchInput": {...}}`` object that ItemBatcher makes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from checker.aws.audit.accounts import ACCOUNT_ID
from checker.errors import InputError, json_type_name
from checker.records import record

ITEM_KEYS = ("account_id", "region", "name")


@record(order=True)
class Item:
    account_id: str
    region: str
    name: str | None = None

    @property
    def key(self) -> str:
        return f"{self.account_id}/{self.region}"

    def as_dict(self) -> dict[str, str]:
        data = {"account_id": self.account_id, "region": self.region}
        if self.name:
            data["name"] = self.name
        return data


def item_lines(items: Iterable[Item]) -> str:
    return "".join(json.dumps(item.as_dict(), sort_keys=True) + "\n" for item in items)


def _item(raw: Any, source: str, path: str) -> Item:
    if not isinstance(raw, Mapping):
        raise InputError(source, path, f"an item must be an object, not {json_type_name(raw)}")
    for key in raw:
        if key not in ITEM_KEYS:
            raise InputError(
                source, f"{path}.{key}", f"unknown field (known: {', '.join(ITEM_KEYS)})"
            )
    account, region, name = raw.get("account_id"), raw.get("region"), raw.get("name")
    if not isinstance(account, str) or not ACCOUNT_ID.fullmatch(account):
        raise InputError(source, f"{path}.account_id", "must be a 12-digit account id (a string)")
    if not isinstance(region, str) or not region:
        raise InputError(source, f"{path}.region", "must be a region name")
    if name is not None and not isinstance(name, str):
        raise InputError(source, f"{path}.name", f"must be a string, not {json_type_name(name)}")
    return Item(account, region, name)


def parse_items(text: str, source: str) -> list[Item]:
    """The items of ``text``, in order; a duplicate or a malformed item is bad input."""
    stripped = text.strip()
    if not stripped:
        raise InputError(source, "$", "no items (give a JSON array or JSON lines)")
    raws: list[tuple[str, Any]]
    try:
        whole: Any = json.loads(stripped)
    except ValueError:
        whole = None
        raws = []
        for number, line in enumerate(stripped.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raws.append((f"line {number}", json.loads(line)))
            except ValueError as error:
                raise InputError(source, f"line {number}", f"not valid JSON: {error}") from None
    if whole is not None:
        if isinstance(whole, Mapping) and "Items" in whole:
            if not isinstance(whole["Items"], list):
                raise InputError(source, "Items", "must be a list of items")
            raws = [(f"Items[{n}]", raw) for n, raw in enumerate(whole["Items"])]
        elif isinstance(whole, list):
            raws = [(f"[{n}]", raw) for n, raw in enumerate(whole)]
        else:
            raws = [("line 1", whole)]
    items: list[Item] = []
    seen: dict[str, str] = {}
    for path, raw in raws:
        item = _item(raw, source, path)
        if item.key in seen:
            raise InputError(source, path, f"{item.key} is given twice (also {seen[item.key]})")
        seen[item.key] = path
        items.append(item)
    if not items:
        raise InputError(source, "$", "no items")
    return items
